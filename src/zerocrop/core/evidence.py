"""The one way to keep an uploaded file as evidence, and to find who may see it.

`evidence_store` checks the bytes (by kind), hashes them (SHA-256, and SM3 where OpenSSL has
it), stores them once under their hash and records who uploaded them. Apps that link evidence
register how to find the units of the records that link a file (`register_evidence_owner`);
a user may fetch a file only if one of those units is in their scope. Files that belong to a
person rather than a unit (an export built by a job) register a rule instead
(`register_evidence_access`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.evidence_verify import file_hashes
from zerocrop.core.exif import read_claim
from zerocrop.core.files import CheckedFile, Upload, check_plain, check_scan, store_by_hash
from zerocrop.core.scoping import visible_to

EVIDENCE_FOLDER = "evidence"
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}
SM3_AVAILABLE = "sm3" in hashlib.algorithms_available
NAME_MAX = EvidenceFile._meta.get_field("original_name").max_length
EXPORT_MAX_BYTES = 1024 * 1024 * 1024  # built by the system, not uploaded; a sanity bound only

OwnerUnits = Callable[[EvidenceFile], QuerySet[Any]]
_OWNERS: dict[str, OwnerUnits] = {}
Access = Callable[[Any, EvidenceFile], bool]
_ACCESS: dict[str, Access] = {}
_ORIGINALS: dict[str, Access] = {}


def register_evidence_owner(kind: str, units: OwnerUnits) -> None:
    """`units(evidence)` answers the AdminUnits of the records of this kind linking the file."""
    _OWNERS[kind] = units


def register_evidence_access(kind: str, allowed: Access) -> None:
    """`allowed(user, evidence)` answers whether a user may fetch a file this kind links."""
    _ACCESS[kind] = allowed


def register_evidence_original(kind: str, allowed: Access) -> None:
    """`allowed(user, evidence)` answers whether a user who may see a file of this kind may
    fetch its original bytes (EXIF included); others get only `/evidence/<id>/preview/`."""
    _ORIGINALS[kind] = allowed


def evidence_original_visible(*, user: Any, evidence: EvidenceFile) -> bool:
    if not evidence_visible(user=user, evidence=evidence):
        return False
    allowed = _ORIGINALS.get(evidence.kind)
    return allowed is None or allowed(user, evidence)


def evidence_visible(*, user: Any, evidence: EvidenceFile) -> bool:
    # Every registered owner is asked, not only the file's own kind: the same bytes are stored
    # once, so a file first uploaded as a scan may also be linked as a photo.
    return any(
        visible_to(units(evidence), user, unit_field="").exists() for units in _OWNERS.values()
    ) or any(allowed(user, evidence) for allowed in _ACCESS.values())


_PHOTO_KINDS = (EvidenceKind.PATROL_PHOTO, EvidenceKind.FINDING_PHOTO, EvidenceKind.TARGET_PHOTO)


def _check(*, kind: str, name: str, data: Upload) -> CheckedFile:
    if kind in (EvidenceKind.PLEDGE_SCAN, EvidenceKind.VISIT_SCAN):
        return check_scan(name=name, data=data)
    if kind in _PHOTO_KINDS:
        return check_scan(name=name, data=data, label="照片", images_only=True)
    if kind == EvidenceKind.TRACK_FILE:
        return check_plain(
            name=name, data=data, label="轨迹文件", limit=settings.ZEROCROP_TRACK_MAX_BYTES
        )
    if kind == EvidenceKind.TARGET_FILE:
        return check_plain(
            name=name, data=data, label="靶点文件", limit=settings.ZEROCROP_TARGET_MAX_BYTES
        )
    if kind == EvidenceKind.EXPORT:
        return check_plain(name=name, data=data, label="导出文件", limit=EXPORT_MAX_BYTES)
    raise ValueError(f"unknown evidence kind {kind!r}")


def evidence_check(*, kind: str, name: str, data: Upload) -> CheckedFile:
    """Check bytes for `kind` without storing them (to check a batch before storing any)."""
    return _check(kind=kind, name=name, data=data)


def _sm3(file: IO[bytes]) -> str:
    if not SM3_AVAILABLE:
        return ""
    file.seek(0)
    digest = hashlib.file_digest(file, "sm3").hexdigest()
    file.seek(0)
    return digest


def _claim(kind: str, file: IO[bytes]) -> dict[str, Any] | None:
    if kind not in _PHOTO_KINDS:
        return None
    claim = asdict(read_claim(file))
    claim["taken_at"] = claim["taken_at"].isoformat() if claim["taken_at"] else None
    return claim


@transaction.atomic
def evidence_store(
    *,
    file: Upload | CheckedFile,
    kind: str,
    actor: Any,
    original_name: str = "",
    content_type: str = "",
) -> EvidenceFile:
    """Check and store bytes once; the same bytes again return the stored file (deduplicated).

    The content type is the file's own by its checked type, unless the caller, who built the
    bytes, names it.
    """
    if isinstance(file, CheckedFile):
        checked = file
    else:
        checked = _check(kind=kind, name=original_name, data=file)
    checked.file.seek(0, 2)
    size = checked.file.tell()
    existing = EvidenceFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        if not default_storage.exists(existing.storage_name):  # bytes lost; these are the same
            before = snapshot(existing)
            existing.storage_name = store_by_hash(folder=EVIDENCE_FOLDER, checked=checked)
            existing.size = size
            existing.save(update_fields=["storage_name", "size", "updated_at"])
            audit_record(
                actor=actor,
                action="restore",
                instance=existing,
                before=before,
                after=snapshot(existing),
            )
        return existing
    storage_name = store_by_hash(folder=EVIDENCE_FOLDER, checked=checked)
    evidence = EvidenceFile(
        sha256=checked.sha256,
        sm3=_sm3(checked.file),
        storage_name=storage_name,
        size=size,
        content_type=content_type
        or CONTENT_TYPES.get(checked.extension, "application/octet-stream"),
        original_name=_short_name(original_name or storage_name.rsplit("/", 1)[-1]),
        kind=kind,
        exif_claim=_claim(kind, checked.file),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError:  # the same bytes were stored by a concurrent upload
        return EvidenceFile.objects.get(sha256=checked.sha256)
    audit_record(actor=actor, action="create", instance=evidence, after=snapshot(evidence))
    return evidence


def _short_name(name: str) -> str:
    if len(name) <= NAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[: NAME_MAX - 1] + "…"
    return f"{stem[: NAME_MAX - len(extension) - 2]}….{extension}"


@dataclass
class StoreReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def evidence_store_verify() -> StoreReport:
    """Re-hash every stored file against the SHA-256 and SM3 recorded at receipt.

    Each problem is a Chinese sentence naming the file; nothing is changed or repaired.
    """
    report = StoreReport()
    for evidence in EvidenceFile.objects.order_by("created_at", "pk").iterator(chunk_size=500):
        label = f"{evidence}（{evidence.pk}，{evidence.storage_name}）"
        if not default_storage.exists(evidence.storage_name):
            report.problems.append(f"证据文件丢失：{label}")
            continue
        with default_storage.open(evidence.storage_name, "rb") as file:
            size, sha256, sm3 = file_hashes(file, sm3=bool(evidence.sm3))
        report.checked += 1
        if sha256 != evidence.sha256:
            report.problems.append(f"证据文件内容已改变（SHA-256 不符）：{label}")
        elif evidence.sm3 and sm3 != evidence.sm3:
            report.problems.append(f"证据文件内容已改变（SM3 不符）：{label}")
        elif size != evidence.size:
            report.problems.append(
                f"证据文件大小不符（记录 {evidence.size} 字节，实际 {size} 字节）：{label}"
            )
    return report
