"""The one view that serves evidence files: scoped, audited, never cached."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from zerocrop.core.audit import audit_record
from zerocrop.core.downloads import content_disposition, no_store
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_visible
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.evidence_package import evidence_package_build
from zerocrop.core.redirects import safe_next

INLINE_TYPES = {"image/jpeg", "image/png", "application/pdf"}


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
    return no_store(response)


@require_GET
def evidence_package_download(request: HttpRequest, kind: str, object_id: str) -> HttpResponse:
    """The evidence package (ZIP) of one record in the user's scope; built in a temporary file
    and streamed from it. A lost or changed stored file refuses the package with its reason."""
    try:
        built = evidence_package_build(user=request.user, kind=kind, object_id=str(object_id))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(safe_next(request, "/"))
    response = FileResponse(built.file, content_type="application/zip")
    response["Content-Length"] = str(built.size)
    response["Content-Disposition"] = content_disposition(
        built.filename, ascii_name=f"evidence-package-{kind}.zip"
    )
    return no_store(response)
