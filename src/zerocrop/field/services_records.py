"""Records sent by phones: received by client UUID, applied through the owning app's service.

docs/field-sync.md is the protocol. A record is stored once per UUID (the unique column and a
re-read after an IntegrityError make two racing identical POSTs one record); it is applied
when every file it lists is complete and every record it points at is applied; a refusal of
the owning service makes it `rejected`, with the message, for the worker to correct.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from uuid import UUID

import pydantic
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from ninja import Schema

from zerocrop.core.errors import ApplicationError, SyncConflict
from zerocrop.field.api_schemas import PAYLOADS, RecordIn, RecordInvalid
from zerocrop.field.apply_common import RecordFiles
from zerocrop.field.apply_finding import apply_eradication, apply_finding
from zerocrop.field.apply_patrol import apply_patrol
from zerocrop.field.apply_target import apply_target_verification
from zerocrop.field.choices import RecordKind, RecordStatus
from zerocrop.field.models import Device, SyncRecord
from zerocrop.field.receipts import (
    FINDING_EDITABLE,
    current_version,
    server_side,
    waiting_for,
)
from zerocrop.field.record_scope import record_check_scope
from zerocrop.field.schema import content_sha256, upgrade
from zerocrop.field.services_files import files_complete, files_release
from zerocrop.findings.models import Finding
from zerocrop.findings.services import finding_update

Applier = Callable[..., Model]
APPLIERS: dict[str, Applier] = {
    RecordKind.PATROL: apply_patrol,
    RecordKind.FINDING: apply_finding,
    RecordKind.ERADICATION: apply_eradication,
    RecordKind.TARGET_VERIFICATION: apply_target_verification,
}


# --------------------------------------------------------------------------- refusals


class RecordConflict(SyncConflict):
    """409 with the server's side (`extra["server"]`: receipt and stored payload)."""

    def __init__(self, message: str, *, code: str, server: dict[str, Any] | None) -> None:
        super().__init__(message, code=code)
        self.extra = {"server": server}


# --------------------------------------------------------------------------- parsing, scope


def _validated(model: type[Schema], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise RecordInvalid(exc, model) from None


def record_parse(body: Any) -> tuple[dict[str, Any], RecordIn, Any]:
    """(the upgraded body, its envelope, its payload validated for its kind)."""
    upgraded = upgrade(body)
    envelope = _validated(RecordIn, upgraded)
    payload = _validated(PAYLOADS[envelope.kind], envelope.payload)
    return upgraded, envelope, payload


def _files_of(upgraded: dict[str, Any], envelope: RecordIn) -> list[dict[str, Any]]:
    return [f.model_dump(exclude_unset=False) for f in envelope.files]


# --------------------------------------------------------------------------- receiving


def _same_or_conflict(existing: SyncRecord, *, user: Any, digest: str) -> SyncRecord:
    if existing.user_id != user.pk:
        raise RecordConflict(
            "该记录标识已被其他账号使用，请在手机上重新生成后再提交",
            code="uuid_conflict",
            server=None,
        )
    if existing.content_sha256 != digest:
        raise RecordConflict(
            "服务器上已有同一标识、内容不同的记录；请对照服务器的版本决定保留哪一份",
            code="uuid_conflict",
            server=server_side(existing),
        )
    return existing


def record_receive(*, user: Any, device: Device | None, body: Any) -> tuple[SyncRecord, bool]:
    """Store a record by its client UUID: (the record, created). Resending it is a no-op."""
    upgraded, envelope, payload = record_parse(body)
    files = _files_of(upgraded, envelope)
    digest = content_sha256(envelope.kind, upgraded["payload"], upgraded.get("files") or [])
    existing = SyncRecord.objects.filter(client_uuid=envelope.uuid).first()
    if existing is not None:
        # A resend also retries applying: the server may have stopped after the last file
        # arrived and before the record was applied.
        same = _same_or_conflict(existing, user=user, digest=digest)
        return record_try_apply(record=same), False
    record_check_scope(user=user, kind=envelope.kind, payload=payload)
    now = timezone.now()
    try:
        with transaction.atomic():
            record = SyncRecord.objects.create(
                client_uuid=envelope.uuid,
                kind=envelope.kind,
                schema_version=int(body.get("schema")),
                user=user,
                device=device,
                content_sha256=digest,
                payload=payload.model_dump(mode="json", by_alias=True),
                files=files,
                received_at=now,
                version=now.isoformat(),
            )
    except IntegrityError:  # the same UUID arrived at the same time: that one stands
        existing = SyncRecord.objects.get(client_uuid=envelope.uuid)
        return record_try_apply(record=_same_or_conflict(existing, user=user, digest=digest)), False
    return record_try_apply(record=record), True


# --------------------------------------------------------------------------- applying


def _ready(record: SyncRecord) -> bool:
    hashes = [e["sha256"] for e in record.files or []]
    if len(files_complete(hashes)) < len(set(hashes)):
        return False
    return not waiting_for(record)


def _rejection(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ApplicationError):
        return exc.message, exc.field or ""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            field, messages = next(iter(exc.message_dict.items()))
            return messages[0], "" if field == "__all__" else field
        return exc.messages[0], ""
    return "记录指向的对象已不存在", ""


def record_try_apply(*, record: SyncRecord) -> SyncRecord:
    """Apply the record if it is ready; then the records that waited for it."""
    if record.status != RecordStatus.WAITING_FILES or not _ready(record):
        return record
    try:
        with transaction.atomic():
            current = SyncRecord.objects.select_for_update().get(pk=record.pk)
            if current.status != RecordStatus.WAITING_FILES:
                return current
            payload = PAYLOADS[current.kind].model_validate(current.payload)
            with ExitStack() as stack:
                obj = APPLIERS[current.kind](
                    record=current, payload=payload, files=RecordFiles(current.files, stack)
                )
            now = timezone.now()
            obj.refresh_from_db(fields=["updated_at"])
            current.status = RecordStatus.APPLIED
            current.applied_at = now
            current.object_type = obj._meta.label_lower
            current.object_id = obj.pk
            current.version = obj.updated_at.isoformat()
            current.error = current.error_field = ""
            current.save()
    except (ApplicationError, DjangoValidationError, ObjectDoesNotExist) as exc:
        message, field = _rejection(exc)
        SyncRecord.objects.filter(pk=record.pk, status=RecordStatus.WAITING_FILES).update(
            status=RecordStatus.REJECTED,
            error=message[:2000],
            error_field=field[:64],
            updated_at=timezone.now(),
        )
        record.refresh_from_db()
        return record
    files_release(e["sha256"] for e in current.files or [])
    _apply_waiting_for(current)
    return current


def _apply_waiting_for(record: SyncRecord) -> None:
    key = {RecordKind.PATROL: "patrol_uuid", RecordKind.FINDING: "finding_uuid"}.get(record.kind)
    if key is None:
        return
    waiting = SyncRecord.objects.filter(
        status=RecordStatus.WAITING_FILES, **{f"payload__{key}": str(record.client_uuid)}
    ).order_by("received_at")
    for other in waiting:
        record_try_apply(record=other)


def records_apply_waiting_for_file(*, user: Any, sha256: str) -> None:
    """A file just completed: apply this user's records that waited for it."""
    # Only the file lists are read to find them: loading every waiting record's payload (a
    # patrol's fixes are ~300 KB of JSON) on each completed file was the sync's bottleneck.
    waiting = (
        SyncRecord.objects.filter(
            user=user, status=RecordStatus.WAITING_FILES, files__icontains=sha256
        )
        .order_by("received_at")
        .only("pk", "files")
    )
    for candidate in waiting:
        if any(e.get("sha256") == sha256 for e in candidate.files or []):
            record_try_apply(record=SyncRecord.objects.get(pk=candidate.pk))


def record_get(*, user: Any, uuid: UUID) -> SyncRecord:
    record = SyncRecord.objects.filter(client_uuid=uuid, user=user).first()
    if record is None:
        raise Http404
    return record


def record_refresh(*, user: Any, uuid: UUID) -> SyncRecord:
    """The record for its receipt, applied first if it is ready but was not (a crash between)."""
    return record_try_apply(record=record_get(user=user, uuid=uuid))


# --------------------------------------------------------------------------- edits


def record_edit(
    *,
    user: Any,
    uuid: UUID,
    base_version: str,
    payload: dict[str, Any],
    files: list[dict[str, Any]] | None,
) -> SyncRecord:
    """Edit a record based on `base_version`: a stale base is 409, never an overwrite."""
    record = record_get(user=user, uuid=uuid)
    editable = record.status != RecordStatus.APPLIED or record.object_type == "findings.finding"
    if not editable:
        raise RecordConflict(
            f"{record.get_kind_display()}已入库，不能再从手机上修改；如有错误请在平台上处理",
            code="not_editable",
            server=server_side(record),
        )
    if base_version != current_version(record):
        raise RecordConflict(
            "服务器上的这条记录已被修改（例如办公室在网页上改过），请对照服务器的版本决定保留哪一份",
            code="stale",
            server=server_side(record),
        )
    body = {
        "uuid": str(record.client_uuid),
        "kind": record.kind,
        "schema": record.schema_version,
        "payload": payload,
        "files": record.files if files is None else files,
    }
    if record.schema_version != 2:
        body["schema"] = 2  # an edit is made by the current app
    upgraded, envelope, parsed = record_parse(body)
    if record.status == RecordStatus.APPLIED:
        return _edit_applied_finding(record, user=user, payload=parsed, upgraded=upgraded)
    record_check_scope(user=user, kind=record.kind, payload=parsed)
    now = timezone.now()
    with transaction.atomic():
        current = SyncRecord.objects.select_for_update().get(pk=record.pk)
        if current.version != record.version or current.status == RecordStatus.APPLIED:
            raise RecordConflict(
                "服务器上的这条记录刚刚已被修改，请刷新后再试", code="stale", server=None
            )
        current.payload = parsed.model_dump(mode="json", by_alias=True)
        current.files = _files_of(upgraded, envelope)
        current.content_sha256 = content_sha256(
            record.kind, upgraded["payload"], upgraded.get("files") or []
        )
        current.schema_version = 2
        current.status = RecordStatus.WAITING_FILES
        current.error = current.error_field = ""
        current.version = now.isoformat()
        current.save()
    return record_try_apply(record=current)


def _edit_applied_finding(
    record: SyncRecord, *, user: Any, payload: Any, upgraded: dict[str, Any]
) -> SyncRecord:
    stored = PAYLOADS[record.kind].model_validate(record.payload)
    fixed = [
        name
        for name in PAYLOADS[record.kind].model_fields
        if name not in FINDING_EDITABLE and getattr(stored, name) != getattr(payload, name)
    ]
    if fixed:
        info = PAYLOADS[record.kind].model_fields[fixed[0]]
        raise RecordConflict(
            f"已入库的发现点不能从手机上修改{info.title or fixed[0]}；"
            "只能修改生长期、种植场所、具体位置和情况说明，其他错误请在平台上作废后重新登记",
            code="not_editable",
            server=server_side(record),
        )
    finding = Finding.objects.get(pk=record.object_id)
    changes = {
        name: getattr(payload, name)
        for name in FINDING_EDITABLE
        if getattr(payload, name) != getattr(finding, name)
    }
    with transaction.atomic():
        if changes:
            finding = finding_update(finding=finding, changes=changes, actor=user)
        record.payload = payload.model_dump(mode="json", by_alias=True)
        record.content_sha256 = content_sha256(
            record.kind, upgraded["payload"], upgraded.get("files") or []
        )
        record.version = finding.updated_at.isoformat()
        record.save()
    return record
