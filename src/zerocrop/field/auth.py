"""Who is calling the sync API: a paired device's bearer token, or a logged-in session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from zerocrop.core.errors import ApplicationError
from zerocrop.field.models import Device
from zerocrop.field.services_devices import device_for_token, digest


class DeviceRevoked(ApplicationError):
    """The token was valid once; its device was revoked (or its user deactivated): 401."""

    default_code = "device_revoked"
    http_status = 401


class DeviceToken(HttpBearer):
    """`Authorization: Bearer <token>`; sets `request.user` and `request.device`."""

    openapi_description = "外业设备令牌（在「启用外业采集」配对时获得）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        device = device_for_token(token)
        if device is None:
            if Device.objects.filter(token_hash=digest(token)).exists():
                raise DeviceRevoked(
                    "该手机已被停用，请重新启用外业采集（未上传的数据仍保存在手机上）"
                )
            return None
        request.user = device.user
        request.device = device
        return device.user


class SessionUser(SessionAuth):
    """A logged-in browser (CSRF on writes), with no device."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            request.device = None
        return user


# A device's token first; a browser session otherwise.
SYNC_AUTH = [DeviceToken(), SessionUser()]
