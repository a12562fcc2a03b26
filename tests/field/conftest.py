"""Shared fixtures: paired devices and a client that speaks the sync API with a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.findings.conftest import cadre, cadre_person, grid_person, photo, user_named  # noqa: F401

from zerocrop.field.services_devices import device_pair, pairing_code_create
from zerocrop.org.models import AdminUnit, User


class SyncClient:
    """The Django test client with a device's bearer token on every call."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.client = Client()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(f"/api/v1/sync{path}", **self._headers(extra))

    def post(self, path: str, body: Any, **extra: Any) -> Any:
        return self.client.post(
            f"/api/v1/sync{path}",
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            **self._headers(extra),
        )

    def patch(self, path: str, body: Any, **extra: Any) -> Any:
        return self.client.patch(
            f"/api/v1/sync{path}",
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            **self._headers(extra),
        )

    def put_bytes(self, path: str, data: bytes, **extra: Any) -> Any:
        return self.client.put(
            f"/api/v1/sync{path}",
            data=data,
            content_type="application/octet-stream",
            **self._headers(extra),
        )


@pytest.fixture
def village(demo_campaign) -> AdminUnit:
    return AdminUnit.objects.get(name="毛布拉格村")


@pytest.fixture
def pair() -> Callable[[User], SyncClient]:
    """Pair a phone for `user` the way the app does, and return a client holding its token."""

    def make(user: User, name: str = "测试手机") -> SyncClient:
        _, code = pairing_code_create(user=user)
        device, token = device_pair(code=code, name=name, user_agent="pytest")
        client = SyncClient(token)
        client.device = device
        return client

    return make


@pytest.fixture
def grid_user(demo_campaign) -> User:
    return User.objects.get(username="grid")
