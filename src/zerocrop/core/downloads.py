"""The one download response of a file leaving the system: audited, named, never cached.

Exports carry people's names, so every one writes an audit event (who, what, how many rows,
with which query), is sent with `Cache-Control: no-store` and `nosniff`, and is named in
UTF-8 (RFC 5987 `filename*`) with an ASCII fallback for clients that only read `filename`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

from zerocrop.core.audit import audit_export


@dataclass(frozen=True)
class Download:
    """An export file and what its audit event records."""

    data: bytes
    filename: str  # Chinese, e.g. 毛布拉格村地块台账_2022年5月25日.xlsx
    content_type: str
    file_format: str
    count: int  # rows or features in it
    what: str = ""  # what the audit event names; the file name when empty
    ascii_name: str = ""  # the fallback name; derived from `filename` when empty


def ascii_fallback(name: str) -> str:
    """The name for clients without RFC 6266 `filename*`: non-ASCII and quotes become `_`."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    safe = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in stem)
    ext = "".join(c for c in extension if c.isascii() and c.isalnum())
    stem = safe if safe.strip("_ ") else "evidence"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(name: str, *, inline: bool = False, ascii_name: str = "") -> str:
    kind = "inline" if inline else "attachment"
    fallback = ascii_fallback(ascii_name or name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def no_store(response: Any) -> Any:
    """Mark a response carrying records as never cached and never type-sniffed."""
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(
    request: HttpRequest,
    *,
    data: bytes,
    filename: str,
    content_type: str,
    file_format: str,
    count: int,
    what: str = "",
    ascii_name: str = "",
) -> HttpResponse:
    """The export as an attachment, its audit event written (with the request's query)."""
    audit_export(
        actor=request.user,
        what=what or filename,
        file_format=file_format,
        count=count,
        query=request.GET.urlencode(),
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name=ascii_name)
    return no_store(response)


def download_response(request: HttpRequest, download: Download) -> HttpResponse:
    return export_response(
        request,
        data=download.data,
        filename=download.filename,
        content_type=download.content_type,
        file_format=download.file_format,
        count=download.count,
        what=download.what,
        ascii_name=download.ascii_name,
    )
