"""Checks on uploaded documents and photos: size, real type by content, image pixel cap."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from zerocrop.core.errors import ApplicationError

MAX_PIXELS = 60_000_000
SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}


def check_scan(*, name: str, data: bytes, label: str = "扫描件", images_only: bool = False) -> str:
    """Return the file extension for an acceptable scan or photo, or raise ApplicationError."""
    if not data:
        raise ApplicationError(f"{label}「{name}」是空文件", field="scan")
    limit = settings.ZEROCROP_SCAN_MAX_BYTES
    if len(data) > limit:
        raise ApplicationError(
            f"{label}「{name}」大小 {len(data) / 1048576:.1f} MB，"
            f"超过上限 {limit / 1048576:.0f} MB",
            field="scan",
        )
    extension = next((ext for sig, ext in SIGNATURES.items() if data.startswith(sig)), None)
    if extension is None or (images_only and extension == ".pdf"):
        kinds = "JPG 或 PNG 图片" if images_only else "PDF、JPG 或 PNG 文件"
        raise ApplicationError(f"{label}「{name}」不是 {kinds}", field="scan")
    if extension != ".pdf":
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ApplicationError(
                        f"{label}「{name}」像素过多（{width}×{height}）", field="scan"
                    )
                image.verify()
        except ApplicationError:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken image
            raise ApplicationError(f"{label}「{name}」图片已损坏，无法读取", field="scan") from exc
    return extension


def store_by_hash(*, folder: str, digest: str, extension: str, data: bytes) -> str:
    """Store a file under its SHA-256 (never modified, stored once); return its storage name."""
    name = f"{folder}/{digest[:2]}/{digest}{extension}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent upload of the same file won the race
            default_storage.delete(saved)
    return name
