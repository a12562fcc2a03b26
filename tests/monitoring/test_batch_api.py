"""GET /api/v1/monitoring/batches/ and /{id}: scoped like the pages (the router on its own,
until api/v1.py mounts it)."""

from __future__ import annotations

import uuid

import pytest
from ninja.testing import TestClient

from zerocrop.monitoring.api_batches import router
from zerocrop.org.models import AdminUnit, User


@pytest.fixture
def api() -> TestClient:
    return TestClient(router)


def test_the_cadre_gets_only_batches_and_targets_of_their_village(
    api, make_batch, make_target, town
):
    other = AdminUnit.objects.get(parent=town, name="王窑湾村")
    shared = make_batch(name="两村批次")
    make_target(batch=shared, code="MINE")
    make_target(batch=shared, unit=other, code="THEIRS")
    hidden = make_batch(name="别村批次")
    make_target(batch=hidden, unit=other)
    cadre = User.objects.get(username="cadre")
    listing = api.get("/batches/", user=cadre)
    assert listing.status_code == 200
    names = {b["name"]: b for b in listing.json()}
    assert "两村批次" in names and "别村批次" not in names
    assert names["两村批次"]["target_count"] == 1
    detail = api.get(f"/batches/{shared.pk}", user=cadre).json()
    assert [t["code"] for t in detail["targets"]] == ["MINE"]
    assert detail["targets"][0]["state"] == "pending"
    assert api.get(f"/batches/{hidden.pk}", user=cadre).status_code == 404
    assert api.get(f"/batches/{uuid.uuid4()}", user=cadre).status_code == 404
    admin = User.objects.get(username="admin")
    full = api.get(f"/batches/{shared.pk}", user=admin).json()
    assert {t["code"] for t in full["targets"]} == {"MINE", "THEIRS"}
