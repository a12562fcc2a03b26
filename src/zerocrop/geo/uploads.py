"""Temporary store for geo files between the import preview and the commit.

An uploaded file is written to a private folder, `settings.DATA_DIR / "uploads"` (never under
MEDIA, never served), under a random name (`secrets.token_urlsafe`). The token is recorded in
the uploader's session with the original file name and the chosen coordinate system, so only
that session can commit it. A file is deleted when it is committed or when reading it fails
(refused, timed out, too complex), and anything older than `UPLOAD_TTL_SECONDS` is swept
whenever a new file is saved.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from zerocrop.core.sandbox import ServerBusy
from zerocrop.geo.features import GeoFileError, GeoPreview
from zerocrop.geo.readers import read_geofile
from zerocrop.geo.safety import MAX_UPLOAD_BYTES, mb

SESSION_KEY = "geo_uploads"
UPLOAD_TTL_SECONDS = 24 * 3600
MAX_PENDING_PER_SESSION = 5  # a user who uploads again and again keeps only the newest files
MAX_NAME_LENGTH = 200  # Plot.source holds the original name
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

Session = Any  # django.contrib.sessions.backends.base.SessionBase (a dict-like)


@dataclass(frozen=True)
class StoredUpload:
    token: str
    path: Path
    original_name: str
    crs: str | None  # None: detect from the file
    saved_at: float


def upload_dir() -> Path:
    """The private upload folder (created on first use, owner-only)."""
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def clean_original_name(name: str | None) -> str:
    """The user's file name without folders or control characters, for display and `source`."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > MAX_NAME_LENGTH:  # keep the extension: it selects the reader
        suffix = Path(base).suffix[:20]
        base = base[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return base or "未命名文件"


def _pending(session: Session) -> dict[str, dict[str, Any]]:
    value = session.get(SESSION_KEY)
    return dict(value) if isinstance(value, dict) else {}


def _path_for(token: str) -> Path:
    return upload_dir() / token


def save_upload(session: Session, uploaded: UploadedFile, *, crs: str | None) -> StoredUpload:
    """Copy an upload into the store (size checked before and while copying)."""
    size = uploaded.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise GeoFileError(
            f"文件太大（{mb(size)}），上限为 {mb(MAX_UPLOAD_BYTES)}。请分批导出后再导入。",
            code="too_large",
        )
    cleanup_uploads()
    token = secrets.token_urlsafe(24)
    path = _path_for(token)
    written = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in uploaded.chunks():
                written += len(chunk)
                if written > MAX_UPLOAD_BYTES:
                    raise GeoFileError(
                        f"文件太大，上限为 {mb(MAX_UPLOAD_BYTES)}。请分批导出后再导入。",
                        code="too_large",
                    )
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if written == 0:
        path.unlink(missing_ok=True)
        raise GeoFileError("文件是空的（0 字节），请重新导出后上传。", code="empty")
    stored = StoredUpload(
        token=token,
        path=path,
        original_name=clean_original_name(uploaded.name),
        crs=crs or None,
        saved_at=time.time(),
    )
    pending = _pending(session)
    pending[token] = {
        "path": str(path),
        "name": stored.original_name,
        "crs": stored.crs or "",
        "saved_at": stored.saved_at,
    }
    for old in sorted(pending, key=lambda t: pending[t].get("saved_at", 0))[
        : max(0, len(pending) - MAX_PENDING_PER_SESSION)
    ]:
        _path_for(old).unlink(missing_ok=True)
        pending.pop(old)
    session[SESSION_KEY] = pending
    return stored


def load_upload(session: Session, token: str) -> StoredUpload | None:
    """The stored upload of this session, or None if unknown, expired or gone."""
    if not _TOKEN.match(token or ""):
        return None
    pending = _pending(session)
    entry = pending.get(token)
    if entry is None:
        return None
    path = _path_for(token)  # never a path taken from elsewhere
    saved_at = float(entry.get("saved_at", 0))
    if Path(entry.get("path", "")) != path or time.time() - saved_at > UPLOAD_TTL_SECONDS:
        delete_upload(session, token)
        return None
    if not path.is_file():
        pending.pop(token)
        session[SESSION_KEY] = pending
        return None
    return StoredUpload(
        token=token,
        path=path,
        original_name=str(entry.get("name", "")) or "未命名文件",
        crs=str(entry.get("crs", "")) or None,
        saved_at=saved_at,
    )


def read_upload(session: Session, stored: StoredUpload) -> GeoPreview:
    """Read a stored upload as the user described it (format from the original name).

    A file that fails to read (refused, timed out, too complex, any error) is deleted with its
    session entry at once, so nothing of a failed upload stays on the server. Only "server
    busy" keeps it: the file was not read at all and the user may simply try again.
    """
    try:
        return read_geofile(stored.path, source_crs=stored.crs, original_name=stored.original_name)
    except GeoFileError as exc:
        if exc.code != ServerBusy.code:
            delete_upload(session, stored.token)
        raise
    except BaseException:
        delete_upload(session, stored.token)
        raise


def save_and_read(
    session: Session, uploaded: UploadedFile, *, crs: str | None
) -> tuple[StoredUpload, GeoPreview]:
    """Store an upload and read it; on any failure nothing stays stored."""
    stored = save_upload(session, uploaded, crs=crs)
    try:
        return stored, read_upload(session, stored)
    except BaseException:
        delete_upload(session, stored.token)
        raise


def delete_upload(session: Session, token: str) -> None:
    """Remove the file and its session entry (no error if either is already gone)."""
    if _TOKEN.match(token or ""):
        _path_for(token).unlink(missing_ok=True)
    pending = _pending(session)
    if token in pending:
        pending.pop(token)
        session[SESSION_KEY] = pending


def cleanup_uploads(
    *, max_age_seconds: float = UPLOAD_TTL_SECONDS, now: float | None = None
) -> int:
    """Delete stored files older than `max_age_seconds`; return how many were removed."""
    cutoff = (time.time() if now is None else now) - max_age_seconds
    removed = 0
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by a concurrent request
            continue
    return removed
