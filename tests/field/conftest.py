"""Shared fixtures: paired devices and a client that speaks the sync API with a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.findings.conftest import (  # noqa: F401
    cadre,
    cadre_person,
    grid_person,
    photo,
    point_in,
    user_named,
)

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


# --------------------------------------------------------------------------- records and files


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def file_entry(data: bytes, *, name: str = "IMG_0001.jpg", role: str = "photo") -> dict[str, Any]:
    return {
        "sha256": sha256(data),
        "name": name,
        "role": role,
        "size": len(data),
        "type": "image/jpeg",
    }


def upload(client: SyncClient, data: bytes, *, chunk: int = 1024 * 1024) -> Any:
    """Send a file in chunks the way the app does; the last answer."""
    digest, total, response = sha256(data), len(data), None
    for first in range(0, total, chunk):
        part = data[first : first + chunk]
        response = client.put_bytes(
            f"/files/{digest}",
            part,
            HTTP_CONTENT_RANGE=f"bytes {first}-{first + len(part) - 1}/{total}",
        )
        assert response.status_code == 200, response.content
    return response


def new_uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def iso_ago(**delta: float) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.now().replace(microsecond=0) - timedelta(**delta)).isoformat()


@pytest.fixture
def finding_body(village, grid_user, point_in) -> Callable[..., dict[str, Any]]:  # noqa: F811
    """The body of a finding record in the grid worker's village, with the photos given."""
    lon, lat = point_in(village)["coordinates"]

    def make(photos: list[bytes] = (), **payload: Any) -> dict[str, Any]:
        body_payload = {
            "unit_id": str(village.pk),
            "lon": lon,
            "lat": lat,
            "acc": 6.0,
            "crs": "wgs84",
            "species": "poppy",
            "stage": "flowering",
            "setting": "courtyard",
            "plant_count": 12,
            "area_m2": 30.0,
            "found_at": iso_ago(hours=2),
            "found_by": [str(grid_user.person_id)],
            "place": "院内东墙下",
            "note": "",
        }
        body_payload.update(payload)
        return {
            "uuid": new_uuid(),
            "kind": "finding",
            "schema": 2,
            "created_at": iso_ago(hours=2),
            "payload": body_payload,
            "files": [
                file_entry(p, name=f"IMG_{i:04d}.jpg", role="found") for i, p in enumerate(photos)
            ],
        }

    return make


def build_bundle(
    *, user: str, records: list[dict[str, Any]], files: list[bytes], tamper: str = ""
) -> bytes:
    """An export bundle as the outbox page writes it (docs/field-sync.md "Export bundle").

    `tamper` names an entry whose bytes are changed after SHA256SUMS was written.
    """
    import io
    import zipfile

    entries: dict[str, bytes] = {}
    for body in records:
        entries[f"records/{body['uuid']}.json"] = json.dumps(body, ensure_ascii=False).encode()
    for data in files:
        entries[f"files/{sha256(data)}"] = data
    manifest = {
        "format": "zerocrop-field-bundle",
        "version": 1,
        "user": user,
        "device": "测试手机",
        "exported_at": iso_ago(minutes=1),
        "records": [
            {"uuid": b["uuid"], "kind": b["kind"], "path": f"records/{b['uuid']}.json"}
            for b in records
        ],
        "files": [
            {"sha256": sha256(d), "path": f"files/{sha256(d)}", "size": len(d)} for d in files
        ],
    }
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    sums = "".join(f"{sha256(data)}  {name}\n" for name, data in entries.items())
    if tamper:
        entries[tamper] = entries[tamper][:-1] + b"!"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.writestr("SHA256SUMS", sums)
    return buffer.getvalue()
