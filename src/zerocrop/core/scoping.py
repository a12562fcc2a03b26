"""The one place that decides what a user may see.

A user sees their unit and everything below it, nothing beside it; a superuser
without a unit sees everything. Objects outside scope answer 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def scope_q(user: Any, *, unit_field: str = "unit") -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser and user.unit_id is None:
        return Q()
    if user.unit_id is None:
        return Q(pk__in=[])
    prefix = "path" if unit_field == "" else f"{unit_field}__path"
    return Q(**{f"{prefix}__startswith": user.unit.path})


def visible_to(queryset: QuerySet[M], user: Any, *, unit_field: str = "unit") -> QuerySet[M]:
    return queryset.filter(scope_q(user, unit_field=unit_field))


def get_visible_or_404(
    queryset: QuerySet[M], user: Any, *, unit_field: str = "unit", **lookup: Any
) -> M:
    try:
        return visible_to(queryset, user, unit_field=unit_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("不存在或无权查看") from exc
