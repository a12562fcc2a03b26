"""PUT/GET /sync/files/{sha256}: chunks by Content-Range, resumable, verified at the end."""

from __future__ import annotations

import pytest
from tests.api.test_errors import assert_chinese  # noqa: E402
from tests.field.conftest import file_entry, sha256, upload

from zerocrop.field import rules
from zerocrop.field.models import SyncFile
from zerocrop.field.services_files import staged_path

pytestmark = pytest.mark.django_db


def _put(client, data: bytes, first: int, last: int, *, total: int | None = None, digest=None):
    return client.put_bytes(
        f"/files/{digest or sha256(data)}",
        data[first : last + 1],
        HTTP_CONTENT_RANGE=f"bytes {first}-{last}/{total or len(data)}",
    )


@pytest.fixture
def listed(pair, grid_user, finding_body, photo):
    """A client whose finding record lists one photo not yet uploaded, and that photo."""
    client = pair(grid_user)
    _, image = photo()
    image += bytes(3000)  # JPEG readers ignore bytes after the end marker: a bigger file
    body = finding_body([image])
    assert client.post("/records", body).status_code == 201
    return client, body, image


def test_a_file_in_chunks_completes_and_applies_its_record(listed) -> None:
    client, body, image = listed
    digest = sha256(image)
    assert client.get(f"/files/{digest}").json() == {
        "sha256": digest,
        "size": len(image),
        "received": 0,
        "complete": False,
    }
    first = _put(client, image, 0, 999)
    assert first.status_code == 200 and first.json()["received"] == 1000
    assert not first.json()["complete"]
    last = upload_rest(client, image, 1000)
    assert last.json() == {
        "sha256": digest,
        "size": len(image),
        "received": len(image),
        "complete": True,
    }
    receipt = client.get(f"/records/{body['uuid']}").json()
    assert receipt["status"] == "applied" and receipt["missing_files"] == []
    row = SyncFile.objects.get(sha256=digest)
    assert row.evidence is not None and row.evidence.sha256 == digest
    assert not staged_path(digest).exists()  # the evidence store holds the bytes now


def upload_rest(client, data: bytes, offset: int):
    return _put(client, data, offset, len(data) - 1)


def test_an_interrupted_upload_resumes_from_what_the_server_has(listed) -> None:
    client, body, image = listed
    _put(client, image, 0, 1499)
    state = client.get(f"/files/{sha256(image)}").json()
    assert state["received"] == 1500
    assert upload_rest(client, image, state["received"]).json()["complete"]


def test_a_chunk_at_the_wrong_offset_is_409_with_the_servers_count(listed) -> None:
    client, _, image = listed
    _put(client, image, 0, 999)
    response = _put(client, image, 1500, 1999)
    assert response.status_code == 409
    assert_chinese(response.json())
    assert response.json()["code"] == "offset_mismatch" and response.json()["received"] == 1000
    assert SyncFile.objects.get(sha256=sha256(image)).received == 1000


def test_a_duplicate_chunk_is_200_and_changes_nothing(listed) -> None:
    client, _, image = listed
    _put(client, image, 0, 999)
    _put(client, image, 1000, 1999)
    again = _put(client, image, 0, 999)
    assert again.status_code == 200 and again.json()["received"] == 2000
    assert upload_rest(client, image, 2000).json()["complete"]
    assert _put(client, image, 0, 999).json()["complete"]  # after completion, too


def test_a_file_whose_bytes_do_not_match_its_hash_is_discarded(listed) -> None:
    client, body, image = listed
    digest = sha256(image)
    forged = image[:-1] + b"\x01"
    response = _put(client, forged, 0, len(forged) - 1, digest=digest)
    assert response.status_code == 422 and response.json()["code"] == "hash_mismatch"
    assert_chinese(response.json())
    assert "重新上传" in response.json()["detail"]
    assert SyncFile.objects.get(sha256=digest).received == 0
    assert not staged_path(digest).exists()
    assert client.get(f"/records/{body['uuid']}").json()["status"] == "waiting_files"
    assert upload(client, image).json()["complete"]  # the phone starts that file again


def test_a_hash_no_record_lists_is_404(pair, grid_user) -> None:
    client = pair(grid_user)
    data = b"x" * 100
    response = _put(client, data, 0, 99)
    assert response.status_code == 404 and response.json()["code"] == "file_not_expected"
    assert client.get(f"/files/{sha256(data)}").status_code == 404
    assert not SyncFile.objects.exists()


def test_another_users_file_is_not_expected_from_me(listed, pair, user_named) -> None:
    _, _, image = listed
    response = _put(pair(user_named("cadre")), image, 0, 99)
    assert response.status_code == 404


def test_a_chunk_larger_than_announced_is_refused(pair, grid_user, finding_body) -> None:
    client = pair(grid_user)
    big = b"\xff" * (rules.MAX_CHUNK_BYTES + 1)
    body = finding_body()
    body["files"] = [file_entry(big, role="found")]
    client.post("/records", body)
    response = _put(client, big, 0, len(big) - 1)
    assert response.status_code == 413
    assert_chinese(response.json())
    assert "太大" in response.json()["detail"]
    assert not SyncFile.objects.exists()


def test_a_file_larger_than_allowed_is_refused(listed) -> None:
    client, _, image = listed
    response = _put(client, image, 0, 99, total=rules.MAX_FILE_BYTES + 1)
    assert response.status_code == 413 and "文件太大" in response.json()["detail"]
    assert_chinese(response.json())


def test_a_bad_content_range_is_refused_in_chinese(listed) -> None:
    client, _, image = listed
    response = client.put_bytes(f"/files/{sha256(image)}", image[:10])
    assert response.status_code == 400 and response.json()["code"] == "bad_range"
    assert_chinese(response.json())
    assert "分块范围" in response.json()["detail"]


def test_a_record_left_unapplied_by_a_crash_is_applied_on_the_next_call(listed, grid_user) -> None:
    """The server committed the last chunk and stopped before applying the record."""
    client, body, image = listed
    digest = sha256(image)
    staged_path(digest).write_bytes(image)
    SyncFile.objects.create(
        sha256=digest,
        size=len(image),
        received=len(image),
        status="complete",
        uploaded_by=grid_user,
    )
    assert client.get(f"/records/{body['uuid']}").json()["status"] == "applied"


def test_resending_the_last_chunk_after_a_crash_applies_the_record(listed, grid_user) -> None:
    client, body, image = listed
    digest = sha256(image)
    staged_path(digest).write_bytes(image)
    SyncFile.objects.create(
        sha256=digest,
        size=len(image),
        received=len(image),
        status="complete",
        uploaded_by=grid_user,
    )
    again = _put(client, image, len(image) - 100, len(image) - 1)
    assert again.status_code == 200 and again.json()["complete"]
    from zerocrop.field.models import SyncRecord

    assert SyncRecord.objects.get(client_uuid=body["uuid"]).status == "applied"
