"""One store for uploads kept between a preview and the step that commits them.

Each app stages under its own namespace ("geo", "notice", ...). A file is written to a private
folder, `settings.DATA_DIR / "uploads" / <namespace>` (never under MEDIA, never served; folders
0700, files 0600), under a random name (`secrets.token_urlsafe`). The token is recorded in the
uploader's session, so only that session can get the file back: a token that is malformed,
unknown to the session, older than `UPLOAD_TTL_SECONDS` or whose file is gone reads as None.
Anything older than the TTL is swept whenever a new file is staged, and a session keeps at most
`MAX_PENDING_PER_SESSION` files per namespace (a user who uploads again and again keeps only the
newest).

`meta` is a small JSON object kept in the session next to the token (say, the chosen coordinate
system). `derived` is a JSON document written beside the file (`<token>.json`) for what the
preview computed from it (say, a parsed draft), so that the next step need not compute it again.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from zerocrop.core.errors import ApplicationError
from zerocrop.core.sizes import MiB, mb

UPLOAD_TTL_SECONDS = 24 * 3600
MAX_PENDING_PER_SESSION = 5
MAX_NAME_LENGTH = 200  # Plot.source holds the original name
MAX_META_CHARS = 4096  # meta lives in the session: a few settings, not data
DEFAULT_MAX_BYTES = 50 * MiB
UNNAMED = "未命名文件"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_NAMESPACE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DERIVED_SUFFIX = ".json"  # never part of a token, so it cannot name another upload

Session = Any  # django.contrib.sessions.backends.base.SessionBase (a dict-like)


class Chunked(Protocol):
    """An uploaded file (Django's `UploadedFile`): copied in chunks, never read whole."""

    name: str | None

    def chunks(self) -> Iterator[bytes]: ...


class StagedUploadError(ApplicationError):
    """A file that cannot be staged; the message is Chinese, `code` a short English tag."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StagedUpload:
    token: str
    namespace: str
    path: Path
    original_name: str
    saved_at: float
    meta: dict[str, Any] = field(default_factory=dict)

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    def derived(self) -> dict[str, Any] | None:
        """The JSON document stored beside the file at staging, or None if there was none."""
        try:
            value = json.loads(_derived_path(self.namespace, self.token).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------- paths


def uploads_root() -> Path:
    root = Path(settings.DATA_DIR) / "uploads"
    _private_dir(root)
    return root


def staged_dir(namespace: str) -> Path:
    """The private folder of one namespace (created on first use, owner-only)."""
    if not _NAMESPACE.match(namespace or ""):
        raise ValueError(f"bad upload namespace {namespace!r}")
    folder = uploads_root() / namespace
    _private_dir(folder)
    return folder


def _private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)


def _data_path(namespace: str, token: str) -> Path:
    return staged_dir(namespace) / token


def _derived_path(namespace: str, token: str) -> Path:
    return staged_dir(namespace) / f"{token}{_DERIVED_SUFFIX}"


def session_key(namespace: str) -> str:
    return f"{namespace}_uploads"


def clean_original_name(name: str | None) -> str:
    """The user's file name without folders or control characters, for display and records."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > MAX_NAME_LENGTH:  # keep the extension: it selects the reader
        suffix = Path(base).suffix[:20]
        base = base[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return base or UNNAMED


# --------------------------------------------------------------------------- session entries


def _pending(session: Session, namespace: str) -> dict[str, dict[str, Any]]:
    value = session.get(session_key(namespace))
    return dict(value) if isinstance(value, dict) else {}


def _forget(session: Session, namespace: str, token: str) -> None:
    pending = _pending(session, namespace)
    if token in pending:
        pending.pop(token)
        session[session_key(namespace)] = pending


def _unlink(namespace: str, token: str) -> None:
    if _TOKEN.match(token or ""):
        _data_path(namespace, token).unlink(missing_ok=True)
        _derived_path(namespace, token).unlink(missing_ok=True)


def _checked_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    text = json.dumps(meta or {}, ensure_ascii=False)  # TypeError: not JSON, a programming error
    if len(text) > MAX_META_CHARS:
        raise ValueError(f"upload meta is {len(text)} characters, at most {MAX_META_CHARS}")
    return json.loads(text)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- writing


def _too_large(size: int | None, max_bytes: int) -> StagedUploadError:
    shown = f"（{mb(size, over=True)}）" if size else ""
    return StagedUploadError(f"文件太大{shown}，上限为 {mb(max_bytes)}。", code="too_large")


def _write_private(path: Path, chunks: Iterator[bytes], max_bytes: int) -> int:
    written = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise _too_large(None, max_bytes)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return written


def staged_save(
    *,
    session: Session,
    namespace: str,
    name: str | None,
    data: bytes | Chunked,
    meta: dict[str, Any] | None = None,
    derived: dict[str, Any] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pending: int = MAX_PENDING_PER_SESSION,
) -> StagedUpload:
    """Stage `data` (bytes, or an upload copied in chunks) for this session.

    The size is checked before and while copying; an empty or too large file raises
    `StagedUploadError` and nothing is kept. The session keeps the newest `max_pending` files
    of the namespace (a form with many photos stages more than the default).
    """
    checked_meta = _checked_meta(meta)
    declared = len(data) if isinstance(data, bytes) else getattr(data, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(declared, max_bytes)
    staged_dir(namespace)  # refuse a bad namespace before anything is written
    staged_sweep()
    token = secrets.token_urlsafe(24)
    path = _data_path(namespace, token)
    chunks = iter((data,)) if isinstance(data, bytes) else data.chunks()
    if _write_private(path, chunks, max_bytes) == 0:
        path.unlink(missing_ok=True)
        raise StagedUploadError("文件是空的（0 字节），请检查后重新上传。", code="empty")
    if derived is not None:
        text = json.dumps(derived, ensure_ascii=False).encode()
        try:
            _write_private(_derived_path(namespace, token), iter((text,)), len(text))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    staged = StagedUpload(
        token=token,
        namespace=namespace,
        path=path,
        original_name=clean_original_name(name),
        saved_at=time.time(),
        meta=checked_meta,
    )
    pending = _pending(session, namespace)
    pending[token] = {
        "name": staged.original_name,
        "saved_at": staged.saved_at,
        "meta": checked_meta,
    }
    oldest_first = sorted(pending, key=lambda t: float(pending[t].get("saved_at", 0)))
    for old in oldest_first[: max(0, len(pending) - max_pending)]:
        _unlink(namespace, old)
        pending.pop(old)
    session[session_key(namespace)] = pending
    return staged


# --------------------------------------------------------------------------- reading, removing


def staged_get(*, session: Session, namespace: str, token: str) -> StagedUpload | None:
    """This session's staged file, or None if the token is unknown, expired or its file gone."""
    if not _TOKEN.match(token or ""):
        return None
    entry = _pending(session, namespace).get(token)
    if not isinstance(entry, dict):
        return None
    path = _data_path(namespace, token)  # never a path taken from the session or the request
    saved_at = float(entry.get("saved_at", 0))
    if time.time() - saved_at > UPLOAD_TTL_SECONDS or not path.is_file():
        staged_delete(session=session, namespace=namespace, token=token)
        return None
    meta = entry.get("meta")
    return StagedUpload(
        token=token,
        namespace=namespace,
        path=path,
        original_name=str(entry.get("name", "")) or UNNAMED,
        saved_at=saved_at,
        meta=dict(meta) if isinstance(meta, dict) else {},
    )


def staged_delete(*, session: Session, namespace: str, token: str) -> None:
    """Remove the file, its derived document and its session entry (no error if gone)."""
    _unlink(namespace, token)
    _forget(session, namespace, token)


def staged_sweep(
    *,
    namespace: str | None = None,
    max_age_seconds: float = UPLOAD_TTL_SECONDS,
    now: float | None = None,
) -> int:
    """Delete staged files older than `max_age_seconds` (one namespace, or all); return how many.

    All namespaces includes files directly in the root, where geo staged before namespaces.
    """
    cutoff = (time.time() if now is None else now) - max_age_seconds
    if namespace is None:
        root = uploads_root()
        subfolders = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()]
        folders = [root, *subfolders]
    else:
        folders = [staged_dir(namespace)]
    removed = 0
    for folder in folders:
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # removed by a concurrent request
                continue
    return removed
