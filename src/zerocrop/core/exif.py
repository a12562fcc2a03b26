"""What a photo's EXIF claims about when and where it was taken (pure: no Django).

EXIF is unsigned and easy to edit: these are claims to compare with the patrol's own time and
track, never proof (shared/reference/reliability.md §5.3).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from PIL import ExifTags, Image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769


@dataclass(frozen=True)
class PhotoClaim:
    taken_at: datetime | None  # naive: EXIF carries no zone; phones write local time
    lon: float | None
    lat: float | None
    software: str


def _degrees(value: object, ref: object, negative: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(ref).upper().startswith(negative) else degrees


def read_claim(data: bytes | IO[bytes]) -> PhotoClaim:
    """Time, GPS position (WGS84 by the EXIF standard) and editing software, where present.

    Reads only the image's header (never its pixels) from the file, which it rewinds after.
    """
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        file.seek(0)
        with Image.open(file) as image:
            exif = image.getexif()
    except (OSError, ValueError, Image.DecompressionBombError):
        return PhotoClaim(None, None, None, "")
    finally:
        file.seek(0)
    details = exif.get_ifd(EXIF_IFD)
    stamp = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        taken_at = datetime.strptime(str(stamp), "%Y:%m:%d %H:%M:%S") if stamp else None  # noqa: DTZ007
    except ValueError:
        taken_at = None
    gps = exif.get_ifd(GPS_IFD)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    software = str(exif.get(ExifTags.Base.Software) or "")[:100]
    return PhotoClaim(taken_at, lon, lat, software)
