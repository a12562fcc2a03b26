"""The demo's phones: a safe one and an unsafe one (WeChat) with their self-tests, a revoked
one, all on the town admin's device page; a second load changes nothing."""

from __future__ import annotations

import pytest

from zerocrop.demo.field import OLD_PHONE, SAFE_PHONE, WECHAT_PHONE, demo_field_load
from zerocrop.field.models import Device, DeviceCheck

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_safe_an_unsafe_and_a_revoked_phone(demo_campaign) -> None:
    safe = Device.objects.get(name=SAFE_PHONE)
    wechat = Device.objects.get(name=WECHAT_PHONE)
    old = Device.objects.get(name=OLD_PHONE)
    assert (safe.user.username, wechat.user.username, old.user.username) == (
        "grid",
        "cadre",
        "grid",
    )
    assert safe.is_active and wechat.is_active and not old.is_active
    assert old.revoke_reason and old.revoked_by.username == "admin"
    assert safe.checks.get().verdict == "safe"
    unsafe = wechat.checks.get()
    assert unsafe.verdict == "unsafe"
    assert unsafe.results["in_app_browser"]["ok"] is False
    assert unsafe.results["persist"]["ok"] is False
    assert safe.paired_at.year == 2022  # on the demo's own dates


def test_the_admin_page_shows_the_wechat_phone_first(login_as, demo_campaign) -> None:
    page = login_as("admin").get("/field/devices/")
    rows = [r for r in page.context["rows"] if r.device.name in (SAFE_PHONE, WECHAT_PHONE)]
    assert [r.device.name for r in rows] == [WECHAT_PHONE, SAFE_PHONE]
    assert "浏览器：微信内置浏览器" in page.content.decode()


def test_loading_again_changes_nothing(demo_campaign) -> None:
    devices, checks = Device.objects.count(), DeviceCheck.objects.count()
    assert demo_field_load() == []
    assert (Device.objects.count(), DeviceCheck.objects.count()) == (devices, checks)
