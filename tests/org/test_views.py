from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("q", "message"), [("王\x00", "空字符"), ("王" * 51, "查找的姓名不能超过 50 个字")]
)
def test_a_hostile_person_search_is_explained(login_as, q, message) -> None:
    response = login_as("admin").get("/org/people/", {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not response.context["people"]


def test_person_search_still_finds_people(login_as) -> None:
    response = login_as("admin").get("/org/people/", {"q": "王"})
    assert response.status_code == 200 and response.context["error"] == ""


def test_non_uuid_unit_ids_are_404(login_as) -> None:
    assert login_as("admin").get("/org/units/abc/").status_code == 404
