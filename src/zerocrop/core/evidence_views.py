"""The one view that serves evidence files: scoped, audited, never cached."""

from __future__ import annotations

from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from zerocrop.core.audit import audit_record
from zerocrop.core.evidence import evidence_visible
from zerocrop.core.evidence_models import EvidenceFile

INLINE_TYPES = {"image/jpeg", "image/png", "application/pdf"}


def ascii_fallback(name: str) -> str:
    """The name for clients without RFC 6266 `filename*`: non-ASCII and quotes become `_`."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    safe = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in stem)
    ext = "".join(c for c in extension if c.isascii() and c.isalnum())
    stem = safe if safe.strip("_ ") else "evidence"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(name: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def evidence_download(request: HttpRequest, evidence_id: str) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id)
    if not evidence_visible(user=request.user, evidence=evidence):
        raise Http404("不存在或无权查看")
    return evidence_response(request, evidence)


def evidence_response(request: HttpRequest, evidence: EvidenceFile) -> FileResponse:
    """The file's bytes, audited; the caller has checked that the user may see it."""
    audit_record(
        actor=request.user, action="download", instance=evidence, after={"sha256": evidence.sha256}
    )
    response = FileResponse(
        default_storage.open(evidence.storage_name, "rb"), content_type=evidence.content_type
    )
    response["Content-Disposition"] = content_disposition(
        evidence.original_name, inline=evidence.content_type in INLINE_TYPES
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
