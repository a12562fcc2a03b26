"""A job's status as JSON, for clients that poll without the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from zerocrop.core.jobs import job_get, job_kind_label

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: UUID
    kind: str
    label: str
    status: str
    progress: int
    message: str
    error: str
    result: Any = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


@router.get("/{job_id}", response=JobOut)
def job_status(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    job = job_get(user=request.user, job_id=job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job_kind_label(job.kind),
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "result": job.result,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
