"""The service worker's precache list: the shell, every file under static/field/ and the
vendor files the shell loads, each with the SHA-256 of its bytes as its revision.

Files are found through the staticfiles finders (then the collected storage), so a file added
under static/field/ is precached without editing a list.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static

FIELD_PREFIX = "field/"
# What the shell (templates/field/app.html) loads besides static/field/.
VENDOR_FILES = (
    "vendor/dexie/dexie.min.js",
    "vendor/fflate/index.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
)
SKIPPED_SUFFIXES = (".map", ".gz", ".br")


def field_static_paths() -> list[str]:
    """Every static path under field/, from all finders (sorted, no source maps)."""
    found: set[str] = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list([]):
            path = path.replace("\\", "/")
            if path.startswith(FIELD_PREFIX) and not path.endswith(SKIPPED_SUFFIXES):
                found.add(path)
    return sorted(found)


def _file_for(path: str) -> Path | None:
    located = finders.find(path)
    if located:
        return Path(located)
    try:
        candidate = Path(staticfiles_storage.path(path))
    except NotImplementedError:
        return None
    return candidate if candidate.is_file() else None


@lru_cache(maxsize=512)
def _digest(file: str, mtime_ns: int, size: int) -> str:
    hasher = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            hasher.update(block)
    return hasher.hexdigest()


def file_revision(path: str) -> str | None:
    """SHA-256 of a static file's bytes, or None if it does not exist."""
    file = _file_for(path)
    if file is None:
        return None
    stat = file.stat()
    return _digest(str(file), stat.st_mtime_ns, stat.st_size)


def static_entries() -> list[dict[str, str]]:
    entries = []
    for path in [*field_static_paths(), *VENDOR_FILES]:
        revision = file_revision(path)
        if revision is not None:
            entries.append({"url": static(path), "revision": revision})
    return entries


def text_revision(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
