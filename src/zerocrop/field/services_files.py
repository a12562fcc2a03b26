"""Photos and track files by SHA-256, in resumable chunks (docs/field-sync.md "Files").

The bytes of a file being uploaded live in the private folder of the upload store
(`DATA_DIR/uploads/sync/<sha256>.part`, owner-only, never served). A chunk is written at its
offset and the received count advanced in the same transaction, so a crash between the two
leaves bytes past `received` that the next chunk overwrites. Once a record using the file is
applied, the evidence store holds the bytes and the staged copy is deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from zerocrop.core.errors import ApplicationError, SyncConflict
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.sizes import mb
from zerocrop.core.uploads import staged_dir
from zerocrop.field import rules
from zerocrop.field.choices import FileStatus, RecordStatus
from zerocrop.field.models import SyncFile, SyncRecord

NAMESPACE = "sync"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


class FileRefused(ApplicationError):
    """A chunk refused; `extra` joins the error body (the server's `received`)."""

    default_code = "invalid"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, field=field, code=code)
        if status is not None:
            self.http_status = status
        self.extra = extra or {}


class OffsetMismatch(SyncConflict):
    def __init__(self, received: int) -> None:
        super().__init__(
            f"分块起点与服务器已收到的字节数（{received}）不符，请从该处继续上传",
            field="Content-Range",
            code="offset_mismatch",
        )
        self.extra = {"received": received}


def check_sha256(sha256: str) -> str:
    if not _SHA256.match(sha256 or ""):
        raise FileRefused("文件摘要应为 64 位小写十六进制字符", code="invalid_sha256", status=404)
    return sha256


def staged_path(sha256: str) -> Path:
    return staged_dir(NAMESPACE) / f"{check_sha256(sha256)}.part"


def _declared(user: Any, sha256: str) -> dict[str, Any] | None:
    """The file entry of a record of `user` that lists `sha256`, if any (newest first)."""
    # The database narrows to the records whose file list mentions the hash (a text match on
    # the JSON, on SQLite and PostgreSQL alike); decoding every record's list in Python made a
    # chunk cost grow with the user's history (bench/sync_load.py).
    records = (
        SyncRecord.objects.filter(user=user, files__icontains=sha256)
        .order_by("-received_at")
        .only("files")
    )
    # Records not yet applied first: they are the ones still waiting for bytes.
    for query in (records.exclude(status=RecordStatus.APPLIED), records):
        for record in query.iterator(chunk_size=200):
            for entry in record.files or []:
                if entry.get("sha256") == sha256:
                    return dict(entry)
    return None


def file_state(row: SyncFile | None, *, sha256: str, size: int | None = None) -> dict[str, Any]:
    if row is None:
        return {"sha256": sha256, "size": size or 0, "received": 0, "complete": False}
    return {
        "sha256": row.sha256,
        "size": row.size,
        "received": row.received,
        "complete": row.status == FileStatus.COMPLETE,
    }


def file_get(*, user: Any, sha256: str) -> dict[str, Any]:
    """The server's state of a file a record of `user` lists; 404 if it has never heard of it."""
    check_sha256(sha256)
    row = SyncFile.objects.filter(sha256=sha256).first()
    entry = _declared(user, sha256)
    if entry is None and (row is None or row.uploaded_by_id != user.pk):
        raise FileRefused("服务器没有该文件的记录", code="not_found", status=404)
    return file_state(row, sha256=sha256, size=(entry or {}).get("size"))


def parse_range(header: str | None) -> tuple[int, int, int]:
    match = _RANGE.match((header or "").strip())
    if match is None:
        raise FileRefused(
            "缺少分块范围或无法识别（应写明本块的起点、终点和文件总大小）",
            code="bad_range",
            field="Content-Range",
        )
    first, last, total = (int(group) for group in match.groups())
    if last < first or last >= total:
        raise FileRefused("分块范围无效", code="bad_range", field="Content-Range")
    return first, last, total


def _too_large(message: str) -> FileRefused:
    return FileRefused(message, code="too_large", status=413)


def _write_at(path: Path, offset: int, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _row_for(*, user: Any, sha256: str, total: int, name: str) -> SyncFile:
    row = SyncFile.objects.select_for_update().filter(sha256=sha256).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SyncFile.objects.create(
                sha256=sha256, size=total, uploaded_by=user, name=name[:200]
            )
    except IntegrityError:  # a concurrent first chunk created it
        return SyncFile.objects.select_for_update().get(sha256=sha256)


def _store_chunk(row: SyncFile, *, first: int, last: int, total: int, data: bytes) -> str:
    """Write the chunk at its offset: "partial", "complete" or "mismatch" (bytes discarded)."""
    if total != row.size:
        raise FileRefused(
            f"文件总大小（{total}）与此前上传的（{row.size}）不符",
            code="size_mismatch",
            status=409,
            extra={"received": row.received, "size": row.size},
        )
    if first != row.received:
        raise OffsetMismatch(row.received)
    path = staged_path(row.sha256)
    _write_at(path, first, data)
    row.received = last + 1
    fields = ["received", "updated_at"]
    outcome = "partial"
    if row.received == row.size:
        if _digest(path) == row.sha256:
            row.status = FileStatus.COMPLETE
            row.completed_at = timezone.now()
            fields += ["status", "completed_at"]
            outcome = "complete"
        else:
            path.unlink(missing_ok=True)
            row.received = 0
            outcome = "mismatch"
    row.save(update_fields=fields)
    return outcome


def file_put_chunk(
    *, user: Any, sha256: str, content_range: str | None, data: bytes
) -> dict[str, Any]:
    """Store one chunk; on the last, verify the whole file's SHA-256 and apply what waited."""
    check_sha256(sha256)
    first, last, total = parse_range(content_range)
    if len(data) > rules.MAX_CHUNK_BYTES:
        raise _too_large(
            f"分块太大（{mb(len(data), over=True)}），每块不超过 {mb(rules.MAX_CHUNK_BYTES)}"
        )
    if total > rules.MAX_FILE_BYTES:
        limit = mb(rules.MAX_FILE_BYTES)
        raise _too_large(f"文件太大（{mb(total, over=True)}），上限为 {limit}")
    if len(data) != last - first + 1:
        raise FileRefused(
            f"分块的字节数（{len(data)}）与分块范围不符",
            code="bad_range",
            field="Content-Range",
        )
    entry = _declared(user, sha256)
    if entry is None:
        raise FileRefused(
            "没有哪条记录列出该文件，请先提交记录再上传照片", code="file_not_expected", status=404
        )
    with transaction.atomic():
        row = _row_for(user=user, sha256=sha256, total=total, name=str(entry.get("name") or ""))
        if row.status == FileStatus.COMPLETE:
            # A resend after a crash, maybe: what waited for the file is retried below.
            outcome = "complete"
        elif last < row.received:
            return file_state(row, sha256=sha256)  # a resent chunk changes nothing
        else:
            outcome = _store_chunk(row, first=first, last=last, total=total, data=data)
    mismatch = outcome == "mismatch"
    completed = outcome == "complete"
    if mismatch:
        raise FileRefused(
            "文件收齐后校验不符（摘要与文件内容不一致），已丢弃，请重新上传该文件",
            code="hash_mismatch",
            status=422,
            extra={"received": 0},
        )
    if completed:
        from zerocrop.field.services_records import records_apply_waiting_for_file

        records_apply_waiting_for_file(user=user, sha256=sha256)
    return file_state(row, sha256=sha256)


def file_store_whole(*, user: Any, sha256: str, data: bytes) -> dict[str, Any]:
    """A whole file in hand (an export bundle's): through the same chunked path, chunk by chunk."""
    size = len(data)
    if size == 0:
        raise FileRefused("文件是空的（0 字节）", code="empty")
    state: dict[str, Any] = {}
    step = rules.MAX_CHUNK_BYTES
    offset = 0
    row = SyncFile.objects.filter(sha256=sha256).first()
    if row is not None and row.status != FileStatus.COMPLETE and row.size == size:
        offset = row.received
    while True:
        chunk = data[offset : offset + step]
        state = file_put_chunk(
            user=user,
            sha256=sha256,
            content_range=f"bytes {offset}-{offset + len(chunk) - 1}/{size}",
            data=chunk,
        )
        if state["complete"] or not chunk:
            return state
        offset = state["received"]


# --------------------------------------------------------------------------- reading, releasing


def files_complete(hashes: Iterable[str]) -> dict[str, SyncFile]:
    return {
        row.sha256: row
        for row in SyncFile.objects.filter(sha256__in=list(hashes), status=FileStatus.COMPLETE)
    }


def file_open(sha256: str) -> IO[bytes]:
    """The bytes of a complete file: its staged copy, or the evidence store's once applied."""
    path = staged_path(sha256)
    if path.is_file():
        return path.open("rb")
    evidence = EvidenceFile.objects.filter(sha256=sha256).first()
    if evidence is not None and default_storage.exists(evidence.storage_name):
        return default_storage.open(evidence.storage_name, "rb")
    raise ApplicationError("文件内容已丢失，请重新上传", code="file_lost")


def files_release(hashes: Iterable[str]) -> None:
    """Link each file the evidence store now holds and delete its staged copy."""
    hashes = list(hashes)
    evidence = {e.sha256: e for e in EvidenceFile.objects.filter(sha256__in=hashes)}
    for row in SyncFile.objects.filter(sha256__in=hashes, status=FileStatus.COMPLETE):
        found = evidence.get(row.sha256)
        if found is None:
            continue
        if row.evidence_id != found.pk:
            row.evidence = found
            row.save(update_fields=["evidence", "updated_at"])
        staged_path(row.sha256).unlink(missing_ok=True)
