"""Pairing, the worker and their offline package, device self-tests (docs/field-sync.md)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Schema, Status

from zerocrop.core.api_types import Text
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.login_throttle import client_address
from zerocrop.field import rules, selectors, services_checks
from zerocrop.field.api import router
from zerocrop.field.auth import SessionUser
from zerocrop.field.models import Device
from zerocrop.field.services_devices import device_pair, pairing_code_create

# Failed pairings allowed per address and minute: a code has 144 bits, this only keeps a
# script from hammering the endpoint.
PAIR_FAILURES_PER_MINUTE = 10
PAIR_THROTTLED = "配对尝试过于频繁，请 1 分钟后再试"


def _local(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def device_body(device: Device) -> dict[str, Any]:
    return {
        "id": str(device.pk),
        "name": device.name,
        "token_hint": device.token_hint,
        "paired_at": _local(device.paired_at),
        "last_seen_at": _local(device.last_seen_at),
        "last_sync_at": _local(device.last_sync_at),
        "active": device.is_active,
    }


def user_body(user: Any) -> dict[str, Any]:
    unit = user.unit
    return {
        "id": str(user.pk),
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "person_id": str(user.person_id) if user.person_id else None,
        "unit": {"id": str(unit.pk), "name": unit.name} if unit else None,
    }


def _pair_key(request: HttpRequest) -> str:
    address = client_address(request) or "unknown"
    minute = int(time.time() // 60)
    return f"zerocrop:pair-failures:{hashlib.sha256(address.encode()).hexdigest()}:{minute}"


class PairIn(Schema):
    code: Text(max_length=64, label="配对码", min_length=1)
    name: Text(max_length=100, label="设备名称") = ""
    user_agent: Text(max_length=400, label="浏览器标识") = ""


@router.post("/pair", auth=None, summary="用配对码启用手机（换取设备令牌）")
def pair(request: HttpRequest, body: PairIn) -> dict[str, Any]:
    key = _pair_key(request)
    if cache.get(key, 0) >= PAIR_FAILURES_PER_MINUTE:
        raise ApplicationError(PAIR_THROTTLED, field="code", code="throttled")
    try:
        device, token = device_pair(code=body.code, name=body.name, user_agent=body.user_agent)
    except ApplicationError:
        cache.set(key, cache.get(key, 0) + 1, timeout=90)
        raise
    return {"token": token, "device": device_body(device), "user": user_body(device.user)}


class PairingCodeIn(Schema):
    """No fields: the code is for the logged-in user. The app sends `{}`."""


@router.post("/pairing-codes", auth=SessionUser(), summary="为已登录的本人生成配对码")
def pairing_code(request: HttpRequest, body: PairingCodeIn) -> dict[str, Any]:
    pairing, code = pairing_code_create(user=request.user)
    return {
        "code": code,
        "url": f"{rules.APP_PATH}#pair={code}",
        "expires_at": _local(pairing.expires_at),
    }


@router.get("/me", summary="当前用户、设备和可选人员")
def me(request: HttpRequest) -> dict[str, Any]:
    device = getattr(request, "device", None)
    return {
        "user": user_body(request.user),
        "device": device_body(device) if device else None,
        "people": [
            {"id": str(p.pk), "name": p.name, "unit_id": str(p.unit_id), "unit": p.unit.name}
            for p in selectors.people_for(user=request.user)
        ],
    }


@router.get("/tasks", summary="离线任务包（任务单元、地块、靶点、待铲除发现点、选项）")
def tasks(request: HttpRequest, response: HttpResponse) -> Any:
    package = selectors.task_package(user=request.user)
    etag = selectors.package_etag(package)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if etag in _etags(request.headers.get("If-None-Match", "")):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "private, no-cache"
        return not_modified
    return package


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


class DeviceCheckIn(Schema):
    ran_at: datetime = Field(..., title="自检时间")
    user_agent: Text(max_length=400, label="浏览器标识") = ""
    browser: Text(max_length=40, label="浏览器") = ""
    # {item: {"ok": bool, "detail": "…", …figures}}; checked by services_checks.
    results: dict[str, dict[str, Any]] = Field(..., title="各项结果")


@router.post("/device-checks", summary="上报设备自检结果", response={201: dict[str, Any]})
def device_check(request: HttpRequest, body: DeviceCheckIn) -> Status:
    if not request.user.is_authenticated:
        raise NotPermitted("需要登录")
    check = services_checks.device_check_record(
        user=request.user,
        device=getattr(request, "device", None),
        ran_at=body.ran_at,
        user_agent=body.user_agent or request.headers.get("User-Agent", ""),
        browser=body.browser,
        results=body.results,
    )
    return Status(201, services_checks.check_body(check))
