"""Evidence packages a court can check: built scoped and audited, verified with the standard
library alone, and every change to a file, the manifest or the timeline reported."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from zerocrop.campaigns.models import Pledge
from zerocrop.campaigns.services import pledge_register
from zerocrop.core import evidence_verify
from zerocrop.core.evidence import evidence_store_verify
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.evidence_verify import PureSM3, file_hashes, verify_package
from zerocrop.core.models import AuditEvent
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.patrols.models import PatrolRecord
from zerocrop.patrols.services import patrol_record_create

pytestmark = pytest.mark.django_db


def unique_jpeg() -> bytes:
    """Noise, so no other test stores (or this one corrupts) the same bytes."""
    image = Image.frombytes("RGB", (24, 16), os.urandom(24 * 16 * 3))
    exif = image.getexif()
    exif[0x0131] = "PhoneCamera"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def unique_png() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (20, 20), os.urandom(20 * 20 * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def record(demo_campaign) -> PatrolRecord:
    """A patrol of 毛布拉格村 with two photos, recorded by its cadre."""
    village = AdminUnit.objects.get(name="毛布拉格村")
    now = timezone.now()
    return patrol_record_create(
        unit=village,
        people=[Person.objects.get(name="高志刚", unit=village)],
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        photos=[("东坡.jpg", unique_jpeg()), ("西坡.jpg", unique_jpeg())],
        actor=User.objects.get(username="cadre"),
    )


@pytest.fixture
def pledge(demo_campaign) -> Pledge:
    return pledge_register(
        campaign=demo_campaign,
        kind="household",
        unit=AdminUnit.objects.get(name="毛布拉格村"),
        signer="王二",
        signed_on=date(2022, 5, 3),
        scan_name="王二 责任状.png",
        scan_file=unique_png(),
    )


def download(client, kind: str, object_id, tmp_path: Path) -> Path:
    response = client.get(f"/evidence/package/{kind}/{object_id}/")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def unpack(path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return folder


def run_verifier(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """As a court would: python -I -S (no project, no site-packages at all), from elsewhere."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify.py"), *args],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_patrol_package_holds_the_original_bytes_manifest_timeline_and_verifier(
    record, login_as, tmp_path
) -> None:
    path = download(login_as("cadre"), "patrol", record.pk, tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        files = {f["path"]: f for f in manifest["files"]}
        for photo in record.photos.select_related("evidence"):
            entry = next(f for f in files.values() if f["evidence_id"] == str(photo.evidence_id))
            with default_storage.open(photo.evidence.storage_name, "rb") as stored:
                assert archive.read(entry["path"]) == stored.read()  # never re-encoded
            assert entry["sha256"] == photo.evidence.sha256 and entry["sm3"] == photo.evidence.sm3
            assert entry["owner"]["type"] == "patrols.patrolphoto"
            assert entry["owner"]["id"] == str(photo.pk)
            assert entry["uploaded_by"]["name"] == User.objects.get(username="cadre").display_name
            assert entry["exif_claim"]["software"] == "PhoneCamera"
        timeline = json.loads(archive.read("timeline.json"))
        table = archive.read("清单.csv")
        digest = archive.read("manifest.sha256").decode().split()[0]
        assert digest == hashlib.sha256(archive.read("manifest.json")).hexdigest()
        assert archive.read("verify.py") == Path(evidence_verify.__file__).read_bytes()
    assert {"manifest.json", "manifest.sha256", "timeline.json", "清单.csv", "verify.py"} <= names
    assert len(files) == 2 and all(p.startswith("files/") for p in files)
    assert manifest["subject"]["kind"] == "patrol" and manifest["subject"]["id"] == str(record.pk)
    assert "毛布拉格村" in manifest["subject"]["title"]
    assert manifest["audit_checkpoint"].startswith("v2.")
    # The record's creation and each photo's receipt are in the timeline, with chain hashes.
    events = timeline["events"]
    types = {(e["object_type"], e["object_id"]) for e in events}
    assert ("patrols.patrolrecord", str(record.pk)) in types
    for photo in record.photos.all():
        assert ("core.evidencefile", str(photo.evidence_id)) in types
    for event in events:
        assert AuditEvent.objects.get(seq=event["seq"]).hash == event["hash"]
    assert table.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    assert "SHA-256" in table.decode("utf-8-sig").splitlines()[0]


def test_the_package_download_is_audited_with_the_zip_hash(record, login_as, tmp_path) -> None:
    path = download(login_as("leader"), "patrol", record.pk, tmp_path)
    event = AuditEvent.objects.filter(object_type="evidence_package").latest("seq")
    assert event.action == "export" and event.object_id == f"patrol:{record.pk}"
    assert event.actor == User.objects.get(username="leader")
    assert event.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.after["files"] == 2


def test_the_standalone_verifier_passes_an_untouched_package(record, login_as, tmp_path) -> None:
    folder = unpack(download(login_as("cadre"), "patrol", record.pk, tmp_path), tmp_path)
    result = run_verifier(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "核对通过" in result.stdout
    assert "核对通过" in run_verifier(folder, "--pure-sm3").stdout  # without OpenSSL's SM3
    zipped = run_verifier(folder, str(tmp_path / "package.zip"))
    assert zipped.returncode == 0, zipped.stdout


def test_one_changed_byte_and_one_removed_file_are_both_reported(
    record, login_as, tmp_path
) -> None:
    folder = unpack(download(login_as("cadre"), "patrol", record.pk, tmp_path), tmp_path)
    changed, removed = sorted((folder / "files").iterdir())
    data = bytearray(changed.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    removed.unlink()
    result = run_verifier(folder)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"文件内容已改变：files/{changed.name}" in result.stdout
    assert any(line == f"缺少文件：files/{removed.name}" for line in lines)
    assert "共发现 2 处问题" in result.stdout


def test_an_edited_manifest_and_an_extra_file_are_reported(record, login_as, tmp_path) -> None:
    folder = unpack(download(login_as("cadre"), "patrol", record.pk, tmp_path), tmp_path)
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("东坡", "南坡"), "utf-8")
    (folder / "files" / "补充.jpg").write_bytes(b"not evidence")
    result = run_verifier(folder)
    assert result.returncode == 1
    assert "manifest.json 已被改动（与 manifest.sha256 中的 SHA-256 不符）" in result.stdout
    assert "多出清单之外的文件：files/补充.jpg" in result.stdout


def test_an_edited_timeline_is_reported(record, login_as, tmp_path) -> None:
    folder = unpack(download(login_as("cadre"), "patrol", record.pk, tmp_path), tmp_path)
    timeline = folder / "timeline.json"
    timeline.write_text(timeline.read_text(encoding="utf-8").replace("nothing", "found"), "utf-8")
    result = run_verifier(folder)
    assert result.returncode == 1
    assert "文件内容已改变：timeline.json" in result.stdout


def repack(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())


def test_the_command_checks_a_consistent_forgery_against_the_system(
    record, login_as, tmp_path
) -> None:
    """Someone edits the timeline and re-hashes everything: the files agree with the manifest,
    but not with the audit chain, which only the system can tell."""
    path = download(login_as("cadre"), "patrol", record.pk, tmp_path)
    call_command("evidence_verify", str(path), stdout=io.StringIO())  # untouched: passes
    folder = unpack(path, tmp_path)
    timeline_path = folder / "timeline.json"
    timeline = json.loads(timeline_path.read_text("utf-8"))
    first = next(e for e in timeline["events"] if e["object_type"] == "patrols.patrolrecord")
    first["actor_label"] = "别人"
    timeline_path.write_bytes(json.dumps(timeline, ensure_ascii=False).encode())
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    for entry in manifest["package_files"]:
        if entry["path"] == "timeline.json":
            with timeline_path.open("rb") as file:
                entry["size"], entry["sha256"], entry["sm3"] = file_hashes(file)
    manifest_path.write_bytes(json.dumps(manifest, ensure_ascii=False).encode())
    digest = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    (folder / "manifest.sha256").write_text(f"{digest}  manifest.json\n")
    forged = tmp_path / "forged.zip"
    repack(folder, forged)
    assert verify_package(forged).ok  # consistent in itself
    with pytest.raises(CommandError) as error:
        call_command("evidence_verify", str(forged), stdout=io.StringIO())
    assert f"时间线第 {first['seq']} 号事件与审计链不符" in str(error.value)


def test_the_command_reports_a_tampered_package(record, login_as, tmp_path) -> None:
    folder = unpack(download(login_as("cadre"), "patrol", record.pk, tmp_path), tmp_path)
    victim = sorted((folder / "files").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:-1])
    tampered = tmp_path / "tampered.zip"
    repack(folder, tampered)
    with pytest.raises(CommandError) as error:
        call_command("evidence_verify", str(tampered), stdout=io.StringIO())
    assert f"文件内容已改变：files/{victim.name}" in str(error.value)


def test_another_village_cannot_download_the_package(record, pledge, login_as) -> None:
    exports = AuditEvent.objects.filter(object_type="evidence_package").count()
    other = login_as("cadre2")  # 排子湾村
    assert other.get(f"/evidence/package/patrol/{record.pk}/").status_code == 404
    assert other.get(f"/evidence/package/pledge/{pledge.pk}/").status_code == 404
    assert login_as("cadre").get(f"/evidence/package/case/{record.pk}/").status_code == 404
    assert AuditEvent.objects.filter(object_type="evidence_package").count() == exports


def test_a_pledge_package_verifies(pledge, login_as, tmp_path) -> None:
    folder = unpack(download(login_as("cadre"), "pledge", pledge.pk, tmp_path), tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    (entry,) = manifest["files"]
    assert entry["evidence_id"] == str(pledge.scan_id)
    assert entry["owner"] == {
        "type": "campaigns.pledge",
        "id": str(pledge.pk),
        "label": "农户承诺书扫描件（签订人 王二）",
    }
    assert run_verifier(folder).returncode == 0


def test_the_pages_offer_the_package(record, pledge, login_as) -> None:
    client = login_as("cadre")
    page = client.get(f"/patrols/records/{record.pk}/").content.decode()
    assert f'href="/evidence/package/patrol/{record.pk}/' in page
    pledges = client.get(f"/campaigns/{pledge.campaign_id}/pledges/").content.decode()
    assert f'href="/evidence/package/pledge/{pledge.pk}/' in pledges


def corrupt(evidence: EvidenceFile) -> bytes:
    path = Path(default_storage.path(evidence.storage_name))
    original = path.read_bytes()
    path.write_bytes(original[:10] + bytes([original[10] ^ 0xFF]) + original[11:])
    return original


def test_a_package_is_refused_when_a_stored_file_changed(record, login_as) -> None:
    evidence = record.photos.first().evidence
    original = corrupt(evidence)
    try:
        client = login_as("cadre")
        back = f"/patrols/records/{record.pk}/"
        response = client.get(f"/evidence/package/patrol/{record.pk}/?next={back}", follow=True)
        assert response.redirect_chain[0][0] == back
        assert "存储内容与收取时的摘要不符" in response.content.decode()
        assert not AuditEvent.objects.filter(object_type="evidence_package").exists()
    finally:
        Path(default_storage.path(evidence.storage_name)).write_bytes(original)


def test_the_store_wide_verify_catches_a_corrupted_and_a_missing_file(record) -> None:
    out = io.StringIO()
    call_command("evidence_verify", stdout=out)
    assert "证据库完整" in out.getvalue()
    first, second = (p.evidence for p in record.photos.order_by("created_at"))
    original = corrupt(first)
    hidden = Path(default_storage.path(second.storage_name))
    hidden.rename(hidden.with_suffix(".away"))
    try:
        report = evidence_store_verify()
        with pytest.raises(CommandError) as error:
            call_command("evidence_verify", stdout=io.StringIO())
    finally:
        Path(default_storage.path(first.storage_name)).write_bytes(original)
        hidden.with_suffix(".away").rename(hidden)
    assert len(report.problems) == 2
    message = str(error.value)
    assert f"证据文件内容已改变（SHA-256 不符）：{first}（{first.pk}" in message
    assert f"证据文件丢失：{second}（{second.pk}" in message


@pytest.mark.parametrize("size", [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_001])
def test_the_pure_sm3_agrees_with_the_projects_sm3_on_random_data(size) -> None:
    data = os.urandom(size)
    pure = PureSM3()
    pure.update(data[: size // 3])
    pure.update(data[size // 3 :])
    assert pure.hexdigest() == hashlib.new("sm3", data).hexdigest()


def test_the_pure_sm3_matches_the_standards_examples() -> None:
    # GB/T 32905-2016, appendix A.
    assert (
        PureSM3(b"abc").hexdigest()
        == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert (
        PureSM3(b"abcd" * 16).hexdigest()
        == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_the_stored_sm3_is_what_the_pure_sm3_computes(record) -> None:
    evidence = record.photos.first().evidence
    with default_storage.open(evidence.storage_name, "rb") as file:
        assert evidence.sm3 == PureSM3(file.read()).hexdigest()


def test_the_verifier_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(evidence_verify.__file__).read_text("utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    outside = {m for m in modules if m.split(".")[0] not in sys.stdlib_module_names}
    assert "hashlib" in modules and not outside
