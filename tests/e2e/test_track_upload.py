"""Patrol uploads in the browser: a far-away track asks first, the same file twice is already
recorded, and the flash and the record page give the same cleaning figures."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import PatrolRecord, SurveyRound
from zerocrop.patrols.services import cells_assign, round_create
from zerocrop.patrols.tracks import Fix

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def make_round(campaign) -> SurveyRound:
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    today = timezone.localdate()
    return round_create(
        campaign=campaign,
        window=window,
        name="轨迹上传测试",
        units=list(AdminUnit.objects.filter(name__in=["毛布拉格村", "王窑湾村"])),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )


def biggest_plot(survey_round: SurveyRound, village: str):  # noqa: ANN201
    return survey_round.cells.filter(unit__name=village, kind="plot").order_by("-area_m2")[0]


def fill_patrol(page, live_server, survey_round, worker, gpx: bytes, name: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/patrols/new/")
    page.select_option("#id_unit", label="毛布拉格村")
    page.select_option("#id_people", value=str(worker.pk))
    page.set_input_files(
        "#id_track", files=[{"name": name, "mimeType": "application/gpx+xml", "buffer": gpx}]
    )
    page.get_by_role("button", name="保存踏查记录").click()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_far_away_track_asks_for_confirmation_and_the_patrol_shows_the_warning(
    logged_in, live_server, demo_campaign, sweep_track, make_gpx, viewport
) -> None:
    survey_round = make_round(demo_campaign)
    worker = Person.objects.get(name="高志刚", unit__name="毛布拉格村")
    far = biggest_plot(survey_round, "王窑湾村")
    cells_assign(cells=[far], people=[worker])
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    fixes: list[Fix] = sweep_track(far.geometry, start=timezone.now() - timedelta(hours=3))
    fill_patrol(page, live_server, survey_round, worker, make_gpx(fixes), "远处.gpx")

    box = page.locator("[data-testid=patrol-confirm-box]")
    box.wait_for()
    assert "不在所选的毛布拉格村内" in box.inner_text()
    assert "轨迹经过所选踏查人员的踏查任务 1 个" in box.inner_text()
    assert "已暂存" in box.inner_text()
    assert not PatrolRecord.objects.filter(round=survey_round).exists()
    button = page.get_by_test_id("patrol-confirm")
    if viewport:
        assert button.bounding_box()["height"] >= 38
        page.screenshot(path="/tmp/uploads-confirm-phone.png", full_page=True)
    else:
        page.screenshot(path="/tmp/uploads-confirm-desktop.png", full_page=True)
    button.click()  # no file chosen again: the staged one is recorded
    page.wait_for_url(f"**/patrols/rounds/{survey_round.pk}/")
    page.locator(".alert-success", has_text="已登记踏查记录").wait_for()
    record = PatrolRecord.objects.get(round=survey_round)
    assert record.track_source == "远处.gpx" and len(record.warnings) == 2

    page.get_by_test_id("patrol-warning-badge").wait_for()
    page.locator("[data-testid=patrol-list] a").first.click()
    warnings = page.get_by_test_id("patrol-warnings")
    warnings.wait_for()
    assert "不在所选的毛布拉格村内" in warnings.inner_text()
    assert "登记人已确认" in warnings.inner_text()
    if viewport:
        page.screenshot(path="/tmp/uploads-record-phone.png", full_page=True)


def test_the_same_file_twice_is_already_recorded_and_the_figures_agree(
    logged_in, live_server, demo_campaign, sweep_track, make_gpx
) -> None:
    survey_round = make_round(demo_campaign)
    worker = Person.objects.get(name="高志刚", unit__name="毛布拉格村")
    cell = biggest_plot(survey_round, "毛布拉格村")
    cells_assign(cells=[cell], people=[worker])
    fixes: list[Fix] = sweep_track(cell.geometry, start=timezone.now() - timedelta(hours=3))
    mid = len(fixes) // 2  # a spike 400 m off: cleaning has something to drop
    spike = Fix(fixes[mid].lon + 0.005, fixes[mid].lat, fixes[mid].time + timedelta(seconds=0.5))
    gpx = make_gpx([*fixes[:mid], spike, *fixes[mid:]])
    page = logged_in("admin")

    fill_patrol(page, live_server, survey_round, worker, gpx, "两步路.gpx")
    flash = page.locator(".alert-success", has_text="已登记踏查记录")
    flash.wait_for()
    figures = re.search(r"（(原始 .+? 段)）", flash.inner_text()).group(1)
    assert "剔除 " in figures
    record = PatrolRecord.objects.get(round=survey_round)
    page.goto(f"{live_server.url}/patrols/records/{record.pk}/")
    assert page.get_by_test_id("patrol-cleaning").inner_text() == figures
    numbers = [int(n) for n in re.findall(r"\d+", figures)]
    points_in, points_out, dropped, *parts, _segments = numbers
    assert points_in - points_out == dropped == sum(parts)

    fill_patrol(page, live_server, survey_round, worker, gpx, "两步路（副本）.gpx")
    box = page.get_by_test_id("patrol-duplicate")
    box.wait_for()
    assert "该轨迹已记录" in page.content()
    assert PatrolRecord.objects.filter(round=survey_round).count() == 1
    page.get_by_test_id("patrol-duplicate-link").click()
    page.wait_for_url(f"**/patrols/records/{record.pk}/")
    assert page.get_by_test_id("patrol-cleaning").inner_text() == figures
