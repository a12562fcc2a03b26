from __future__ import annotations

import pytest
from django.test import Client

from zerocrop.field import rules
from zerocrop.field.services_devices import device_revoke

pytestmark = pytest.mark.django_db


def test_ping_needs_no_login_and_is_never_cached() -> None:
    response = Client().get("/api/v1/sync/ping")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["ok"] == rules.PING_BODY
    assert body["max_chunk_bytes"] == rules.MAX_CHUNK_BYTES


def test_a_revoked_token_is_refused(pair, grid_user, cadre) -> None:
    client = pair(grid_user)
    client.device.refresh_from_db()
    assert client.device.is_active
    admin = type(grid_user).objects.get(username="admin")
    device_revoke(device=client.device, actor=admin, reason="手机遗失")
    response = client.get("/ping")  # no auth: still answers
    assert response.status_code == 200
