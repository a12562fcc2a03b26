"""Patrol uploads do not pad the record: out-of-place tracks ask first, the same file is refused,
and the cleaning figures are one set everywhere."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell
from zerocrop.patrols.services import cells_assign, round_create
from zerocrop.patrols.tracks import Fix

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(demo_campaign) -> Person:
    return Person.objects.get(name="高志刚", unit__name="毛布拉格村")


def make_round(campaign, *, around_today: bool = True) -> SurveyRound:
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    today = timezone.localdate()
    dates = (
        {"starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=30)}
        if around_today
        else {}
    )
    units = list(AdminUnit.objects.filter(name__in=["毛布拉格村", "王窑湾村"]))
    return round_create(campaign=campaign, window=window, name="上传测试", units=units, **dates)


def plot_of(survey_round: SurveyRound, village: str, rank: int = 0) -> TaskCell:
    cells = survey_round.cells.filter(unit__name=village, kind="plot").order_by("-area_m2")
    return cells[rank]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, format="JPEG")
    return buffer.getvalue()


def post(client, survey_round, gpx: bytes | None, people, *, name="轨迹.gpx", **extra):
    data = {"unit": AdminUnit.objects.get(name="毛布拉格村").pk, "people": people, **extra}
    data.setdefault("result", "nothing")
    if gpx is not None:
        data["track"] = SimpleUploadedFile(name, gpx, content_type="application/gpx+xml")
    return client.post(f"/patrols/rounds/{survey_round.pk}/patrols/new/", data)


def staged_files(settings) -> set[Path]:
    root = Path(settings.DATA_DIR) / "uploads"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def now_track(sweep_track, cell: TaskCell) -> list[Fix]:
    return sweep_track(cell.geometry, start=timezone.now() - timedelta(hours=3))


def test_a_track_in_another_village_asks_first_and_keeps_the_warning(
    login_as, demo_campaign, worker, sweep_track, make_gpx, settings
):
    survey_round = make_round(demo_campaign)
    far = plot_of(survey_round, "王窑湾村")
    cells_assign(cells=[far], people=[worker])
    grid = login_as("grid")
    gpx = make_gpx(now_track(sweep_track, far))

    asked = post(
        grid, survey_round, gpx, [worker.pk], photos=[SimpleUploadedFile("现场.jpg", jpeg())]
    )
    assert asked.status_code == 200
    confirm = asked.context["confirm"]
    page = asked.content.decode()
    assert "请核实后再登记" in page and "确认登记" in page
    assert any("不在所选的毛布拉格村内" in w for w in confirm["warnings"])
    assert confirm["warnings"][-1] == "轨迹经过所选踏查人员的踏查任务 1 个"
    assert not PatrolRecord.objects.filter(round=survey_round).exists()
    token = asked.context["form"].data["track_token"]
    assert f'value="{token}"' in page
    staged = Path(settings.DATA_DIR) / "uploads" / "patrol_track" / token
    assert staged.read_bytes() == gpx

    # Saving without the confirm button asks again; the confirm button records it, no new file.
    again = post(grid, survey_round, None, [worker.pk], track_token=token)
    assert again.status_code == 200 and again.context["confirm"]["digest"] == confirm["digest"]
    done = post(grid, survey_round, None, [worker.pk], track_token=token, confirm=confirm["digest"])
    assert done.status_code == 302, done.content.decode()[:2000]
    record = PatrolRecord.objects.filter(round=survey_round).get()
    assert record.warnings == confirm["warnings"]
    assert record.track_source == "轨迹.gpx" and record.photos.count() == 1
    assert not staged.exists()
    detail = grid.get(f"/patrols/records/{record.pk}/").content.decode()
    assert "登记提醒" in detail and confirm["warnings"][0] in detail
    assert "有提醒 2" in grid.get(f"/patrols/rounds/{survey_round.pk}/").content.decode()
    tracks = grid.get(f"/api/v1/patrols/rounds/{survey_round.pk}/tracks").json()
    assert tracks["features"][0]["properties"]["warnings"] == confirm["warnings"]


def test_a_patrol_outside_the_round_dates_asks_first(
    login_as, demo_campaign, worker, sweep_track, make_gpx
):
    survey_round = make_round(demo_campaign, around_today=False)  # 2022's window
    cell = plot_of(survey_round, "毛布拉格村")
    cells_assign(cells=[cell], people=[worker])
    fixes = now_track(sweep_track, cell)
    asked = post(login_as("grid"), survey_round, make_gpx(fixes), [worker.pk])
    warnings = asked.context["confirm"]["warnings"]
    today = timezone.localtime(fixes[0].time).date()
    assert warnings[0] == (
        f"踏查时间 {today.year}年{today.month}月{today.day}日 不在本轮踏查时间 "
        "2022年6月20日—2022年7月31日 内"
    )
    assert len(warnings) == 2 and not PatrolRecord.objects.filter(round=survey_round).exists()


def test_an_out_of_place_track_on_none_of_the_tasks_is_refused(
    login_as, demo_campaign, worker, sweep_track, make_gpx, settings
):
    survey_round = make_round(demo_campaign)
    cells_assign(cells=[plot_of(survey_round, "毛布拉格村")], people=[worker])
    elsewhere = plot_of(survey_round, "王窑湾村")  # not his task
    before = staged_files(settings)
    response = post(
        login_as("grid"), survey_round, make_gpx(now_track(sweep_track, elsewhere)), [worker.pk]
    )
    page = response.content.decode()
    assert response.status_code == 200 and "confirm" not in response.context
    assert "不在所选的毛布拉格村内" in page
    assert "且轨迹未经过所选踏查人员的任何踏查任务，不能登记" in page
    assert not PatrolRecord.objects.filter(round=survey_round).exists()
    assert staged_files(settings) == before


def test_an_unknown_or_expired_confirmation_says_so(login_as, demo_campaign, worker):
    survey_round = make_round(demo_campaign)
    response = post(login_as("grid"), survey_round, None, [worker.pk], track_token="x" * 32)
    assert "待确认的轨迹已过期，请重新选择轨迹文件" in response.content.decode()
    assert not PatrolRecord.objects.filter(round=survey_round).exists()


def test_the_same_file_twice_is_already_recorded_with_a_link(
    login_as, demo_campaign, worker, sweep_track, make_gpx
):
    survey_round = make_round(demo_campaign)
    cell = plot_of(survey_round, "毛布拉格村")
    cells_assign(cells=[cell], people=[worker])
    grid = login_as("grid")
    gpx = make_gpx(now_track(sweep_track, cell))
    assert post(grid, survey_round, gpx, [worker.pk]).status_code == 302
    first = PatrolRecord.objects.filter(round=survey_round).get()

    again = post(grid, survey_round, gpx, [worker.pk], name="改了名字.gpx")
    page = again.content.decode()
    assert again.status_code == 200 and "该轨迹已记录" in page
    link = re.search(r'href="([^"]+)" data-testid="patrol-duplicate-link"', page).group(1)
    assert link == f"/patrols/records/{first.pk}/"
    assert grid.get(link).status_code == 200
    assert PatrolRecord.objects.filter(round=survey_round).count() == 1

    # Another walker's copy of the same file is that walker's own record.
    other = Person.objects.filter(unit__name="毛布拉格村").exclude(pk=worker.pk).first()
    assert post(grid, survey_round, gpx, [other.pk]).status_code == 302
    assert PatrolRecord.objects.filter(round=survey_round).count() == 2


def test_the_flash_and_the_record_page_show_the_same_cleaning(
    login_as, demo_campaign, worker, sweep_track, make_gpx
):
    survey_round = make_round(demo_campaign)
    cell = plot_of(survey_round, "毛布拉格村")
    cells_assign(cells=[cell], people=[worker])
    fixes = now_track(sweep_track, cell)
    # Dirty it: a spike 400 m off, a repeated time and a fix in the ocean.
    mid = len(fixes) // 2
    spike = Fix(fixes[mid].lon + 0.005, fixes[mid].lat, fixes[mid].time + timedelta(seconds=0.5))
    fixes = [*fixes[:mid], spike, *fixes[mid:]]
    fixes.insert(10, Fix(fixes[9].lon, fixes[9].lat, fixes[9].time))
    grid = login_as("grid")
    response = post(grid, survey_round, make_gpx(fixes), [worker.pk])
    assert response.status_code == 302
    record = PatrolRecord.objects.filter(round=survey_round).get()
    summary = record.cleaning_summary
    assert summary.dropped >= 2 and summary.dropped == summary.points_in - summary.points_out
    flash = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(summary.text in m for m in flash), flash
    detail = grid.get(f"/patrols/records/{record.pk}/").content.decode()
    assert summary.text in detail


def test_another_file_chosen_at_the_confirmation_replaces_the_staged_one(
    login_as, demo_campaign, worker, sweep_track, make_gpx, settings
):
    survey_round = make_round(demo_campaign)
    far, near = plot_of(survey_round, "王窑湾村"), plot_of(survey_round, "毛布拉格村")
    cells_assign(cells=[far, near], people=[worker])
    grid = login_as("grid")
    asked = post(grid, survey_round, make_gpx(now_track(sweep_track, far)), [worker.pk])
    token = asked.context["form"].data["track_token"]
    staged = Path(settings.DATA_DIR) / "uploads" / "patrol_track" / token
    assert staged.exists()
    gpx = make_gpx(now_track(sweep_track, near))
    done = post(grid, survey_round, gpx, [worker.pk], name="村里.gpx", track_token=token)
    assert done.status_code == 302
    record = PatrolRecord.objects.get(round=survey_round)
    assert record.track_source == "村里.gpx" and record.warnings == []
    assert not staged.exists()
