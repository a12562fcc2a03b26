"""Exports too large for one request run as jobs; the file waits as an EvidenceFile.

An app registers how to build an export (`register_export(kind, build, label=...)` from its
`ready()`); `build(*, user, params)` returns a `Download` and must apply the user's scope
itself (it is called with the user who asked). Views answer with `export_respond`: up to
`EXPORT_INLINE_MAX_ROWS` rows (`ZEROCROP_EXPORT_INLINE_MAX_ROWS` overrides it) the file comes
back at once; above it a job builds the same file as the same user, stores it and links it
from `job.result`, and the job page offers it for download through the evidence view, to the
job's creator and to superusers only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from zerocrop.core.audit import audit_export
from zerocrop.core.downloads import Download, download_response
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.jobs import job_enqueue, job_progress, register_job_kind
from zerocrop.core.jobs_models import Job
from zerocrop.core.ledger import EXPORT_INLINE_MAX_ROWS

ExportBuild = Callable[..., Download]
_BUILDS: dict[str, ExportBuild] = {}

USER_GONE = "发起导出的账号已不存在或已停用，未生成文件"
RECORDS_GONE = "要导出的记录已不存在或无权查看，未生成文件"


def register_export(kind: str, build: ExportBuild, *, label: str) -> None:
    """Register an export and the job kind that builds it when it is large."""
    _BUILDS[kind] = build
    register_job_kind(kind, partial(_run_export, kind=kind), label=label)


def export_inline_max_rows() -> int:
    return int(getattr(settings, "ZEROCROP_EXPORT_INLINE_MAX_ROWS", EXPORT_INLINE_MAX_ROWS))


def export_respond(
    request: HttpRequest, *, kind: str, params: dict[str, Any], count: int
) -> HttpResponse:
    """The file at once when it is small; otherwise a job building it, and the job's page."""
    build = _BUILDS[kind]
    limit = export_inline_max_rows()
    if count <= limit:
        return download_response(request, build(user=request.user, params=params))
    job = job_enqueue(
        kind=kind,
        params={"user": str(request.user.pk), "query": request.GET.urlencode(), "export": params},
        actor=request.user,
        unit=None,  # the creator's own: no one else in the unit sees it on the job page
    )
    messages.info(request, f"共 {count} 条，超过 {limit} 条，已转为后台生成；完成后在本页下载。")
    return redirect("job-detail", job_id=job.pk)


def _run_export(*, job: Job, params: dict[str, Any], kind: str) -> dict[str, Any]:
    user = (
        get_user_model()
        .objects.select_related("unit")
        .filter(pk=params.get("user"), is_active=True)
        .first()
    )
    if user is None:
        raise ApplicationError(USER_GONE)
    job_progress(job, 10, "正在生成文件")
    try:
        download = _BUILDS[kind](user=user, params=params.get("export", {}))
    except Http404 as exc:
        raise ApplicationError(RECORDS_GONE) from exc
    job_progress(job, 90, "正在保存文件")
    evidence = evidence_store(
        file=download.data,
        kind=EvidenceKind.EXPORT,
        actor=user,
        original_name=download.filename,
        content_type=download.content_type,
    )
    audit_export(
        actor=user,
        what=download.what or download.filename,
        file_format=download.file_format,
        count=download.count,
        query=params.get("query", ""),
    )
    return {"evidence": str(evidence.pk), "filename": download.filename, "count": download.count}


def export_readable(user: Any, evidence: EvidenceFile) -> bool:
    """The file is an export job's result, and the user started that job or is a superuser."""
    if not getattr(user, "is_authenticated", False):
        return False
    jobs = Job.objects.filter(result__evidence=str(evidence.pk))
    if not user.is_superuser:
        jobs = jobs.filter(created_by=user)
    return jobs.exists()
