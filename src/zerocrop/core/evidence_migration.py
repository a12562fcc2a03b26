"""Moving files an app stored itself onto EvidenceFile rows, for data migrations.

Works on historical models; the bytes stay where they are (the storage name is kept), so
nothing is copied or lost. A hash recorded before is kept as is; a missing one is computed.
"""

from __future__ import annotations

import hashlib
import posixpath
from typing import Any

from django.core.files.storage import default_storage

from zerocrop.core.evidence import CONTENT_TYPES, SM3_AVAILABLE


def _digests(name: str) -> tuple[str, str, int]:
    if not default_storage.exists(name):
        return "", "", 0
    with default_storage.open(name, "rb") as file:
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
        file.seek(0)
        sm3 = hashlib.file_digest(file, "sm3").hexdigest() if SM3_AVAILABLE else ""
    return sha256, sm3, default_storage.size(name)


def evidence_for_stored(
    model: Any,
    *,
    storage_name: str,
    sha256: str,
    kind: str,
    original_name: str = "",
    created_by_id: Any = None,
    exif_claim: dict[str, Any] | None = None,
) -> Any:
    """The EvidenceFile row (historical `model`) for a stored file, made if it is new."""
    computed, sm3, size = _digests(storage_name)
    sha256 = sha256 or computed
    existing = model.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    extension = posixpath.splitext(storage_name)[1].lower()
    return model.objects.create(
        sha256=sha256,
        sm3=sm3 if computed == sha256 else "",
        storage_name=storage_name,
        size=size,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        original_name=(original_name or posixpath.basename(storage_name))[:255],
        kind=kind,
        exif_claim=exif_claim,
        created_by_id=created_by_id,
    )
