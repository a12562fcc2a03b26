from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit, Person


def unit_list(*, user: Any, levels: list[str] | None = None) -> QuerySet[AdminUnit]:
    units = visible_to(AdminUnit.objects.all(), user, unit_field="")
    if levels:
        units = units.filter(level__in=levels)
    return units.select_related("parent").annotate(people_count=Count("people"))


def unit_get(*, user: Any, unit_id: Any) -> AdminUnit:
    return get_visible_or_404(
        AdminUnit.objects.select_related("parent"), user, unit_field="", pk=unit_id
    )


def villages_and_communities(*, user: Any) -> QuerySet[AdminUnit]:
    """The user's villages and communities in the notice's order."""
    return unit_list(user=user, levels=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY]).order_by(
        "sort_order", "name"
    )


def person_list(*, user: Any, unit: AdminUnit | None = None, query: str = "") -> QuerySet[Person]:
    people = visible_to(Person.objects.select_related("unit"), user)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if query:
        people = people.filter(name__icontains=query)
    return people
