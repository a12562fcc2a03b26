"""Targets in the JSON API: the scoped list (overdue first) and a target with its proof.

Router: `router` (tags 监测靶点), mounted as `api.add_router("/monitoring/targets", router)`.
A verification needs its photos (at least 远景/近景/特征), which the API's JSON bodies do not
carry: it is submitted through the verification page's form, not here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from zerocrop.core.api_types import Text
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.monitoring import services_targets, states
from zerocrop.monitoring.choices import TargetStatus
from zerocrop.monitoring.models import Target
from zerocrop.monitoring.selectors import target_get, targets_by_urgency, targets_visible

router = Router(tags=["监测靶点"])

BatchText = Text(max_length=40, label="批次")
StatusText = Text(max_length=16, label="状态")
LIST_MAX = 1000


def _local(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def target_body(target: Target, *, day: Any) -> dict[str, Any]:
    state = states.target_state(status=target.status, due_on=target.due_on, today=day)
    return {
        "id": str(target.pk),
        "code": target.code,
        "batch": {"id": str(target.batch_id), "name": target.batch.name},
        "unit": target.unit.name,
        "lon": target.lon,
        "lat": target.lat,
        "geometry": target.geometry,
        "issued_on": target.issued_on.isoformat(),
        "due_on": target.due_on.isoformat(),
        "status": target.status,
        "state": state.key,
        "state_label": state.label,
        "reminder": state.reminder,
        "locally_known": target.locally_known,
        "result": target.result,
        "reason": target.reason,
        "reason_text": target.reason_text,
        "verified_at": _local(target.verified_at),
        "distance_m": target.distance_m,
        "plant_count": target.plant_count,
        "found_area_m2": target.found_area_m2,
        "finding": str(target.finding_id) if target.finding_id else None,
        "duplicate_of": str(target.duplicate_of_id) if target.duplicate_of_id else None,
    }


@router.get("/", summary="监测靶点列表（超期的在前）")
def target_list(
    request: HttpRequest, batch: BatchText = "", state: StatusText = ""
) -> list[dict[str, Any]]:
    day = today()
    targets = targets_visible(user=request.user)
    if batch:
        try:
            targets = targets.filter(batch_id=UUID(batch))
        except ValueError:
            raise ApplicationError("批次编号无效", field="batch") from None
    status = state
    if status == "overdue":
        targets = targets.filter(
            status__in=[TargetStatus.PENDING, TargetStatus.RETURNED], due_on__lt=day
        )
    elif status:
        if status not in TargetStatus.values:
            raise ApplicationError(f"状态「{status}」无法识别", field="state")
        targets = targets.filter(status=status)
    ordered = targets_by_urgency(targets, today=day)[:LIST_MAX]
    return [target_body(t, day=day) for t in ordered]


@router.get("/{target_id}", summary="监测靶点及其核查结果")
def target_detail(request: HttpRequest, target_id: UUID) -> dict[str, Any]:
    target = target_get(user=request.user, target_id=target_id)
    body = target_body(target, day=today())
    body["attributes"] = target.attributes
    body["verifiers"] = [p.name for p in target.verifiers.all()]
    body["photos"] = [
        {
            "name": services_targets.photo_name(
                code=target.code, seq=p.seq, content_type=p.evidence.content_type
            ),
            "role": p.role,
            "evidence": str(p.evidence_id),
        }
        for p in target.photos.select_related("evidence")
    ]
    return body
