import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell

pytestmark = pytest.mark.django_db


def create_round(client, campaign, *names: str, window_dates: bool = False) -> SurveyRound:
    """A round of the named villages; its dates are around today unless `window_dates`."""
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    units = [AdminUnit.objects.get(name=n).pk for n in names]
    # The tests walk now, and a patrol outside the round's dates asks before it is recorded.
    around_today = {
        "starts_on": timezone.localdate() - timedelta(days=30),
        "ends_on": timezone.localdate() + timedelta(days=30),
    }
    response = client.post(
        f"/patrols/rounds/new/?campaign={campaign.pk}",
        {
            **({} if window_dates else around_today),
            "window": window.pk,
            "name": "罂粟开花期踏查",
            "units": units,
            "cell_size_m": 200,
            "threshold_pct": 90,
            "radius_m": 30,
            "confirm_past": "1",  # with the window's own 2022 dates, the round is past
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return SurveyRound.objects.get(name="罂粟开花期踏查")


def test_full_flow_create_assign_upload_validate_report(
    login_as, demo_campaign, sweep_track, make_gpx
):
    admin = login_as("admin")
    survey_round = create_round(admin, demo_campaign, "毛布拉格村", "王窑湾村")
    village = AdminUnit.objects.get(name="毛布拉格村")
    cell = survey_round.cells.filter(unit=village, kind="plot").order_by("-area_m2").first()
    worker = Person.objects.get(name="高志刚", unit=village)

    assigned = admin.post(
        f"/patrols/rounds/{survey_round.pk}/assign/?unit={village.pk}",
        {"cells": str(cell.pk), "people": [worker.pk], "team": "一组"},
    )
    assert assigned.status_code == 302
    cell.refresh_from_db()
    assert cell.state == CellState.ASSIGNED and cell.team == "一组"

    grid = login_as("grid")
    start = timezone.now() - timedelta(hours=2)
    gpx = make_gpx(sweep_track(cell.geometry, start=start))
    response = grid.post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [worker.pk],
            "started_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (start + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M"),
            "result": "nothing",
            "track": SimpleUploadedFile("两步路轨迹.gpx", gpx, content_type="application/gpx+xml"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED
    record = PatrolRecord.objects.get(round=survey_round)
    assert record.track_source == "两步路轨迹.gpx" and len(record.track_sha256) == 64

    # The worker who walked it cannot validate it; the village cadre can.
    grid.post(f"/patrols/cells/{cell.pk}/validate/")
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED
    login_as("cadre").post(f"/patrols/cells/{cell.pk}/validate/")
    cell.refresh_from_db()
    assert cell.state == CellState.VALIDATED

    page = admin.get(f"/patrols/rounds/{survey_round.pk}/").content.decode()
    assert "已复核" in page and "高志刚" in page
    plot_page = admin.get(f"/geo/plots/{cell.plot_id}/").content.decode()
    assert "最近踏查" in plot_page and "罂粟开花期踏查" in plot_page
    report = admin.get(f"/patrols/rounds/{survey_round.pk}/dead-corners/")
    codes = [c.cell.code for c in report.context["corners"]]
    assert cell.code not in codes
    assert len(codes) == survey_round.cells.count() - 1

    xlsx = admin.get(f"/patrols/rounds/{survey_round.pk}/dead-corners/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "踏查台账" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:3] == ["序号", "村（社区）", "任务编号"]
    assert sheet.max_row == 2 + len(codes) + 2  # a blank row, then the audit checkpoint
    assert "审计检查点" in sheet.cell(row=sheet.max_row, column=1).value


def test_a_point_file_is_not_a_track(login_as, demo_campaign) -> None:
    admin = login_as("admin")
    survey_round = create_round(admin, demo_campaign, "毛布拉格村")
    village = AdminUnit.objects.get(name="毛布拉格村")
    point = {"type": "Point", "coordinates": [108.6, 37.9]}
    feature = {"type": "Feature", "properties": {}, "geometry": point}
    geojson = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    now = timezone.localtime()
    response = admin.post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [Person.objects.filter(unit=village).first().pk],
            "started_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "result": "nothing",
            "track": SimpleUploadedFile("标注点.geojson", geojson),
        },
    )
    assert "没有轨迹线" in response.content.decode()
    assert not PatrolRecord.objects.filter(round=survey_round).exists()


def test_round_pages_are_scoped(login_as, demo_campaign) -> None:
    admin = login_as("admin")
    survey_round = create_round(admin, demo_campaign, "毛布拉格村", "排子湾村")
    other = survey_round.cells.filter(unit__name="排子湾村").first()
    cadre = login_as("cadre")
    assert cadre.post(f"/patrols/cells/{other.pk}/unreachable/", {"reason": "x"}).status_code == 404
    data = cadre.get(f"/api/v1/patrols/rounds/{survey_round.pk}/cells").json()
    assert {f["properties"]["unit"] for f in data["cells"]["features"]} == {"毛布拉格村"}
    page = cadre.get(f"/patrols/rounds/{survey_round.pk}/dead-corners/").context["corners"]
    assert {c.cell.unit.name for c in page} == {"毛布拉格村"}
    assert login_as("grid").get("/patrols/rounds/new/").status_code == 403


def test_unreachable_needs_a_reason_and_leaves_the_denominator(login_as, demo_campaign) -> None:
    admin = login_as("admin")
    survey_round = create_round(admin, demo_campaign, "毛布拉格村")
    cell = survey_round.cells.first()
    admin.post(f"/patrols/cells/{cell.pk}/unreachable/", {"reason": ""})
    assert TaskCell.objects.get(pk=cell.pk).state == CellState.READY
    admin.post(f"/patrols/cells/{cell.pk}/unreachable/", {"reason": "山洪冲断道路"})
    assert TaskCell.objects.get(pk=cell.pk).state == CellState.UNREACHABLE
    page = admin.get(f"/patrols/rounds/{survey_round.pk}/")
    assert page.context["total"].denominator == survey_round.cells.count() - 1


def test_window_default_dates(login_as, demo_campaign) -> None:
    survey_round = create_round(login_as("admin"), demo_campaign, "毛布拉格村", window_dates=True)
    assert (survey_round.starts_on, survey_round.ends_on) == (
        date(2022, 6, 20),
        date(2022, 7, 31),
    )


def test_patrol_page_shows_the_track_and_scoped_photos(login_as, demo_campaign) -> None:
    from PIL import Image

    from zerocrop.patrols.services import patrol_record_create

    survey_round = create_round(login_as("admin"), demo_campaign, "毛布拉格村")
    village = AdminUnit.objects.get(name="毛布拉格村")
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, format="JPEG")
    now = timezone.now()
    record = patrol_record_create(
        survey_round=survey_round,
        unit=village,
        people=[Person.objects.get(name="高志刚", unit=village)],
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="suspected",
        photos=[("现场.jpg", buffer.getvalue())],
    )
    photo = record.photos.get()
    cadre = login_as("cadre")
    page = cadre.get(f"/patrols/records/{record.pk}/").content.decode()
    assert "发现疑似" in page and "高志刚" in page and f"/evidence/{photo.evidence_id}/" in page
    for url in (f"/evidence/{photo.evidence_id}/", f"/patrols/photos/{photo.pk}/"):  # new, old
        image = cadre.get(url)
        assert b"".join(image.streaming_content)[:3] == b"\xff\xd8\xff"
    other = login_as("cadre2")  # 排子湾村
    assert other.get(f"/patrols/records/{record.pk}/").status_code == 404
    assert other.get(f"/patrols/photos/{photo.pk}/").status_code == 404
    assert other.get(f"/evidence/{photo.evidence_id}/").status_code == 404


def test_patrol_times_come_from_the_track_when_left_empty(
    login_as, demo_campaign, sweep_track, make_gpx
) -> None:
    admin = login_as("admin")
    survey_round = create_round(admin, demo_campaign, "毛布拉格村")
    village = AdminUnit.objects.get(name="毛布拉格村")
    cell = survey_round.cells.filter(kind="plot").first()
    start = timezone.now() - timedelta(hours=5)
    fixes = sweep_track(cell.geometry, start=start)
    response = login_as("grid").post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [Person.objects.get(name="高志刚", unit=village).pk],
            "result": "nothing",
            "track": SimpleUploadedFile("轨迹.gpx", make_gpx(fixes)),
        },
    )
    assert response.status_code == 302
    record = PatrolRecord.objects.get(round=survey_round)
    assert abs((record.started_at - fixes[0].time).total_seconds()) < 1
    assert abs((record.ended_at - fixes[-1].time).total_seconds()) < 1
    empty = login_as("grid").post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {"unit": village.pk, "people": [record.people.first().pk], "result": "nothing"},
    )
    assert "请填写开始和结束时间，或上传带时间的轨迹文件" in empty.content.decode()


def test_campaign_overview_shows_round_progress(login_as, demo_campaign) -> None:
    page = login_as("cadre").get(f"/campaigns/{demo_campaign.pk}/")
    rows = dict(page.context["rounds"])
    patrol = demo_campaign.survey_rounds.get(name="利剑-22罂粟开花期踏查")
    # Every round of the campaign is listed (the demo's 抽测 round too).
    assert set(rows) == set(demo_campaign.survey_rounds.all()) and len(rows) == 2
    assert (
        rows[patrol].total == patrol.cells.filter(unit__name="毛布拉格村").count()
    )  # the cadre's own village only
    assert "踏查进度" in page.content.decode()


def test_my_tasks_lists_what_is_left_to_walk(login_as, demo_campaign) -> None:
    page = login_as("grid").get("/patrols/mine/")  # 高志刚, who has the demo round's cells
    groups = page.context["groups"]
    assert [r.name for r, _ in groups] == ["利剑-22罂粟开花期踏查"]
    cells = groups[0][1]
    worker = Person.objects.get(name="高志刚", unit__name="毛布拉格村")
    expected = TaskCell.objects.filter(assignees=worker, state__in=["assigned", "invalidated"])
    assert {c.pk for c in cells} == set(expected.values_list("pk", flat=True))
    assert "上传轨迹" in page.content.decode()
    assert login_as("cadre").get("/patrols/mine/").context["groups"] == []


def test_the_21st_photo_is_refused_with_a_message_not_dropped(login_as, demo_campaign) -> None:
    """Issue 8: photos beyond ZEROCROP_PHOTO_MAX_COUNT (20) are refused by the upload handler
    (core/upload_handlers.py), naming the first one over, and nothing is recorded."""
    from zerocrop.core.evidence_models import EvidenceFile
    from zerocrop.patrols.models import PatrolPhoto

    survey_round = create_round(login_as("admin"), demo_campaign, "毛布拉格村")
    village = AdminUnit.objects.get(name="毛布拉格村")
    now = timezone.localtime()
    photos = []
    for i in range(21):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (i * 10, 0, 0)).save(buffer, format="JPEG")
        photos.append(SimpleUploadedFile(f"{i + 1}.jpg", buffer.getvalue()))
    before = (PatrolRecord.objects.count(), PatrolPhoto.objects.count())
    evidence = EvidenceFile.objects.count()
    page = login_as("grid").post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [Person.objects.get(name="高志刚", unit=village).pk],
            "started_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "result": "nothing",
            "photos": photos,
        },
    )
    assert page.status_code == 200
    assert "照片最多 20 个，「21.jpg」超出数量，未上传" in page.content.decode()
    assert (PatrolRecord.objects.count(), PatrolPhoto.objects.count()) == before
    assert EvidenceFile.objects.count() == evidence
