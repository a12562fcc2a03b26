"""A finding's evidence package: every photo of the finding, its eradications and re-checks;
the police-only facts never reach a cadre's package, whose redacted events the standalone
verifier names as such and the system still checks against the audit chain."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from tests.findings.conftest import ago

from zerocrop.core.evidence_verify import verify_package
from zerocrop.findings import services, services_persons
from zerocrop.findings.models import Finding, FindingPhoto, KeyPerson
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

GROWER = "标记种植人甲乙丙"
HANDLING = "标记前科丁戊己"


@pytest.fixture
def finding(record, eradicate, village, cadre, photo) -> Finding:
    grower = KeyPerson.objects.create(name=GROWER, unit=village, category="other")
    found = record(
        actor=User.objects.get(username="admin"),
        grower=grower,
        prior_handled=True,
        prior_handling=HANDLING,
        photos=[photo("发现.jpg")],
    )
    eradicate(found)
    found.refresh_from_db()
    services.finding_recheck(
        finding=found,
        done_at=ago(minutes=10),
        done_by=[cadre.person],
        photos=[photo("复查.jpg")],
        actor=cadre,
    )
    # A later police edit: its before/after hold nothing but police-only facts.
    services.finding_update(
        finding=found,
        changes={"prior_handling": HANDLING + "（补充）"},
        actor=User.objects.get(username="police"),
    )
    return found


def download(client, finding: Finding, tmp_path: Path) -> Path:
    response = client.get(f"/evidence/package/finding/{finding.pk}/")
    assert response.status_code == 200, response.content[:300]
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def markers(finding: Finding) -> list[bytes]:
    return [GROWER.encode(), HANDLING.encode(), str(finding.grower_id).encode()]


def test_the_package_holds_the_finding_eradication_and_recheck_photos(
    finding, login_as, tmp_path
) -> None:
    manifest = json.loads(members(download(login_as("cadre"), finding, tmp_path))["manifest.json"])
    labels = [link["owner"]["label"] for link in manifest["links"]]
    assert len(manifest["files"]) == 4
    assert any(label.startswith("发现时") for label in labels)
    assert sum("铲除" in label for label in labels) == 2
    assert any(label.startswith("复查") for label in labels)
    assert manifest["subject"]["kind"] == "finding"


def test_a_cadre_package_leaks_no_police_only_fact_in_any_file(finding, login_as, tmp_path) -> None:
    files = members(download(login_as("cadre"), finding, tmp_path))
    for name, data in files.items():
        for marker in markers(finding):
            assert marker not in data, f"{marker.decode()} in {name}"
    events = json.loads(files["timeline.json"])["events"]
    redacted = [e for e in events if e.get("redacted")]
    assert len(redacted) >= 2  # the create and the police edit
    assert all("grower_id" in e["redacted_fields"] for e in redacted if e["action"] == "create")
    assert all("prior_handling" not in (e["after"] or {}) for e in events)


def test_a_police_package_is_complete(finding, login_as, tmp_path) -> None:
    for username in ("police", "admin"):
        files = members(download(login_as(username), finding, tmp_path))
        everything = b"".join(files.values())
        for marker in markers(finding):
            assert marker in everything, f"{marker.decode()} missing for {username}"
        events = json.loads(files["timeline.json"])["events"]
        assert not any(e.get("redacted") for e in events)


def test_the_verifier_names_redacted_events_and_the_system_checks_them(
    finding, login_as, tmp_path
) -> None:
    path = download(login_as("cadre"), finding, tmp_path)
    report = verify_package(path)
    assert report.ok, report.problems
    assert any("已脱敏，离线无法核验链哈希" in line for line in report.lines())
    out = io.StringIO()
    call_command("evidence_verify", str(path), stdout=out)
    assert "与系统核对一致" in out.getvalue()


def test_the_system_sees_a_redacted_event_edited(finding, login_as, tmp_path) -> None:
    path = download(login_as("cadre"), finding, tmp_path)
    files = members(path)
    timeline = json.loads(files["timeline.json"])
    event = next(e for e in timeline["events"] if e.get("redacted"))
    event["after"]["plant_count"] = 1  # a redacted event whose remaining facts were changed
    files["timeline.json"] = json.dumps(timeline, ensure_ascii=False).encode()
    with pytest.raises(CommandError) as error:
        call_command("evidence_verify", str(repack(files, tmp_path)), stdout=io.StringIO())
    assert f"时间线第 {event['seq']} 号事件与审计链不符" in str(error.value)


def repack(files: dict[str, bytes], tmp_path: Path) -> Path:
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return forged


def test_the_system_refuses_a_redaction_of_any_other_field(finding, login_as, tmp_path) -> None:
    """Removing a fact the package may not redact (the plant count) and calling it redacted
    hides evidence: the system names the event."""
    files = members(download(login_as("police"), finding, tmp_path))
    timeline = json.loads(files["timeline.json"])
    event = next(
        e
        for e in timeline["events"]
        if e["action"] == "create" and e["object_type"] == "findings.finding"
    )
    del event["after"]["plant_count"]
    event["redacted"], event["redacted_fields"] = True, ["plant_count"]
    files["timeline.json"] = json.dumps(timeline, ensure_ascii=False).encode()
    with pytest.raises(CommandError) as error:
        call_command("evidence_verify", str(repack(files, tmp_path)), stdout=io.StringIO())
    assert f"时间线第 {event['seq']} 号事件与审计链不符" in str(error.value)


def test_only_roles_with_the_originals_see_the_package_button(finding, login_as) -> None:
    url = f"/findings/{finding.pk}/"
    assert 'data-testid="evidence-package"' in login_as("cadre").get(url).content.decode()
    assert 'data-testid="evidence-package"' not in login_as("leader").get(url).content.decode()


def test_another_village_cannot_download_the_package(finding, login_as) -> None:
    response = login_as("cadre2").get(f"/evidence/package/finding/{finding.pk}/")
    assert response.status_code == 404


def test_the_shipped_verifier_alone_names_the_redacted_events(finding, login_as, tmp_path) -> None:
    """As a court would run it: python -I -S, no project, no site-packages, unpacked folder."""
    path = download(login_as("cadre"), finding, tmp_path)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify.py")],
        cwd="/",
        env={"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "核对通过" in done.stdout
    assert "已脱敏，离线无法核验链哈希" in done.stdout


def test_a_case_package_holds_its_findings_photos_and_verifies(finding, login_as, tmp_path) -> None:
    police = User.objects.get(username="police")
    case = services_persons.case_create(
        unit=police.unit,
        number="（2022）标记案 7 号",
        opened_on=timezone.localdate(),
        findings=[finding],
        key_persons=[finding.grower],
        actor=police,
    )
    assert login_as("cadre").get(f"/evidence/package/case/{case.pk}/").status_code == 404
    response = login_as("police").get(f"/evidence/package/case/{case.pk}/")
    assert response.status_code == 200, response.content[:300]
    path = tmp_path / "case.zip"
    path.write_bytes(b"".join(response.streaming_content))
    manifest = json.loads(members(path)["manifest.json"])
    photos = FindingPhoto.objects.filter(finding=finding).count()
    assert len(manifest["links"]) == photos >= 4  # found, before, after, re-check
    assert all(link["owner"]["label"].startswith("发现点（") for link in manifest["links"])
    assert "（2022）标记案 7 号" in json.dumps(manifest, ensure_ascii=False)
    report = verify_package(path)
    assert report.ok, report.problems
    out = io.StringIO()
    call_command("evidence_verify", str(path), stdout=out)
    assert "与系统核对一致" in out.getvalue()
