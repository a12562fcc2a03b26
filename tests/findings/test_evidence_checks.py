"""A photo's EXIF claim against its receipt, the finding and the uploader's patrol tracks; and
the previews, re-encoded without EXIF, for the roles that may not see where a photo was taken."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from zerocrop.core.evidence_preview import preview_jpeg
from zerocrop.core.exif import read_claim
from zerocrop.findings.evidence import photo_checks
from zerocrop.findings.evidence_checks import (
    FINDING_LIMIT_M,
    check_photo,
    distance_text,
    distance_to_lines_m,
    duration_text,
)
from zerocrop.patrols.models import PatrolRecord, SurveyRound

NOON = datetime(2026, 6, 1, 12, 0)  # noqa: DTZ001 (EXIF and the checks use local wall time)
LON, LAT = 108.6, 37.9
DEG_LAT_M = 111_195.0


def check(**overrides):
    kwargs = {
        "taken_at": NOON,
        "lon": LON,
        "lat": LAT,
        "received_at": NOON + timedelta(minutes=30),
        "finding_lon": LON,
        "finding_lat": LAT,
        "tracks": [[[(LON, LAT - 0.001), (LON, LAT + 0.001)]]],
    }
    kwargs.update(overrides)
    return check_photo(**kwargs)


# --------------------------------------------------------------------------- pure


def test_a_photo_taken_on_the_spot_on_patrol_raises_no_flag() -> None:
    result = check()
    assert result.flags == [] and result.notes == []
    assert result.time_difference == timedelta(minutes=30)
    assert result.to_finding_m == pytest.approx(0, abs=0.01)
    assert result.to_track_m == pytest.approx(0, abs=0.01)
    assert result.time_difference_text == "拍摄后 30 分钟上传"


def test_a_photo_taken_three_days_before_upload_is_flagged() -> None:
    result = check(taken_at=NOON - timedelta(days=3, hours=2))
    assert "拍摄时间与上传时间相差 3 天" in result.flags
    assert check(taken_at=NOON - timedelta(hours=23)).flags == []  # within a day: normal


def test_a_camera_clock_ahead_of_the_server_is_flagged_beyond_ten_minutes() -> None:
    assert check(taken_at=NOON + timedelta(minutes=35)).flags == []  # 5 min ahead
    result = check(taken_at=NOON + timedelta(hours=3))
    assert result.flags == ["拍摄时间晚于上传时间 2 小时（相机时钟可能不准）"]


def test_a_photo_taken_far_from_the_finding_is_flagged_with_its_distance() -> None:
    far = check(lat=LAT + 2400 / DEG_LAT_M, tracks=[[[(LON, LAT + 2400 / DEG_LAT_M)]]])
    assert far.flags == ["拍摄位置距发现点 2.4 公里"]
    near = check(lat=LAT + (FINDING_LIMIT_M - 20) / DEG_LAT_M)
    assert near.flags == []


def test_a_photo_far_from_every_track_of_the_uploader_is_flagged() -> None:
    tracks = [[[(LON + 0.02, LAT), (LON + 0.03, LAT)]], [[(LON - 0.05, LAT), (LON - 0.04, LAT)]]]
    result = check(tracks=tracks)
    expected = 0.02 * DEG_LAT_M * 0.7885  # cos(37.9°)
    assert result.to_track_m == pytest.approx(expected, rel=0.01)
    assert result.flags == [f"拍摄位置距上传人最近的踏查轨迹 {distance_text(result.to_track_m)}"]
    assert result.tracks == 2


def test_the_distance_to_a_line_is_to_its_nearest_segment_not_its_vertices() -> None:
    line = [(LON - 0.01, LAT + 0.001), (LON + 0.01, LAT + 0.001)]
    assert distance_to_lines_m(LON, LAT, [line]) == pytest.approx(0.001 * DEG_LAT_M, rel=0.001)
    assert distance_to_lines_m(LON, LAT, []) is None
    assert distance_to_lines_m(LON, LAT, [[(LON, LAT + 0.001)]]) == pytest.approx(111.2, rel=0.01)


def test_missing_claims_are_noted_not_flagged() -> None:
    result = check(taken_at=None, lon=None, lat=None)
    assert result.flags == []
    assert result.notes == [
        "照片未记录拍摄时间，无法与上传时间比对",
        "照片未记录 GPS 位置，无法与发现点和踏查轨迹比对",
    ]
    assert check(tracks=[]).notes == ["同一行动中没有上传人的踏查轨迹可比对"]


def test_texts() -> None:
    assert duration_text(timedelta(days=3, hours=5)) == "3 天"
    assert duration_text(timedelta(hours=-5, minutes=-10)) == "5 小时"
    assert distance_text(350.4) == "350 米"
    assert distance_text(2449) == "2.4 公里"


# --------------------------------------------------------------------------- with the system


def exif_jpeg(*, taken: datetime, lon: float, lat: float, colour=(10, 200, 30)) -> bytes:
    exif = Image.Exif()
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {1: "N", 2: (lat, 0.0, 0.0), 3: "E", 4: (lon, 0.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def claimed(record, demo_campaign, cadre):
    """A finding in the demo campaign with one photo claiming a spot 2.4 km north, 3 days ago,
    and a patrol of the uploader whose track passes 1 km east of that spot."""
    probe = record(campaign=demo_campaign)
    lon, lat = probe.lon, probe.lat
    taken = timezone.localtime().replace(tzinfo=None, microsecond=0) - timedelta(days=3, hours=1)
    north = lat + 2400 / DEG_LAT_M
    data = exif_jpeg(taken=taken, lon=lon, lat=north)
    finding = record(campaign=demo_campaign, photos=[("远处.jpg", data)])
    survey_round = SurveyRound.objects.filter(campaign=demo_campaign).first()
    assert survey_round is not None
    east = lon + 1000 / (DEG_LAT_M * 0.789)
    patrol = PatrolRecord.objects.create(
        round=survey_round,
        unit=finding.unit,
        started_at=timezone.now() - timedelta(days=3, hours=3),
        ended_at=timezone.now() - timedelta(days=3, hours=2),
        result="nothing",
        track={"type": "MultiLineString", "coordinates": [[[east, north - 0.01], [east, north]]]},
    )
    patrol.people.set([cadre.person])
    return finding, data


@pytest.mark.django_db
def test_the_selector_compares_with_the_finding_and_the_uploaders_track(claimed) -> None:
    finding, _ = claimed
    [photo] = photo_checks(finding=finding, photos=list(finding.photos.all()))
    result = photo.claim_check
    assert "拍摄时间与上传时间相差 3 天" in result.flags
    assert "拍摄位置距发现点 2.4 公里" in result.flags
    assert result.tracks == 1
    assert result.to_track_m == pytest.approx(1000, rel=0.03)


@pytest.mark.django_db
def test_the_finding_page_shows_the_claim_next_to_the_receipt(claimed, login_as) -> None:
    finding, _ = claimed
    page = login_as("cadre").get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="photo-claim"' in page
    assert "相机声称拍摄" in page and "服务器收到" in page
    assert "拍摄位置距发现点 2.4 公里" in page
    assert "相机声称位置" in page  # a cadre sees the claimed coordinates


@pytest.mark.django_db
def test_the_leader_sees_previews_and_no_claimed_position(claimed, login_as) -> None:
    finding, _ = claimed
    evidence = finding.photos.get().evidence
    leader = login_as("leader")
    page = leader.get(f"/findings/{finding.pk}/").content.decode()
    assert "相机声称位置" not in page and "预览图（已去除拍摄时间和位置信息）" in page
    original = leader.get(f"/evidence/{evidence.pk}/")
    assert original.status_code == 302
    assert original["Location"].startswith(f"/evidence/{evidence.pk}/preview/")
    preview = leader.get(original["Location"])
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    claim = read_claim(preview.content)
    assert (claim.lon, claim.lat, claim.taken_at) == (None, None, None)
    assert Image.open(io.BytesIO(preview.content)).getexif() == {}
    # The leader's package holds no originals (and no previews: a package is originals only).
    package = leader.get(f"/evidence/package/finding/{finding.pk}/")
    with zipfile.ZipFile(io.BytesIO(b"".join(package.streaming_content))) as archive:
        assert json.loads(archive.read("manifest.json"))["files"] == []


@pytest.mark.django_db
def test_a_preview_drops_the_exif_and_leaves_the_original_untouched(claimed, login_as) -> None:
    finding, data = claimed
    evidence = finding.photos.get().evidence
    assert read_claim(data).lat is not None  # the original claims a position
    cadre = login_as("cadre")
    for size in ("small", "large"):
        preview = cadre.get(f"/evidence/{evidence.pk}/preview/?size={size}")
        assert preview.status_code == 200
        assert read_claim(preview.content).lat is None
    with default_storage.open(evidence.storage_name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256
    original = cadre.get(f"/evidence/{evidence.pk}/")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == data
    assert login_as("cadre2").get(f"/evidence/{evidence.pk}/preview/").status_code == 404


def test_preview_fits_the_size_and_turns_the_image_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the preview is turned upright, as the camera meant
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "red").save(buffer, format="JPEG", exif=exif)
    preview = Image.open(io.BytesIO(preview_jpeg(io.BytesIO(buffer.getvalue()), max_side=100)))
    assert preview.size == (50, 100)
    assert preview.getexif() == {}
