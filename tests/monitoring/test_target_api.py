"""Targets in the JSON API: scoped list and detail; a verification posted as multipart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_list_and_detail_are_scoped(make_target, login_as):
    mine = make_target(due_on=timezone.localdate() - timedelta(days=1))
    theirs = make_target(unit=AdminUnit.objects.get(name="排子湾村"))
    client = login_as("cadre")
    codes = [t["code"] for t in client.get("/api/v1/monitoring/targets/").json()]
    assert mine.code in codes and theirs.code not in codes
    body = client.get(f"/api/v1/monitoring/targets/{mine.pk}").json()
    assert body["code"] == mine.code and body["state"] == "overdue"
    assert client.get(f"/api/v1/monitoring/targets/{theirs.pk}").status_code == 404
    bad = client.get("/api/v1/monitoring/targets/", {"state": "maybe"})
    assert bad.status_code == 400 and bad.json()["field"] == "state"


def test_no_write_route_for_verification(make_target, login_as):
    target = make_target()
    response = login_as("cadre").post(
        f"/api/v1/monitoring/targets/{target.pk}/verify", {}, content_type="application/json"
    )
    assert response.status_code in (404, 405)
    target.refresh_from_db()
    assert target.status == "pending"
