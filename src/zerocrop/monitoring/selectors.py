"""Reads of target batches and targets, always scoped to the user's units.

A batch belongs to the town; a user below the town (a village cadre) sees the batches
that hold at least one target in their units, and only those targets.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from zerocrop.core.scoping import get_visible_or_404, scope_q, visible_to
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.monitoring.states import OPEN_STATUSES


def _uuid_or_404(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("不存在或无权查看") from exc


def targets_visible(*, user: Any) -> QuerySet[Target]:
    """The live targets in the user's units."""
    return visible_to(
        Target.objects.filter(voided_at=None, batch__voided_at=None), user
    ).select_related("batch", "unit")


def target_get(*, user: Any, target_id: Any) -> Target:
    """One live target in the user's units; 404 otherwise."""
    return get_visible_or_404(
        Target.objects.filter(voided_at=None, batch__voided_at=None).select_related(
            "batch", "unit"
        ),
        user,
        pk=_uuid_or_404(target_id),
    )


def batches_visible(*, user: Any) -> QuerySet[TargetBatch]:
    """Live batches of the user's town(s), or holding a target in the user's units."""
    in_units = scope_q(user)
    has_target = Q(
        pk__in=Target.objects.filter(voided_at=None).filter(scope_q(user)).values("batch_id")
    )
    return (
        TargetBatch.objects.filter(voided_at=None)
        .filter(in_units | has_target)
        .select_related("unit", "campaign", "source_file")
        .distinct()
    )


def batch_get(*, user: Any, batch_id: Any) -> TargetBatch:
    """One live batch the user may see; 404 otherwise."""
    try:
        return batches_visible(user=user).get(pk=_uuid_or_404(batch_id))
    except TargetBatch.DoesNotExist as exc:
        raise Http404("不存在或无权查看") from exc


def targets_by_urgency(targets: QuerySet[Target], *, today: date) -> QuerySet[Target]:
    """Overdue first, then the open ones by deadline, then the rest,
    in the database, so that a cut after it keeps the most urgent."""
    rank = Case(
        When(status__in=OPEN_STATUSES, due_on__lt=today, then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return targets.annotate(urgency=rank).order_by("urgency", "due_on", "code")
