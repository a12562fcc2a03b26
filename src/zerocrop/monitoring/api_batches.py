"""Target batches in the JSON API (read only; importing is the preview page's job).

Mounted by api/v1.py at "/monitoring": GET /api/v1/monitoring/batches/ and /batches/{id}.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router

from zerocrop.core.clock import today
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.monitoring.selectors import batch_get, batches_visible, targets_visible
from zerocrop.monitoring.states import target_state

router = Router(tags=["监测靶点批次"])


def batch_body(batch: TargetBatch, *, count: int) -> dict[str, Any]:
    return {
        "id": str(batch.pk),
        "name": batch.name,
        "unit": batch.unit.name,
        "campaign": str(batch.campaign_id) if batch.campaign_id else None,
        "issuer": batch.issuer,
        "issuer_level": batch.issuer_level,
        "doc_number": batch.doc_number,
        "issued_on": batch.issued_on.isoformat(),
        "due_on": batch.due_on.isoformat(),
        "imagery_date": batch.imagery_date.isoformat() if batch.imagery_date else None,
        "file_format": batch.file_format,
        "encoding": batch.encoding,
        "source_crs": batch.source_crs,
        "source_file": str(batch.source_file_id),
        "columns": batch.columns,
        "column_map": batch.column_map,
        "match_distance_m": batch.match_distance_m,
        "fingerprint": batch.fingerprint,
        "target_count": count,  # the targets the caller can see
    }


def target_body(target: Target, *, day: Any) -> dict[str, Any]:
    state = target_state(status=target.status, due_on=target.due_on, today=day)
    return {
        "id": str(target.pk),
        "code": target.code,
        "merged_codes": target.merged_codes,
        "unit": target.unit.name,
        "lon": target.lon,
        "lat": target.lat,
        "geometry": target.geometry,
        "area_m2": target.area_m2,
        "issued_on": target.issued_on.isoformat(),
        "due_on": target.due_on.isoformat(),
        "category": target.category,
        "confidence": target.confidence,
        "status": target.status,
        "state": state.key,
        "state_label": state.label,
        "locally_known": target.locally_known,
        "known_note": target.known_note,
        "attributes": target.attributes,
    }


@router.get("/batches/", summary="靶点批次列表")
def batch_list(request: HttpRequest) -> list[dict[str, Any]]:
    counts = dict(
        targets_visible(user=request.user)
        .values_list("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    return [batch_body(b, count=counts.get(b.pk, 0)) for b in batches_visible(user=request.user)]


@router.get("/batches/{batch_id}", summary="靶点批次及其（可见的）靶点")
def batch_detail(request: HttpRequest, batch_id: UUID) -> dict[str, Any]:
    batch = batch_get(user=request.user, batch_id=batch_id)
    targets = list(
        targets_visible(user=request.user).filter(batch=batch).order_by("row_index", "code")
    )
    day = today()
    body = batch_body(batch, count=len(targets))
    body["targets"] = [target_body(t, day=day) for t in targets]
    return body
