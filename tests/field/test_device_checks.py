from __future__ import annotations

import pytest

from zerocrop.field.models import DeviceCheck

pytestmark = pytest.mark.django_db

WECHAT = {
    "ran_at": "2022-07-10T09:00:00+08:00",
    "user_agent": "Mozilla/5.0 (Linux; Android 12) MicroMessenger/8.0.28",
    "browser": "wechat",
    "results": {
        "service_worker": {"ok": True, "detail": ""},
        "indexeddb_blob": {"ok": True},
        "storage": {"ok": True, "quota": 120000000, "usage": 3000},
        "persist": {"ok": False, "detail": "浏览器未授予持久存储"},
        "geolocation": {"ok": True, "fixes": 58, "median_acc": 6.0, "detail": ""},
        "wake_lock": {"ok": True},
        "in_app_browser": {"ok": False, "detail": "微信内置浏览器"},
    },
}


def test_a_self_test_is_stored_with_its_verdict_for_the_device(pair, grid_user) -> None:
    client = pair(grid_user)
    response = client.post("/device-checks", WECHAT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verdict"] == "unsafe"
    assert body["verdict_label"] == "不安全（离线数据可能丢失）"
    assert [f["item"] for f in body["failed"]] == ["in_app_browser", "persist"]
    assert "浏览器中打开" in body["failed"][0]["explanation"]
    check = DeviceCheck.objects.get(pk=body["id"])
    assert check.device == client.device
    assert check.user == grid_user
    assert check.verdict == "unsafe"
    assert check.results["geolocation"]["fixes"] == 58
    assert check.browser == "wechat"


def test_a_safe_phone(pair, grid_user) -> None:
    body = {**WECHAT, "browser": "chrome"}
    body["results"] = {
        **WECHAT["results"],
        "persist": {"ok": True},
        "in_app_browser": {"ok": True},
    }
    answer = pair(grid_user).post("/device-checks", body).json()
    assert answer["verdict"] == "safe"
    assert answer["failed"] == []


def test_a_bad_self_test_is_refused_in_chinese_and_stores_nothing(pair, grid_user) -> None:
    client = pair(grid_user)
    before = DeviceCheck.objects.count()
    response = client.post("/device-checks", {**WECHAT, "ran_at": "昨天"})
    assert response.status_code == 422
    assert response.json()["field"] == "ran_at"
    assert "时间" in response.json()["detail"]
    response = client.post("/device-checks", {**WECHAT, "ran_at": "2022-07-10T09:00:00"})
    assert response.status_code == 400
    assert "时区" in response.json()["detail"]
    assert DeviceCheck.objects.count() == before


def test_from_a_session_the_check_has_no_device(login_as) -> None:
    response = login_as("cadre").post(
        "/api/v1/sync/device-checks", data=WECHAT, content_type="application/json"
    )
    assert response.status_code == 201
    assert DeviceCheck.objects.get(pk=response.json()["id"]).device is None
