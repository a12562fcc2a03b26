"""POST/GET/PATCH /sync/records: by client UUID, validated on arrival, scoped, versioned."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.api.test_errors import assert_chinese  # noqa: E402
from tests.field.conftest import file_entry, new_uuid, upload

from zerocrop.field.choices import RecordStatus
from zerocrop.field.models import SyncRecord
from zerocrop.findings.models import Finding
from zerocrop.findings.services import finding_update

pytestmark = pytest.mark.django_db


def test_a_new_record_is_201_and_a_resend_is_200_with_the_same_receipt(
    pair, grid_user, finding_body, photo
) -> None:
    client = pair(grid_user)
    _, image = photo()
    body = finding_body([image])
    first = client.post("/records", body)
    assert first.status_code == 201, first.content
    receipt = first.json()
    assert receipt["status"] == "waiting_files" and receipt["status_label"] == "等待照片/文件"
    assert receipt["missing_files"] == [body["files"][0]["sha256"]]
    again = client.post("/records", body)
    assert again.status_code == 200
    assert again.json() == receipt
    assert SyncRecord.objects.filter(client_uuid=body["uuid"]).count() == 1
    client.device.refresh_from_db()
    assert client.device.last_sync_at is not None


def test_the_same_uuid_with_other_content_is_409_with_the_server_version(
    pair, grid_user, finding_body
) -> None:
    client = pair(grid_user)
    body = finding_body()
    assert client.post("/records", body).status_code in (200, 201)
    changed = {**body, "payload": {**body["payload"], "plant_count": 13}}
    response = client.post("/records", changed)
    assert response.status_code == 409
    assert_chinese(response.json())
    answer = response.json()
    assert answer["code"] == "uuid_conflict" and "服务器" in answer["detail"]
    assert answer["server"]["payload"]["plant_count"] == 12
    assert answer["server"]["receipt"]["uuid"] == body["uuid"]
    assert SyncRecord.objects.get(client_uuid=body["uuid"]).payload["plant_count"] == 12


def test_a_record_without_files_is_applied_at_once(pair, grid_user, finding_body) -> None:
    client = pair(grid_user)
    body = finding_body()
    response = client.post("/records", body)
    # The finding service takes a finding without photos; the record is applied on arrival.
    receipt = response.json()
    assert receipt["status"] == "applied", receipt
    finding = Finding.objects.get(pk=receipt["object"]["id"])
    assert receipt["object"]["url"] == f"/findings/{finding.pk}/"
    assert receipt["version"] == finding.updated_at.isoformat()
    assert finding.plant_count == 12 and finding.source == "patrol"
    assert client.get(f"/records/{body['uuid']}").json() == receipt


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"species": "tulip"}, "species", "植物种类的值无法识别"),
        ({"plant_count": "十二"}, "plant_count", "株数应为整数"),
        ({"found_at": "昨天"}, "found_at", "发现时间不是有效的时间"),
        ({"unit_id": None}, "unit_id", "村（社区）"),
    ],
)
def test_a_bad_payload_is_422_in_chinese_and_stores_nothing(
    pair, grid_user, finding_body, change, field, words
) -> None:
    client = pair(grid_user)
    body = finding_body(**change)
    response = client.post("/records", body)
    assert response.status_code == 422, response.content
    assert_chinese(response.json())
    answer = response.json()
    assert answer["field"] == field and words in answer["detail"]
    assert not SyncRecord.objects.filter(client_uuid=body["uuid"]).exists()


def test_a_missing_payload_field_is_named(pair, grid_user, finding_body) -> None:
    body = finding_body()
    del body["payload"]["species"]
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 422
    assert_chinese(response.json())
    assert response.json()["detail"] == "缺少植物种类"


def test_a_too_new_schema_is_422(pair, grid_user, finding_body) -> None:
    body = {**finding_body(), "schema": 99}
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 422 and response.json()["code"] == "schema_too_new"
    assert_chinese(response.json())


def test_a_schema_1_finding_is_accepted(pair, grid_user, finding_body) -> None:
    body = finding_body()
    body["schema"] = 1
    body["payload"]["count"] = body["payload"].pop("plant_count")
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 201, response.content
    record = SyncRecord.objects.get(client_uuid=body["uuid"])
    assert record.schema_version == 1 and record.payload["plant_count"] == 12


def test_a_unit_outside_the_scope_is_refused(pair, grid_user, finding_body, unit_named) -> None:
    other = unit_named("排子湾村")
    body = finding_body(unit_id=str(other.pk))
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 422
    assert_chinese(response.json())
    assert response.json()["field"] == "unit_id" and "管辖范围" in response.json()["detail"]
    assert not SyncRecord.objects.exists()


def test_a_person_outside_the_scope_is_refused(pair, grid_user, finding_body, user_named) -> None:
    stranger = user_named("cadre2").person
    body = finding_body(found_by=[str(stranger.pk)])
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 422 and response.json()["field"] == "found_by"
    assert_chinese(response.json())


def test_without_a_token_401_and_with_a_revoked_token_401(
    pair, grid_user, finding_body, user_named
) -> None:
    response = Client().post(
        "/api/v1/sync/records", data=finding_body(), content_type="application/json"
    )
    assert response.status_code == 401
    client = pair(grid_user)
    from zerocrop.field.services_devices import device_revoke

    device_revoke(device=client.device, actor=user_named("admin"), reason="手机遗失")
    response = client.post("/records", finding_body())
    assert response.status_code == 401
    assert not SyncRecord.objects.exists()


def test_another_users_receipt_is_not_found(pair, grid_user, finding_body, user_named) -> None:
    body = finding_body()
    pair(grid_user).post("/records", body)
    response = pair(user_named("cadre")).get(f"/records/{body['uuid']}")
    assert response.status_code == 404


def test_a_rejected_record_is_fixed_by_an_edit(pair, grid_user, finding_body) -> None:
    client = pair(grid_user)
    # The service refuses an "other" species without a name: applied → rejected.
    body = finding_body(species="other")
    receipt = client.post("/records", body).json()
    assert receipt["status"] == "rejected", receipt
    assert receipt["error_field"] == "species_name" and "名称" in receipt["error"]
    fixed = {**body["payload"], "species_name": "大麻草"}
    response = client.patch(
        f"/records/{body['uuid']}",
        {"base_version": receipt["version"], "payload": fixed},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"
    assert Finding.objects.get(pk=response.json()["object"]["id"]).species_name == "大麻草"


def test_an_edit_on_a_stale_version_is_409_with_the_server_side(
    pair, grid_user, finding_body, cadre
) -> None:
    client = pair(grid_user)
    body = finding_body()
    receipt = client.post("/records", body).json()
    finding = Finding.objects.get(pk=receipt["object"]["id"])
    finding_update(finding=finding, changes={"note": "办公室补充"}, actor=cadre)
    response = client.patch(
        f"/records/{body['uuid']}",
        {"base_version": receipt["version"], "payload": {**body["payload"], "note": "手机"}},
    )
    assert response.status_code == 409
    assert_chinese(response.json())
    answer = response.json()
    assert answer["code"] == "stale"
    assert answer["server"]["payload"]["note"] == "办公室补充"
    finding.refresh_from_db()
    assert finding.note == "办公室补充"
    # Resent on the new version, the worker's note wins.
    response = client.patch(
        f"/records/{body['uuid']}",
        {
            "base_version": answer["server"]["receipt"]["version"],
            "payload": {**body["payload"], "note": "手机"},
        },
    )
    assert response.status_code == 200, response.content
    finding.refresh_from_db()
    assert finding.note == "手机"
    assert response.json()["version"] == finding.updated_at.isoformat()


def test_an_applied_findings_count_is_not_editable(pair, grid_user, finding_body) -> None:
    client = pair(grid_user)
    body = finding_body()
    receipt = client.post("/records", body).json()
    response = client.patch(
        f"/records/{body['uuid']}",
        {"base_version": receipt["version"], "payload": {**body["payload"], "plant_count": 20}},
    )
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    assert_chinese(response.json())
    assert "株数" in response.json()["detail"]


def test_an_applied_eradication_is_not_editable(
    pair, grid_user, finding_body, photo, cadre_person
) -> None:
    client = pair(grid_user)
    finding_receipt = client.post("/records", finding_body()).json()
    before, after = photo()[1], photo()[1]
    body = {
        "uuid": new_uuid(),
        "kind": "eradication",
        "schema": 2,
        "payload": {
            "finding_id": finding_receipt["object"]["id"],
            "done_at": finding_body()["payload"]["found_at"],
            "method": "pulled",
            "done_by": [str(grid_user.person_id)],
            "witnesses": [str(cadre_person.pk)],
            "plants_destroyed": 12,
            "destruction": "就地焚烧",
        },
        "files": [file_entry(before, role="before"), file_entry(after, role="after")],
    }
    assert client.post("/records", body).status_code == 201
    upload(client, before)
    upload(client, after)
    receipt = client.get(f"/records/{body['uuid']}").json()
    assert receipt["status"] == RecordStatus.APPLIED, receipt
    response = client.patch(
        f"/records/{body['uuid']}", {"base_version": receipt["version"], "payload": body["payload"]}
    )
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    assert_chinese(response.json())


def test_a_user_without_the_right_is_403(pair, user_named, finding_body) -> None:
    police = user_named("police")  # may verify targets, not record findings
    body = finding_body(found_by=[str(police.person_id)])
    response = pair(police).post("/records", body)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert_chinese(response.json())
    assert not SyncRecord.objects.exists()


def test_a_bad_fix_deep_in_a_patrol_is_named_by_its_label(pair, grid_user, village) -> None:
    body = {
        "uuid": new_uuid(),
        "kind": "patrol",
        "schema": 2,
        "payload": {
            "unit_id": str(village.pk),
            "people": [str(grid_user.person_id)],
            "started_at": "2022-07-10T08:00:00+08:00",
            "ended_at": "2022-07-10T09:00:00+08:00",
            "result": "nothing",
            "fixes": [{"lon": 109.1, "lat": 37.6}, {"lon": 500, "lat": 37.6}],
        },
        "files": [],
    }
    response = pair(grid_user).post("/records", body)
    assert response.status_code == 422
    assert response.json()["field"] == "lon" and response.json()["detail"] == "经度不能大于 180"
