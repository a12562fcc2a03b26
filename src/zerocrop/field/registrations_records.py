"""The sync API's and the bundle page's upload limits."""

from __future__ import annotations

from zerocrop.core.upload_limits import FORM_BYTES, FileLimit, RouteLimit, register_upload_route
from zerocrop.field import rules
from zerocrop.field.bundle_files import MAX_BUNDLE_BYTES

BUNDLE_LABEL = "离线数据包"


def _chunk() -> RouteLimit:
    # A chunk is a raw body, not a form: the body limit is the chunk size.
    return RouteLimit(files={"chunk": FileLimit("文件分块", rules.MAX_CHUNK_BYTES)}, form_bytes=0)


def _record() -> RouteLimit:
    return RouteLimit(form_bytes=rules.MAX_RECORD_BYTES)


def _bundle() -> RouteLimit:
    return RouteLimit(
        files={"file": FileLimit(BUNDLE_LABEL, MAX_BUNDLE_BYTES)}, form_bytes=FORM_BYTES
    )


def register() -> None:
    register_upload_route("api-v1:sync-file-put", _chunk)
    register_upload_route("api-v1:sync-records", _record)
    register_upload_route("api-v1:sync-record-edit", _record)
    register_upload_route("api-v1:sync-bundles", _bundle)
    register_upload_route("field-bundles", _bundle)
