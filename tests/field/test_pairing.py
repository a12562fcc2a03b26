from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from zerocrop.field.api_devices import PAIR_FAILURES_PER_MINUTE
from zerocrop.field.models import Device, PairingCode
from zerocrop.field.services_devices import device_revoke, digest, pairing_code_create

pytestmark = pytest.mark.django_db


def _pair(code: str, name: str = "红米 Note") -> object:
    return Client().post(
        "/api/v1/sync/pair",
        data={"code": code, "name": name, "user_agent": "Mozilla/5.0 (Linux; Android 12)"},
        content_type="application/json",
    )


@pytest.fixture(autouse=True)
def _no_throttle_left_over() -> None:
    cache.clear()


def test_a_logged_in_user_gets_a_code_and_a_phone_trades_it_once(login_as, grid_user) -> None:
    response = login_as("grid").post(
        "/api/v1/sync/pairing-codes", data={}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["url"] == f"/field/app/#pair={body['code']}"
    assert body["expires_at"]

    paired = _pair(body["code"])
    assert paired.status_code == 200, paired.content
    answer = paired.json()
    assert answer["user"]["username"] == "grid"
    assert answer["user"]["unit"]["name"] == "毛布拉格村"
    assert answer["device"]["name"] == "红米 Note"
    device = Device.objects.get(pk=answer["device"]["id"])
    assert device.user == grid_user
    assert device.token_hash == digest(answer["token"])  # only the digest is kept
    assert answer["token"] not in str(Device.objects.filter(pk=device.pk).values().get())

    again = _pair(body["code"], name="另一部手机")
    assert again.status_code == 400
    assert again.json()["code"] == "pairing_invalid"
    assert "重新" in again.json()["detail"]
    assert Device.objects.filter(user=grid_user, name="另一部手机").count() == 0


def test_an_expired_code_is_refused(grid_user) -> None:
    pairing, code = pairing_code_create(user=grid_user)
    PairingCode.objects.filter(pk=pairing.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    before = Device.objects.count()
    response = _pair(code)
    assert response.status_code == 400
    assert response.json()["code"] == "pairing_invalid"
    assert Device.objects.count() == before


def test_pairing_codes_need_a_session_not_a_token(pair, grid_user) -> None:
    client = pair(grid_user)
    response = client.post("/pairing-codes", {})
    assert response.status_code == 401
    anonymous = Client().post(
        "/api/v1/sync/pairing-codes", data={}, content_type="application/json"
    )
    assert anonymous.status_code == 401


def test_a_user_who_may_not_pair_gets_no_code(login_as) -> None:
    response = login_as("leader").post(
        "/api/v1/sync/pairing-codes", data={}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号不能启用外业采集"


def test_guessing_codes_is_throttled_per_address(grid_user) -> None:
    for _ in range(PAIR_FAILURES_PER_MINUTE):
        assert _pair("guess").json()["code"] == "pairing_invalid"
    _, code = pairing_code_create(user=grid_user)
    response = _pair(code)  # even a good code waits: the address is guessing
    assert response.status_code == 400
    assert response.json()["code"] == "throttled"
    assert "1 分钟" in response.json()["detail"]
    cache.clear()
    assert _pair(code).status_code == 200


def test_a_revoked_device_is_401_and_says_so(pair, grid_user) -> None:
    client = pair(grid_user)
    assert client.get("/me").status_code == 200
    admin = type(grid_user).objects.get(username="admin")
    device_revoke(device=client.device, actor=admin, reason="手机遗失")
    response = client.get("/me")
    assert response.status_code == 401
    assert response.json()["code"] == "device_revoked"
    assert "停用" in response.json()["detail"]


def test_an_unknown_token_is_401() -> None:
    response = Client().get("/api/v1/sync/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_session_call_needs_the_csrf_token(demo_campaign) -> None:
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from zerocrop.demo.campaign import DEMO_PASSWORD

    client = Client(enforce_csrf_checks=True)
    assert client.login(username="grid", password=DEMO_PASSWORD)
    refused = client.post("/api/v1/sync/pairing-codes", data={}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    allowed = client.post(
        "/api/v1/sync/pairing-codes",
        data={},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert allowed.status_code == 200
