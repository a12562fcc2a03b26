"""Export bundles: imported through the same idempotent path, every hash checked first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import _login
from tests.field.conftest import build_bundle, sha256

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.field.bundle_files import read_bundle
from zerocrop.field.models import SyncFile, SyncRecord
from zerocrop.field.services_bundles import bundle_import
from zerocrop.findings.models import Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(finding_body, photo):
    """A bundle of the grid worker with a finding and its photo, and a finding without photo."""
    image = photo()[1]
    records = [finding_body([image]), finding_body()]
    return records, image, build_bundle(user="grid", records=records, files=[image])


def test_a_bundle_imported_twice_is_stored_once(grid_user, bundle) -> None:
    records, image, data = bundle
    findings = Finding.objects.count()
    first = bundle_import(user=grid_user, data=data)
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert all(r["created"] for r in first)
    assert Finding.objects.count() == findings + 2
    again = bundle_import(user=grid_user, data=data)
    assert [r["created"] for r in again] == [False, False]
    assert [r["object"]["id"] for r in again] == [r["object"]["id"] for r in first]
    assert Finding.objects.count() == findings + 2
    assert SyncRecord.objects.count() == 2
    assert SyncFile.objects.get(sha256=sha256(image)).evidence is not None


def test_a_bundle_after_the_phone_synced_creates_nothing_twice(pair, grid_user, bundle) -> None:
    records, _, data = bundle
    client = pair(grid_user)
    assert client.post("/records", records[1]).status_code == 201
    results = bundle_import(user=grid_user, data=data)
    assert [r["created"] for r in results] == [True, False]
    assert SyncRecord.objects.count() == 2


@pytest.mark.parametrize("entry", ["files/", "records/", "manifest.json"])
def test_a_tampered_bundle_is_refused_and_nothing_is_stored(
    grid_user, finding_body, photo, entry
) -> None:
    image = photo()[1]
    records = [finding_body([image])]
    name = {
        "files/": f"files/{sha256(image)}",
        "records/": f"records/{records[0]['uuid']}.json",
        "manifest.json": "manifest.json",
    }[entry]
    data = build_bundle(user="grid", records=records, files=[image], tamper=name)
    with pytest.raises(ApplicationError) as caught:
        bundle_import(user=grid_user, data=data)
    assert "校验不符" in caught.value.message and name in caught.value.message
    assert not SyncRecord.objects.exists() and not SyncFile.objects.exists()


def test_a_zip_with_a_path_outside_is_refused(grid_user) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../manifest.json", "{}")
    with pytest.raises(ApplicationError) as caught:
        read_bundle(buffer.getvalue())
    assert "..” 路径" in caught.value.message or "路径" in caught.value.message


def test_someone_elses_bundle_needs_a_town_admin(user_named, bundle) -> None:
    _, _, data = bundle
    with pytest.raises(NotPermitted):
        bundle_import(user=user_named("cadre"), data=data)
    results = bundle_import(user=user_named("admin"), data=data)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert {r.user.username for r in SyncRecord.objects.all()} == {"grid"}


def test_the_bundle_page_imports_and_shows_each_record_in_chinese(demo_campaign, bundle) -> None:
    _, _, data = bundle
    client = _login("grid")
    page = client.get("/field/bundles/")
    assert page.status_code == 200 and "离线数据包导入" in page.content.decode()
    upload = SimpleUploadedFile("zerocrop-外业数据-grid.zip", data, content_type="application/zip")
    response = client.post("/field/bundles/", {"file": upload})
    text = response.content.decode()
    assert response.status_code == 200
    assert "共 2 条记录，已入库 2 条" in text and text.count("本次新入库") == 2
    again = client.post(
        "/field/bundles/",
        {"file": SimpleUploadedFile("b.zip", data, content_type="application/zip")},
    )
    assert again.content.decode().count("此前已收到，未重复入库") == 2


def test_the_bundle_page_refuses_a_broken_file_in_chinese(demo_campaign) -> None:
    client = _login("grid")
    upload = SimpleUploadedFile("坏.zip", b"not a zip", content_type="application/zip")
    text = client.post("/field/bundles/", {"file": upload}).content.decode()
    assert "数据包未导入" in text and "离线数据包" in text
    assert not SyncRecord.objects.exists()


def test_the_bundle_api_answers_each_receipt(pair, grid_user, bundle) -> None:
    _, _, data = bundle
    client = pair(grid_user)
    response = client.client.post(
        "/api/v1/sync/bundles",
        {"file": SimpleUploadedFile("b.zip", data, content_type="application/zip")},
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert response.status_code == 200, response.content
    assert [r["status"] for r in response.json()["records"]] == ["applied", "applied"]
