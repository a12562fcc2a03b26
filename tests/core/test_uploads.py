"""The staged-upload store: private, bound to the session, swept, capped, namespaced."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerocrop.core import uploads
from zerocrop.core.uploads import (
    MAX_PENDING_PER_SESSION,
    StagedUploadError,
    staged_delete,
    staged_get,
    staged_save,
    staged_sweep,
)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def files_under(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_staged_file_comes_back_in_its_own_session(data_dir: Path) -> None:
    session: dict[str, Any] = {}
    staged = staged_save(
        session=session,
        namespace="notice",
        name="C:\\文件\\方案\x07.txt",
        data=b"abc",
        meta={"crs": "gcj02"},
    )
    assert staged.path == data_dir / "uploads" / "notice" / staged.token
    assert staged.original_name == "方案.txt"  # no folders, no control characters
    again = staged_get(session=session, namespace="notice", token=staged.token)
    assert again is not None and again.read_bytes() == b"abc"
    assert (again.original_name, again.meta) == ("方案.txt", {"crs": "gcj02"})
    assert again.derived() is None


def test_a_token_is_refused_in_another_session_or_namespace() -> None:
    mine: dict[str, Any] = {}
    staged = staged_save(session=mine, namespace="geo", name="a.kml", data=b"<kml/>")
    assert staged_get(session={}, namespace="geo", token=staged.token) is None
    assert staged_get(session=mine, namespace="notice", token=staged.token) is None
    # A session that claims the token for another namespace still finds no file there.
    forged = {"notice_uploads": {staged.token: {"name": "x", "saved_at": time.time()}}}
    assert staged_get(session=forged, namespace="notice", token=staged.token) is None
    assert staged.path.is_file()  # none of this touched the real upload


@pytest.mark.parametrize("token", ["", "short", "../../etc/passwd", "a" * 65, "abc.def" * 4])
def test_a_malformed_token_is_refused(token: str) -> None:
    session = {"geo_uploads": {token: {"name": "x", "saved_at": time.time()}}}
    assert staged_get(session=session, namespace="geo", token=token) is None


def test_files_and_folders_are_owner_only(data_dir: Path) -> None:
    staged = staged_save(
        session={}, namespace="notice", name="a.txt", data=b"x", derived={"text": "正文"}
    )
    derived = staged.path.with_name(f"{staged.token}.json")
    for path, mode in (
        (data_dir / "uploads", 0o700),
        (staged.path.parent, 0o700),
        (staged.path, 0o600),
        (derived, 0o600),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_derived_document_travels_beside_the_file_and_goes_with_it(data_dir: Path) -> None:
    session: dict[str, Any] = {}
    draft = {"text": "方案正文", "facts": {"phases": [{"name": "动员部署"}]}}
    staged = staged_save(
        session=session, namespace="notice", name="a.txt", data=b"x", derived=draft
    )
    got = staged_get(session=session, namespace="notice", token=staged.token)
    assert got is not None and got.derived() == draft
    staged_delete(session=session, namespace="notice", token=staged.token)
    assert files_under(data_dir / "uploads") == []
    assert session["notice_uploads"] == {}
    assert staged_get(session=session, namespace="notice", token=staged.token) is None


def test_an_expired_upload_reads_as_gone_and_is_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    session: dict[str, Any] = {}
    staged = staged_save(session=session, namespace="geo", name="a.kml", data=b"<kml/>")
    later = time.time() + uploads.UPLOAD_TTL_SECONDS + 60
    monkeypatch.setattr(uploads.time, "time", lambda: later)
    assert staged_get(session=session, namespace="geo", token=staged.token) is None
    assert not staged.path.exists() and session["geo_uploads"] == {}


def test_a_file_deleted_behind_the_store_reads_as_gone() -> None:
    session: dict[str, Any] = {}
    staged = staged_save(session=session, namespace="geo", name="a.kml", data=b"<kml/>")
    staged.path.unlink()
    assert staged_get(session=session, namespace="geo", token=staged.token) is None
    assert staged.token not in session["geo_uploads"]


def test_the_sweep_removes_old_files_of_every_namespace(data_dir: Path) -> None:
    staged_save(session={}, namespace="geo", name="a.kml", data=b"<kml/>")
    root = data_dir / "uploads"
    stale = [root / "geo" / "old-geo-token-xxxxxx", root / "legacy-root-token-xxxxx"]
    (root / "notice").mkdir()
    stale.append(root / "notice" / "old-notice-token-xxx")
    day_ago = time.time() - 25 * 3600
    for path in stale:
        path.write_bytes(b"old")
        os.utime(path, (day_ago, day_ago))
    assert staged_sweep(namespace="notice") == 1
    staged_save(session={}, namespace="notice", name="b.txt", data=b"new")  # sweeps all
    assert not any(p.exists() for p in stale)
    assert len(files_under(root)) == 2  # the two fresh uploads


def test_a_session_keeps_only_its_newest_uploads_per_namespace(data_dir: Path) -> None:
    session: dict[str, Any] = {}
    other = staged_save(session=session, namespace="notice", name="n.txt", data=b"n")
    tokens = [
        staged_save(session=session, namespace="geo", name=f"{i}.kml", data=b"<kml/>").token
        for i in range(MAX_PENDING_PER_SESSION + 2)
    ]
    assert sorted(session["geo_uploads"]) == sorted(tokens[2:])
    assert sorted(files_under(data_dir / "uploads" / "geo")) == sorted(tokens[2:])
    assert staged_get(session=session, namespace="geo", token=tokens[0]) is None
    assert staged_get(session=session, namespace="notice", token=other.token) is not None


def test_too_large_or_empty_files_are_refused_and_nothing_is_kept(data_dir: Path) -> None:
    session: dict[str, Any] = {}
    with pytest.raises(StagedUploadError, match="文件太大（1 KB），上限为 1 KB。") as big:
        staged_save(session=session, namespace="geo", name="a", data=b"x" * 1001, max_bytes=1000)
    assert big.value.code == "too_large"
    lying = SimpleUploadedFile("a.kml", b"x" * 5000)
    lying.size = 10  # the declared size lies: the copy is counted too
    with pytest.raises(StagedUploadError) as copied:
        staged_save(session=session, namespace="geo", name="a", data=lying, max_bytes=1000)
    assert copied.value.code == "too_large" and "上限为" in copied.value.message
    with pytest.raises(StagedUploadError, match="文件是空的") as empty:
        staged_save(session=session, namespace="geo", name="a", data=b"")
    assert empty.value.code == "empty"
    assert files_under(data_dir / "uploads") == [] and session.get("geo_uploads") is None


def test_an_upload_is_copied_in_chunks() -> None:
    session: dict[str, Any] = {}
    upload = SimpleUploadedFile("轨迹.gpx", b"<gpx>" + b" " * 200_000 + b"</gpx>")
    staged = staged_save(session=session, namespace="geo", name=upload.name, data=upload)
    assert staged.read_bytes() == upload.open().read()


def test_bad_namespace_and_oversized_meta_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="namespace"):
        staged_save(session={}, namespace="../media", name="a", data=b"x")
    with pytest.raises(ValueError, match="meta"):
        staged_save(session={}, namespace="geo", name="a", data=b"x", meta={"x": "y" * 5000})
