"""Checks on uploaded documents and photos: size first, then real type by content and pixel count.

An upload is checked and hashed from its file (Django spools large uploads to disk) in chunks,
never read whole into memory; bytes are accepted too, for callers that hold them already.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from zerocrop.core.errors import ApplicationError
from zerocrop.core.upload_limits import mb

MAX_PIXELS = 60_000_000
# Pillow refuses to open an image of more than twice this many pixels (DecompressionBombError),
# so a small file that would decode to a huge bitmap never gets that far.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}
HEAD_BYTES = 16

Upload = bytes | IO[bytes]


@dataclass(frozen=True)
class CheckedFile:
    file: IO[bytes]
    extension: str
    sha256: str


def _size(file: IO[bytes]) -> int:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _check_image(file: IO[bytes], *, name: str, label: str) -> None:
    limit = f"{MAX_PIXELS // 10_000} 万像素"
    too_many = f"{label}「{name}」像素过多（{{}}），上限为 {limit}，请缩小后再上传"
    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ApplicationError(too_many.format(f"{width}×{height}"), field="scan")
            image.verify()
    except ApplicationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ApplicationError(too_many.format("超过上限两倍"), field="scan") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken image
        raise ApplicationError(f"{label}「{name}」图片已损坏，无法读取", field="scan") from exc


def _sized(*, name: str, data: Upload, label: str, limit: int) -> IO[bytes]:
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    size = _size(file)
    if not size:
        raise ApplicationError(f"{label}「{name}」是空文件", field="scan")
    if size > limit:
        raise ApplicationError(
            f"{label}「{name}」太大（{mb(size, over=True)}），上限为 {mb(limit)}",
            field="scan",
        )
    return file


def _hashed(file: IO[bytes], extension: str) -> CheckedFile:
    file.seek(0)
    digest = hashlib.file_digest(file, "sha256").hexdigest()
    file.seek(0)
    return CheckedFile(file=file, extension=extension, sha256=digest)


def check_scan(
    *, name: str, data: Upload, label: str = "扫描件", images_only: bool = False
) -> CheckedFile:
    """Check a scan or photo (size before reading it) and hash it; or raise ApplicationError."""
    file = _sized(name=name, data=data, label=label, limit=settings.ZEROCROP_SCAN_MAX_BYTES)
    head = file.read(HEAD_BYTES)
    extension = next((ext for sig, ext in SIGNATURES.items() if head.startswith(sig)), None)
    if extension is None or (images_only and extension == ".pdf"):
        kinds = "JPG 或 PNG 图片" if images_only else "PDF、JPG 或 PNG 文件"
        raise ApplicationError(f"{label}「{name}」不是 {kinds}", field="scan")
    if extension != ".pdf":
        file.seek(0)
        _check_image(file, name=name, label=label)
    return _hashed(file, extension)


def check_plain(*, name: str, data: Upload, label: str, limit: int) -> CheckedFile:
    """Check a file whose content its own reader has checked (e.g. a track): size, then hash.

    The stored extension comes from the name, kept only if it is short and alphanumeric.
    """
    file = _sized(name=name, data=data, label=label, limit=limit)
    suffix = os.path.splitext(name)[1].lower()
    extension = suffix if suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 8 else ""
    return _hashed(file, extension)


def store_by_hash(*, folder: str, checked: CheckedFile) -> str:
    """Store a file under its SHA-256 (never modified, stored once); return its storage name."""
    name = f"{folder}/{checked.sha256[:2]}/{checked.sha256}{checked.extension}"
    if not default_storage.exists(name):
        checked.file.seek(0)
        saved = default_storage.save(name, checked.file)  # copied in chunks
        if saved != name:  # a concurrent upload of the same file won the race
            default_storage.delete(saved)
    return name
