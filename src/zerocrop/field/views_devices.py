"""Device pages: pairing a phone (启用外业采集) and the town admin's devices (外业设备).

Thin views: codes and revocations are `services_devices`, the rows are `selectors`.
"""

from __future__ import annotations

import re

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zerocrop.core.errors import ApplicationError
from zerocrop.field import rules, selectors
from zerocrop.field.capabilities import DEVICE_MANAGE, DEVICE_PAIR
from zerocrop.field.choices import CheckVerdict
from zerocrop.field.forms_devices import DeviceFilterForm, RevokeForm
from zerocrop.field.services_devices import device_revoke, pairing_code_create
from zerocrop.org.capabilities import can
from zerocrop.org.selectors import unit_list

PHONE_AGENT = re.compile(r"Android|iPhone|iPad|iPod|Mobile|HarmonyOS", re.IGNORECASE)
IN_APP_AGENT = re.compile(r"MicroMessenger|QQ/|AlipayClient|DingTalk|Weibo", re.IGNORECASE)


@require_GET
def pair_page(request: HttpRequest) -> HttpResponse:
    if not can(request.user, DEVICE_PAIR):
        raise PermissionDenied("您的账号不能启用外业采集")
    pairing, code = pairing_code_create(user=request.user)
    link = f"{rules.APP_PATH}#pair={code}"
    absolute = request.build_absolute_uri(link)
    agent = request.headers.get("User-Agent", "")
    context = {
        "link": link,
        "absolute": absolute,
        "qr": segno.make(absolute, error="m").svg_data_uri(scale=6, border=2),
        "expires_at": pairing.expires_at,
        "on_phone": bool(PHONE_AGENT.search(agent)),
        "in_app": bool(IN_APP_AGENT.search(agent)),
        "devices": selectors.my_devices(user=request.user),
    }
    return render(request, "field/pair.html", context)


@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, DEVICE_MANAGE):
        raise PermissionDenied("只有镇管理员可以查看外业设备")
    units = unit_list(user=request.user).order_by("path")
    form = DeviceFilterForm(request.GET or None, units=units)
    unit = verdict = None
    if form.is_valid():
        unit = next((u for u in units if str(u.pk) == form.cleaned_data["unit"]), None)
        verdict = form.cleaned_data["verdict"]
    rows = selectors.device_rows(user=request.user, unit=unit, verdict=verdict or "")
    everyone = selectors.device_rows(user=request.user)
    context = {
        "form": form,
        "rows": rows,
        "unsafe_count": sum(1 for r in everyone if r.unsafe and r.device.is_active),
        "active_count": sum(1 for r in everyone if r.device.is_active),
        "filtered": bool(unit or verdict),
        "UNSAFE": CheckVerdict.UNSAFE,
        "WARN": CheckVerdict.WARN,
    }
    return render(request, "field/devices.html", context)


@require_POST
def device_revoke_view(request: HttpRequest, device_id: str) -> HttpResponse:
    own = selectors.my_devices(user=request.user).filter(pk=device_id).first()
    device = own or selectors.device_get(user=request.user, device_id=device_id)
    back = reverse("field-pair") if own is not None else reverse("field-devices")
    if own is None and not can(request.user, DEVICE_MANAGE):
        raise PermissionDenied("无权停用该设备")
    form = RevokeForm(request.POST, reason_required=own is None)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(back)
    if not device.is_active:
        messages.info(request, f"「{device.name}」已经停用")
        return redirect(back)
    try:
        device_revoke(device=device, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        f"已停用「{device.name}」（{device.user.display_name}）：该手机不能再同步，"
        "手机上未上传的数据仍保留，重新启用后可继续上传。",
    )
    return redirect(back)
