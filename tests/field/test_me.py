from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_me_names_the_user_the_device_and_the_people_in_scope(pair, grid_user) -> None:
    client = pair(grid_user, name="网格员的手机")
    response = client.get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "grid"
    assert body["user"]["role"] == "grid_worker"
    assert body["user"]["person_id"] == str(grid_user.person_id)
    assert body["device"]["name"] == "网格员的手机"
    names = {p["name"] for p in body["people"]}
    assert "高志刚" in names and "王鸣山" in names  # the village's own
    assert "张鹏富" not in names  # another village's cadre
    units = {p["unit"] for p in body["people"]}
    assert units == {"毛布拉格村"}


def test_me_from_a_session_has_no_device_and_the_town_people(login_as) -> None:
    body = login_as("admin").get("/api/v1/sync/me").json()
    assert body["device"] is None
    names = {p["name"] for p in body["people"]}
    assert {"高志刚", "张鹏富", "吉雅"} <= names


def test_a_device_reads_the_openapi_schema(pair, grid_user) -> None:
    from django.test import Client

    response = pair(grid_user).get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "ZeroCrop 禁种铲毒工作平台 API"
    assert "/api/v1/sync/tasks" in schema["paths"]
    assert "/api/v1/sync/openapi.json" not in schema["paths"]
    assert Client().get("/api/v1/sync/openapi.json").status_code == 401
