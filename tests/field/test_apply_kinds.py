"""Each kind lands through its own app's service, as the web form's upload does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.conftest import sweep
from tests.field.conftest import file_entry, iso_ago, new_uuid, upload
from tests.monitoring.conftest import inside, make_batch, make_target  # noqa: F401

from zerocrop.findings.choices import FindingStatus, PhotoPhase
from zerocrop.findings.models import Eradication, Finding
from zerocrop.monitoring.choices import TargetStatus
from zerocrop.monitoring.models import Target
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord
from zerocrop.patrols.selectors import patrol_coverage_job
from zerocrop.patrols.services import cells_assign, round_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(demo_campaign, village):
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    today = timezone.localdate()
    return round_create(
        campaign=demo_campaign,
        window=window,
        name="外业同步测试",
        units=[village],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )


def _patrol_body(survey_round, village, grid_user, cell, *, photos=(), gap=False):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    fixes = sweep(cell.geometry, start=start)
    payload_fixes = [
        {"lon": f.lon, "lat": f.lat, "acc": 5.0, "t": f.time.isoformat()} for f in fixes
    ]
    gaps = []
    gap_at = len(fixes) // 2
    if gap:
        gaps = [
            {
                "from": (fixes[gap_at].time + timedelta(seconds=1)).isoformat(),
                "to": (fixes[gap_at + 1].time - timedelta(seconds=1)).isoformat(),
                "reason": "hidden",
            }
        ]
    return {
        "uuid": new_uuid(),
        "kind": "patrol",
        "schema": 2,
        "payload": {
            "unit_id": str(village.pk),
            "round_id": str(survey_round.pk),
            "people": [str(grid_user.person_id)],
            "started_at": fixes[0].time.isoformat(),
            "ended_at": fixes[-1].time.isoformat(),
            "result": "nothing",
            "note": "沿沟踏查",
            "fixes": payload_fixes,
            "gaps": gaps,
            "checkpoints": [],
        },
        "files": [file_entry(p, name=f"踏查{i}.jpg") for i, p in enumerate(photos)],
    }


def test_a_synced_patrol_is_a_patrol_record_and_its_coverage_job_ran(
    pair, grid_user, village, survey_round, photo
) -> None:
    cell = survey_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()
    cells_assign(cells=[cell], people=[grid_user.person])
    _, image = photo()
    body = _patrol_body(survey_round, village, grid_user, cell, photos=[image], gap=True)
    client = pair(grid_user)
    assert client.post("/records", body).json()["status"] == "waiting_files"
    upload(client, image)
    receipt = client.get(f"/records/{body['uuid']}").json()
    assert receipt["status"] == "applied", receipt
    record = PatrolRecord.objects.get(pk=receipt["object"]["id"])
    assert record.round == survey_round and record.created_by == grid_user
    assert record.track_source.startswith("外业应用") and record.track_file is not None
    # The gap splits the track: its two sides are never joined.
    assert len(record.track["coordinates"]) == 2
    assert record.photos.count() == 1
    job = patrol_coverage_job(record=record)
    assert job is not None and job.status == "done"
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED  # the dead-corner map shows it walked


def test_a_finding_waits_for_its_patrol_and_takes_its_campaign(
    pair, grid_user, village, survey_round, finding_body
) -> None:
    cell = survey_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()
    patrol = _patrol_body(survey_round, village, grid_user, cell)
    client = pair(grid_user)
    finding = finding_body(patrol_uuid=patrol["uuid"])
    waiting = client.post("/records", finding).json()
    assert waiting["status"] == "waiting_files" and waiting["waiting_for"] == [patrol["uuid"]]
    assert client.post("/records", patrol).json()["status"] == "applied"
    receipt = client.get(f"/records/{finding['uuid']}").json()
    assert receipt["status"] == "applied" and receipt["waiting_for"] == []
    assert Finding.objects.get(pk=receipt["object"]["id"]).campaign == survey_round.campaign


def test_an_eradication_of_a_finding_from_the_same_sync(
    pair, grid_user, finding_body, photo, cadre_person
) -> None:
    client = pair(grid_user)
    found, before, after = photo()[1], photo()[1], photo()[1]
    finding = finding_body([found])
    eradication = {
        "uuid": new_uuid(),
        "kind": "eradication",
        "schema": 2,
        "payload": {
            "finding_id": None,
            "finding_uuid": finding["uuid"],
            "done_at": iso_ago(hours=1),
            "method": "pulled",
            "done_by": [str(grid_user.person_id)],
            "witnesses": [str(cadre_person.pk)],
            "plants_destroyed": 12,
            "destruction": "就地焚烧",
            "note": "",
        },
        "files": [file_entry(before, role="before"), file_entry(after, role="after")],
    }
    client.post("/records", finding)
    client.post("/records", eradication)
    upload(client, before)
    upload(client, after)
    receipt = client.get(f"/records/{eradication['uuid']}").json()
    assert receipt["status"] == "waiting_files" and receipt["waiting_for"] == [finding["uuid"]]
    upload(client, found)  # the finding is applied, then the eradication that waited for it
    receipt = client.get(f"/records/{eradication['uuid']}").json()
    assert receipt["status"] == "applied", receipt
    done = Eradication.objects.get(pk=receipt["object"]["id"])
    assert done.finding.status == FindingStatus.ERADICATED
    phases = sorted(done.finding.photos.values_list("phase", flat=True))
    assert phases == sorted([PhotoPhase.FOUND, PhotoPhase.BEFORE, PhotoPhase.AFTER])


def test_an_eradication_without_a_cadre_witness_is_rejected_not_500(
    pair, grid_user, finding_body, photo
) -> None:
    client = pair(grid_user)
    finding = client.post("/records", finding_body()).json()
    before, after = photo()[1], photo()[1]
    body = {
        "uuid": new_uuid(),
        "kind": "eradication",
        "schema": 2,
        "payload": {
            "finding_id": finding["object"]["id"],
            "done_at": iso_ago(hours=1),
            "method": "pulled",
            "done_by": [str(grid_user.person_id)],
            "witnesses": [str(grid_user.person_id)],
            "plants_destroyed": 12,
            "destruction": "就地焚烧",
        },
        "files": [file_entry(before, role="before"), file_entry(after, role="after")],
    }
    already = Eradication.objects.count()
    client.post("/records", body)
    upload(client, before)
    upload(client, after)
    receipt = client.get(f"/records/{body['uuid']}").json()
    assert receipt["status"] == "rejected" and receipt["status_label"] == "被退回"
    assert receipt["error_field"] == "witnesses" and "村干部" in receipt["error"]
    assert Eradication.objects.count() == already


def test_a_true_target_verification_submits_the_target_and_records_a_finding(
    pair,
    grid_user,
    cadre_person,
    make_target,  # noqa: F811
    photo,
) -> None:
    target = make_target()
    photos = {role: photo(f"{role}.jpg")[1] for role in ("far", "near", "feature")}
    body = {
        "uuid": new_uuid(),
        "kind": "target_verification",
        "schema": 2,
        "payload": {
            "target_id": str(target.pk),
            "result": "true",
            "verifiers": [str(grid_user.person_id), str(cadre_person.pk)],
            "verified_at": iso_ago(hours=1),
            "arrival": {"lon": target.lon, "lat": target.lat, "acc": 5.0, "source": "phone"},
            "plant_count": 30,
            "found_area_m2": 40.0,
            "species": "poppy",
            "stage": "flowering",
            "setting": "courtyard",
            "note": "",
        },
        "files": [file_entry(data, name=f"{role}.jpg", role=role) for role, data in photos.items()],
    }
    client = pair(grid_user)
    client.post("/records", body)
    for data in photos.values():
        upload(client, data)
    receipt = client.get(f"/records/{body['uuid']}").json()
    assert receipt["status"] == "applied", receipt
    target = Target.objects.get(pk=target.pk)
    assert target.status == TargetStatus.SUBMITTED and target.photos.count() == 3
    assert target.finding is not None and target.finding.plant_count == 30
    assert receipt["object"]["url"] == f"/monitoring/targets/{target.pk}/"


def test_a_schema_1_patrol_from_an_old_app_still_lands(
    pair, grid_user, village, survey_round
) -> None:
    cell = survey_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()
    body = _patrol_body(survey_round, village, grid_user, cell)
    body["schema"] = 1
    payload = body["payload"]
    payload["fixes"] = [[f["lon"], f["lat"], f["t"]] for f in payload["fixes"]]
    del payload["gaps"], payload["checkpoints"]
    receipt = pair(grid_user).post("/records", body).json()
    assert receipt["status"] == "applied", receipt
    record = PatrolRecord.objects.get(pk=receipt["object"]["id"])
    assert record.track_points == len(payload["fixes"])
