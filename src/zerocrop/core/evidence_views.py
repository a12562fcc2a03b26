"""The one view that serves evidence files: scoped, audited, never cached."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET
from PIL import Image

from zerocrop.core.audit import audit_record
from zerocrop.core.downloads import content_disposition, no_store
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_original_visible, evidence_visible
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.evidence_package import evidence_package_build
from zerocrop.core.evidence_preview import PREVIEW_SIZES, preview_jpeg
from zerocrop.core.redirects import safe_next

INLINE_TYPES = {"image/jpeg", "image/png", "application/pdf"}


@require_GET
def evidence_download(request: HttpRequest, evidence_id: str) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id)
    if not evidence_visible(user=request.user, evidence=evidence):
        raise Http404("不存在或无权查看")
    if not evidence_original_visible(user=request.user, evidence=evidence):
        # This role sees photos only without their EXIF (time and place of the camera).
        return redirect(f"{reverse('evidence-preview', args=[evidence.pk])}?size=large")
    return evidence_response(request, evidence)


@require_GET
def evidence_preview(request: HttpRequest, evidence_id: str) -> HttpResponse:
    """A photo re-encoded without EXIF (`?size=small|large`); the stored original is untouched."""
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id)
    if not evidence_visible(user=request.user, evidence=evidence):
        raise Http404("不存在或无权查看")
    if not evidence.content_type.startswith("image/"):
        raise Http404("该证据文件不是照片，没有预览图")
    max_side = PREVIEW_SIZES.get(request.GET.get("size", ""), PREVIEW_SIZES["small"])
    try:
        with default_storage.open(evidence.storage_name, "rb") as file:
            data = preview_jpeg(file, max_side=max_side)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Http404("该照片无法生成预览图") from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Content-Disposition"] = content_disposition(
        f"{evidence.original_name.rsplit('.', 1)[0]}_预览.jpg", inline=True
    )
    return no_store(response)


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
