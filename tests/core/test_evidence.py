"""The one evidence store: check, hash and store once; serve scoped, audited and never cached."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zerocrop.campaigns.services import pledge_register
from zerocrop.core.downloads import ascii_fallback
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import SM3_AVAILABLE, evidence_store
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.models import AuditEvent
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.patrols.models import PatrolRecord, SurveyRound
from zerocrop.patrols.services import patrol_record_create

pytestmark = pytest.mark.django_db


def png(color: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (32, 24), "green")
    exif = image.getexif()
    exif[0x0131] = "PhoneCamera"  # Software
    exif.get_ifd(0x8769)[0x9003] = "2022:05:20 10:30:00"  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def test_store_checks_hashes_and_records_who_uploaded(demo_campaign) -> None:
    user = User.objects.get(username="cadre")
    data = png()
    events = AuditEvent.objects.count()
    evidence = evidence_store(
        file=data, kind=EvidenceKind.PLEDGE_SCAN, actor=user, original_name="责任状.png"
    )
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data) and evidence.content_type == "image/png"
    assert evidence.original_name == "责任状.png" and evidence.created_by == user
    assert evidence.exif_claim is None  # only photos carry a claim
    assert stored(evidence.storage_name) == data
    if SM3_AVAILABLE:
        assert evidence.sm3 == hashlib.new("sm3", data).hexdigest()
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "core.evidencefile",
        str(evidence.pk),
    )


def test_the_same_bytes_are_stored_once(demo_campaign) -> None:
    data = png("red")
    first = evidence_store(
        file=data, kind=EvidenceKind.PLEDGE_SCAN, actor=None, original_name="a.png"
    )
    count = EvidenceFile.objects.count()
    again = evidence_store(
        file=io.BytesIO(data), kind=EvidenceKind.PATROL_PHOTO, actor=None, original_name="b.png"
    )
    assert again.pk == first.pk and EvidenceFile.objects.count() == count
    assert again.original_name == "a.png"  # the first upload's


def test_bytes_that_are_not_a_scan_are_refused_and_nothing_is_stored(demo_campaign) -> None:
    count = EvidenceFile.objects.count()
    with pytest.raises(ApplicationError, match="「说明.txt」不是 PDF、JPG 或 PNG 文件"):
        evidence_store(
            file=b"just text", kind=EvidenceKind.PLEDGE_SCAN, actor=None, original_name="说明.txt"
        )
    with pytest.raises(ApplicationError, match="照片「扫描.pdf」不是 JPG 或 PNG 图片"):
        evidence_store(
            file=b"%PDF-1.4 x", kind=EvidenceKind.PATROL_PHOTO, actor=None, original_name="扫描.pdf"
        )
    assert EvidenceFile.objects.count() == count


def test_a_photo_keeps_what_its_exif_claims(demo_campaign) -> None:
    evidence = evidence_store(
        file=jpeg_with_exif(), kind=EvidenceKind.PATROL_PHOTO, actor=None, original_name="p.jpg"
    )
    assert evidence.content_type == "image/jpeg"
    assert evidence.exif_claim == {
        "taken_at": "2022-05-20T10:30:00",
        "lon": None,
        "lat": None,
        "software": "PhoneCamera",
    }


@pytest.fixture
def linked(demo_campaign) -> dict[str, EvidenceFile]:
    """A pledge scan and a patrol photo, both of 毛布拉格村."""
    village = AdminUnit.objects.get(name="毛布拉格村")
    pledge = pledge_register(
        campaign=demo_campaign,
        kind="household",
        unit=village,
        signer="王二",
        signed_on=date(2022, 5, 3),
        scan_name="王二 责任状.png",
        scan_file=png("blue"),
    )
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "yellow").save(buffer, format="JPEG")
    now = timezone.now()
    record = patrol_record_create(
        unit=village,
        people=[Person.objects.get(name="高志刚", unit=village)],
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        photos=[("现场.jpg", buffer.getvalue())],
    )
    return {"scan": pledge.scan, "photo": record.photos.get().evidence}


@pytest.mark.parametrize("username", ["admin", "leader", "police", "cadre", "grid"])
@pytest.mark.parametrize("which", ["scan", "photo"])
def test_every_role_in_scope_may_fetch_linked_evidence(linked, login_as, username, which) -> None:
    evidence = linked[which]
    response = login_as(username).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored(evidence.storage_name)


@pytest.mark.parametrize("which", ["scan", "photo"])
def test_another_village_gets_404(linked, login_as, which) -> None:
    evidence = linked[which]
    downloads = AuditEvent.objects.filter(action="download").count()
    assert login_as("cadre2").get(f"/evidence/{evidence.pk}/").status_code == 404  # 排子湾村
    assert AuditEvent.objects.filter(action="download").count() == downloads


def test_anonymous_gets_nothing(linked, client) -> None:
    response = client.get(f"/evidence/{linked['scan'].pk}/")
    assert response.status_code in {302, 404}
    assert not hasattr(response, "streaming_content")


def test_a_file_no_record_links_is_served_to_nobody(demo_campaign, login_as) -> None:
    orphan = evidence_store(file=png("gray"), kind=EvidenceKind.PLEDGE_SCAN, actor=None)
    assert login_as("admin").get(f"/evidence/{orphan.pk}/").status_code == 404


def test_an_unknown_id_is_404(demo_campaign, login_as) -> None:
    url = "/evidence/00000000-0000-0000-0000-000000000000/"
    assert login_as("admin").get(url).status_code == 404


def test_every_download_is_audited_with_who_and_which_file(linked, login_as) -> None:
    evidence = linked["scan"]
    client = login_as("leader")
    for _ in range(2):
        assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    events = AuditEvent.objects.filter(action="download", object_id=str(evidence.pk))
    assert events.count() == 2
    assert {e.actor.username for e in events} == {"leader"}
    assert events.first().after == {"sha256": evidence.sha256}


def test_downloads_are_never_cached_or_sniffed_and_keep_the_original_name(linked, login_as) -> None:
    response = login_as("cadre").get(f"/evidence/{linked['scan'].pk}/")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "inline; filename=\"evidence.png\"; filename*=UTF-8''"
        "%E7%8E%8B%E4%BA%8C%20%E8%B4%A3%E4%BB%BB%E7%8A%B6.png"
    )


def test_the_old_addresses_serve_the_same_file_the_same_way(linked, login_as) -> None:
    from zerocrop.campaigns.models import Pledge
    from zerocrop.patrols.models import PatrolPhoto

    pledge = Pledge.objects.get(scan=linked["scan"])
    photo = PatrolPhoto.objects.get(evidence=linked["photo"])
    client = login_as("cadre")
    for url in (f"/pledges/{pledge.pk}/scan/", f"/patrols/photos/{photo.pk}/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="download").count() >= 2


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("王二.png", "evidence.png"),
        ("照片 2.jpg", "__ 2.jpg"),
        ('a"b;c.pdf', "a_b_c.pdf"),
        ("track.gpx", "track.gpx"),
        ("轨迹", "evidence"),
        ("x.文件", "x"),
    ],
)
def test_the_ascii_fallback_name_is_safe(name: str, fallback: str) -> None:
    assert ascii_fallback(name) == fallback


def test_a_patrol_keeps_its_raw_track_file_and_the_page_links_it(
    demo_campaign, login_as, sweep_track, make_gpx
) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    login_as("admin").post(
        f"/patrols/rounds/new/?campaign={demo_campaign.pk}",
        {
            "window": window.pk,
            "name": "证据测试轮次",
            "units": [village.pk],
            "starts_on": timezone.localdate() - timedelta(days=30),
            "ends_on": timezone.localdate() + timedelta(days=30),
            "cell_size_m": 200,
            "threshold_pct": 90,
            "radius_m": 30,
        },
    )
    survey_round = SurveyRound.objects.get(name="证据测试轮次")
    cell = survey_round.cells.filter(kind="plot").first()
    start = timezone.now() - timedelta(hours=2)
    gpx = make_gpx(sweep_track(cell.geometry, start=start))
    grid = login_as("grid")
    response = grid.post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [Person.objects.get(name="高志刚", unit=village).pk],
            "result": "nothing",
            "track": SimpleUploadedFile("两步路 轨迹.gpx", gpx, content_type="application/gpx+xml"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = PatrolRecord.objects.get(round=survey_round)
    track = record.track_file
    assert track.kind == EvidenceKind.TRACK_FILE and track.original_name == "两步路 轨迹.gpx"
    assert track.sha256 == record.track_sha256 == hashlib.sha256(gpx).hexdigest()
    assert stored(track.storage_name) == gpx and Path(track.storage_name).suffix == ".gpx"
    cadre = login_as("cadre")
    page = cadre.get(f"/patrols/records/{record.pk}/").content.decode()
    assert f'href="/evidence/{track.pk}/"' in page
    download = cadre.get(f"/evidence/{track.pk}/")
    assert b"".join(download.streaming_content) == gpx
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith('attachment; filename="evidence.gpx"')
    assert login_as("cadre2").get(f"/evidence/{track.pk}/").status_code == 404


def test_a_bad_photo_leaves_neither_the_track_nor_any_photo_stored(
    demo_campaign, sweep_track, make_gpx
) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    start = timezone.now() - timedelta(hours=2)
    count = EvidenceFile.objects.count()
    with pytest.raises(ApplicationError, match="照片「坏.jpg」图片已损坏"):
        patrol_record_create(
            unit=village,
            people=[Person.objects.get(name="高志刚", unit=village)],
            started_at=start,
            ended_at=start + timedelta(hours=1),
            result="nothing",
            track_source="t.gpx",
            track_bytes=b"<gpx>any</gpx>",
            photos=[("好.png", png()), ("坏.jpg", b"\xff\xd8\xff" + bytes(100))],
        )
    assert EvidenceFile.objects.count() == count
    assert not default_storage.exists(
        f"evidence/{hashlib.sha256(b'<gpx>any</gpx>').hexdigest()[:2]}"
    )


def test_storing_bytes_whose_file_was_lost_puts_them_back(demo_campaign) -> None:
    data = png("purple")
    evidence = evidence_store(file=data, kind=EvidenceKind.PLEDGE_SCAN, actor=None)
    default_storage.delete(evidence.storage_name)
    again = evidence_store(file=data, kind=EvidenceKind.PLEDGE_SCAN, actor=None)
    assert again.pk == evidence.pk and stored(again.storage_name) == data
    assert AuditEvent.objects.filter(action="restore", object_id=str(evidence.pk)).exists()
