"""The API's OpenAPI schema for a paired phone: `GET /api/v1/sync/openapi.json`.

`/api/v1/openapi.json` and the docs page `/api/v1/docs` are for logged-in users; a phone holds
a device token instead of a session, so the same schema is also answered here, under the sync
API's path, to a device token or a session (docs/field-sync.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from zerocrop.field.auth import SYNC_AUTH


def mount_device_openapi(api: NinjaAPI) -> None:
    @api.get(
        "/sync/openapi.json",
        auth=SYNC_AUTH,
        include_in_schema=False,
        summary="接口说明（OpenAPI，设备令牌可读）",
    )
    def sync_openapi(request: HttpRequest) -> Any:
        return api.get_openapi_schema()
