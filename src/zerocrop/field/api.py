"""The sync API for paired phones (/api/v1/sync/); the protocol is docs/field-sync.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from zerocrop.field import rules
from zerocrop.field.auth import SYNC_AUTH

router = Router(tags=["外业同步"], auth=SYNC_AUTH)


@router.get("/ping", auth=None, summary="连通检测")
def ping(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    response["Cache-Control"] = "no-store"
    return {
        "ok": rules.PING_BODY,
        "schema": rules.SCHEMA_VERSION,
        "oldest_schema": rules.OLDEST_SCHEMA_VERSION,
        "max_chunk_bytes": rules.MAX_CHUNK_BYTES,
        "max_record_bytes": rules.MAX_RECORD_BYTES,
        "max_file_bytes": rules.MAX_FILE_BYTES,
        "server_time": timezone.now().isoformat(),
    }


# Their operations join `router` (each module decorates it).
from zerocrop.field import api_devices, api_records  # noqa: E402, F401
