"""Previews of evidence photos, re-encoded without EXIF (pure: no Django).

A preview is a new JPEG built from the pixels only: no EXIF (so no GPS, no camera time), no
other metadata. The original bytes in the store are never touched; a preview is not evidence.
"""

from __future__ import annotations

import io
from typing import IO

from PIL import Image, ImageOps

PREVIEW_SIZES = {"small": 480, "large": 1600}
QUALITY = 82


def preview_jpeg(file: IO[bytes], *, max_side: int) -> bytes:
    """The image turned upright by its EXIF orientation, fitted within `max_side` pixels, as a
    JPEG with no metadata. Raises OSError / ValueError for bytes that are not an image."""
    file.seek(0)
    with Image.open(file) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((max_side, max_side))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # Only the pixels travel: a fresh image holds no info, EXIF, XMP or ICC profile.
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
