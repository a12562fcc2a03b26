from __future__ import annotations

import json

import pytest

from zerocrop.findings.choices import FindingSpecies
from zerocrop.org.models import AdminUnit, User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import TaskCell
from zerocrop.patrols.services import cells_assign

pytestmark = pytest.mark.django_db

PACKAGE_MAX_BYTES = 1024 * 1024


def _units(collection: dict) -> set[str]:
    return {f["properties"]["unit"] for f in collection["features"]}


def test_a_village_worker_gets_only_their_village(pair, grid_user) -> None:
    other = AdminUnit.objects.get(name="王窑湾村")
    # Even a cell of another village assigned to them by mistake stays out of their package.
    stray = TaskCell.objects.filter(unit=other).first()
    cells_assign(cells=[stray], people=[grid_user.person])

    response = pair(grid_user).get("/tasks")
    assert response.status_code == 200
    assert len(response.content) < PACKAGE_MAX_BYTES
    package = response.json()
    assert package["schema"] == 2
    cells = package["cells"]["features"]
    assert cells, "the demo grid worker has open cells"
    assert _units(package["cells"]) == {"毛布拉格村"}
    assert str(stray.pk) not in {c["id"] for c in cells}
    assert {c["properties"]["state"] for c in cells} <= {CellState.ASSIGNED, CellState.INVALIDATED}
    mine = set(
        TaskCell.objects.filter(
            assignees=grid_user.person, unit__name="毛布拉格村", state=CellState.ASSIGNED
        ).values_list("pk", flat=True)
    )
    assert {c["id"] for c in cells} == {str(pk) for pk in mine}
    plots = package["plots"]["features"]
    assert plots and set(plots[0]["properties"]) == {"code", "name", "risk", "owner"}
    assert _units(package["targets"]) <= {"毛布拉格村"}
    assert _units(package["findings"]) <= {"毛布拉格村"}
    village = AdminUnit.objects.get(name="毛布拉格村")
    assert package["rounds"]
    for survey_round in package["rounds"]:
        assert survey_round["unit_ids"] == [str(village.pk)]


def test_targets_carry_their_deadline(pair, grid_user) -> None:
    targets = pair(grid_user).get("/tasks").json()["targets"]["features"]
    assert targets
    first = targets[0]["properties"]
    assert isinstance(first["days_left"], int)
    assert first["overdue"] == (first["days_left"] < 0)
    assert first["status_label"] in {"待核查", "已退回", "超期"}
    assert targets[0]["geometry"]["type"] == "Point"


def test_police_sees_no_cells_but_the_town_targets(pair) -> None:
    police = User.objects.get(username="police")
    package = pair(police).get("/tasks").json()
    assert package["cells"]["features"] == []
    assert package["plots"]["features"] == []
    assert len(_units(package["targets"])) > 1  # the whole town's


def test_the_choices_are_the_apps_own_in_chinese(pair, grid_user) -> None:
    choices = pair(grid_user).get("/tasks").json()["choices"]
    assert ["poppy", FindingSpecies.POPPY.label] in choices["species"]
    assert ["unreachable", "无法到达"] in choices["verify_result"]
    assert ["far", "远景"] in choices["photo_role"]
    for key in ("stage", "setting", "patrol_result", "eradication_method", "false_reason"):
        assert choices[key], key
    assert "unreachable_reason" in choices


def test_an_unchanged_package_answers_304(pair, grid_user) -> None:
    client = pair(grid_user)
    first = client.get("/tasks")
    etag = first["ETag"]
    assert etag
    again = client.get("/tasks", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    # A cell walked meanwhile changes the package.
    cell_id = first.json()["cells"]["features"][0]["id"]
    TaskCell.objects.filter(pk=cell_id).update(state=CellState.SURVEYED)
    changed = client.get("/tasks", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert cell_id not in {c["id"] for c in json.loads(changed.content)["cells"]["features"]}


def test_the_package_needs_a_token_or_a_session() -> None:
    from django.test import Client

    assert Client().get("/api/v1/sync/tasks").status_code == 401
