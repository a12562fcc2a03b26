from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

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


@dataclass(frozen=True)
class LoginLock:
    """A user name locked for one source address (axes counts failures per name and address)."""

    username: str
    ip_address: str | None
    since: datetime  # the failure that reached the limit; later attempts do not move it
    until: datetime
    failures: int


def login_locks(
    *, username: str | None = None, ip_address: str | None = None, now: datetime | None = None
) -> list[LoginLock]:
    """Locks in force now, newest first; optionally only one name and address."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - cool_off)
    if username is not None:
        attempts = attempts.filter(username=username, ip_address=ip_address)
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        LoginLock(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            since=row["last"],
            until=row["last"] + cool_off,
            failures=row["failures"],
        )
        for row in rows
    ]
