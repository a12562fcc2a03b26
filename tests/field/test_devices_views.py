from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.utils import timezone

from zerocrop.field.models import Device, DeviceCheck, PairingCode
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 12; M2012K11AC) AppleWebKit/537.36 Chrome/108 Mobile"
WECHAT = PHONE + " MicroMessenger/8.0.28"


def _check(device: Device, verdict: str, results: dict) -> DeviceCheck:
    return DeviceCheck.objects.create(
        device=device, user=device.user, ran_at=timezone.now(), verdict=verdict, results=results
    )


def test_the_pair_page_shows_a_one_use_qr_of_the_app_link(login_as, grid_user) -> None:
    before = PairingCode.objects.filter(user=grid_user).count()
    page = login_as("grid").get("/field/pair/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "在手机上启用外业采集" in html
    assert 'src="data:image/svg+xml' in html
    assert "不要用微信扫一扫打开" in html and "添加到主屏幕" in html
    assert "10 分钟内有效" in html
    assert PairingCode.objects.filter(user=grid_user).count() == before + 1
    # On a desktop no 「在本机启用」: it is for the phone the page is open on.
    assert 'data-testid="pair-here"' not in html
    assert page.context["absolute"].startswith("http://testserver/field/app/#pair=")
    assert unquote(page.context["qr"]).count("<path") >= 1


def test_on_a_phone_the_page_offers_to_enable_this_phone(login_as) -> None:
    page = login_as("grid").get("/field/pair/", HTTP_USER_AGENT=PHONE)
    html = page.content.decode()
    assert 'data-testid="pair-here"' in html
    assert f'href="{page.context["link"]}"' in html
    assert 'data-testid="pair-in-app"' not in html
    wechat = login_as("grid").get("/field/pair/", HTTP_USER_AGENT=WECHAT).content.decode()
    assert "在浏览器中打开" in wechat


def test_a_leader_may_not_pair(login_as) -> None:
    assert login_as("leader").get("/field/pair/").status_code == 403


def test_the_worker_lists_and_revokes_their_own_phone(login_as, pair, grid_user) -> None:
    client = pair(grid_user, name="我的红米")
    web = login_as("grid")
    assert "我的红米" in web.get("/field/pair/").content.decode()
    response = web.post(f"/field/devices/{client.device.pk}/revoke/", {"reason": ""})
    assert response.status_code == 302 and response["Location"] == "/field/pair/"
    client.device.refresh_from_db()
    assert not client.device.is_active
    assert client.get("/me").status_code == 401


def test_the_admin_sees_every_device_in_scope_unsafe_first(login_as, pair, grid_user) -> None:
    cadre2 = User.objects.get(username="cadre2")
    safe = pair(grid_user, name="安全手机").device
    unsafe = pair(cadre2, name="微信里的手机").device
    _check(safe, "safe", {})
    _check(
        unsafe,
        "unsafe",
        {
            "service_worker": {"ok": True},
            "indexeddb_blob": {"ok": True},
            "in_app_browser": {"ok": False, "detail": "微信内置浏览器"},
            "persist": {"ok": True},
            "wake_lock": {"ok": True},
            "geolocation": {"ok": True, "fixes": 50},
        },
    )
    page = login_as("admin").get("/field/devices/")
    assert page.status_code == 200
    rows = page.context["rows"]
    names = [r.device.name for r in rows]
    assert names.index("微信里的手机") < names.index("安全手机")
    assert rows[0].unsafe
    html = page.content.decode()
    assert "浏览器：微信内置浏览器" in html
    assert 'data-testid="unsafe-count">不安全' in html
    assert page.context["unsafe_count"] >= 1

    only_unsafe = login_as("admin").get("/field/devices/?verdict=unsafe").context["rows"]
    assert {r.verdict for r in only_unsafe} == {"unsafe"}
    village = grid_user.unit
    in_village = login_as("admin").get(f"/field/devices/?unit={village.pk}").context["rows"]
    assert {r.device.user.unit for r in in_village} == {village}


def test_the_devices_page_is_the_town_admins(login_as) -> None:
    for username in ("cadre", "grid", "police", "leader"):
        assert login_as(username).get("/field/devices/").status_code == 403, username


def test_the_admin_revokes_with_a_reason(login_as, pair) -> None:
    cadre2 = User.objects.get(username="cadre2")
    device = pair(cadre2, name="遗失的手机").device
    admin = login_as("admin")
    refused = admin.post(f"/field/devices/{device.pk}/revoke/", {"reason": " "}, follow=True)
    assert "必须填写原因" in refused.content.decode()
    device.refresh_from_db()
    assert device.is_active
    done = admin.post(f"/field/devices/{device.pk}/revoke/", {"reason": "手机遗失"}, follow=True)
    assert "已停用「遗失的手机」" in done.content.decode()
    device.refresh_from_db()
    assert device.revoke_reason == "手机遗失"
    assert device.revoked_by.username == "admin"


def test_a_cadre_cannot_revoke_another_users_phone(login_as, pair, grid_user) -> None:
    device = pair(grid_user).device
    response = login_as("cadre").post(f"/field/devices/{device.pk}/revoke/", {"reason": "试试"})
    assert response.status_code == 403
    other_village = login_as("cadre2").post(
        f"/field/devices/{device.pk}/revoke/", {"reason": "试试"}
    )
    assert other_village.status_code == 404  # out of scope: not even known
    device.refresh_from_db()
    assert device.is_active


def test_the_device_rows_are_scoped_to_the_users_unit(pair, grid_user) -> None:
    from zerocrop.field.selectors import device_rows

    cadre, cadre2 = User.objects.get(username="cadre"), User.objects.get(username="cadre2")
    mine = pair(grid_user).device
    theirs = pair(cadre2).device
    seen = {r.device.pk for r in device_rows(user=cadre)}
    assert mine.pk in seen and theirs.pk not in seen
