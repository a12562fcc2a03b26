from datetime import timedelta

import pytest
from django.utils import timezone

from zerocrop.org.models import Person
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import SurveyRound, TaskCell
from zerocrop.patrols.tracks import Fix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_flowering_round_from_creation_to_dead_corner_report(
    logged_in, live_server, sweep_track, make_gpx
) -> None:
    page = logged_in("admin")
    page.goto(f"{live_server.url}/patrols/rounds/new/")
    page.select_option("#id_window", label="罂粟开花期")
    page.fill("#id_name", "开花期踏查")
    # Dates around today: the track is walked now, and a patrol outside them asks first.
    page.fill("#id_starts_on", (timezone.localdate() - timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.locator("input[name=units]").evaluate_all("els => els.forEach(e => e.checked = false)")
    page.get_by_label("毛布拉格村").check()
    page.get_by_label("王窑湾村").check()
    page.get_by_role("button", name="创建并生成任务").click()
    page.wait_for_url("**/patrols/rounds/*/")
    survey_round = SurveyRound.objects.get(name="开花期踏查")
    total = survey_round.cells.count()
    assert page.locator("[data-testid=surveyed-pct]").inner_text() == "0.0%"

    # Assign the biggest plot of 毛布拉格村 to 高志刚.
    cell = survey_round.cells.filter(unit__name="毛布拉格村", kind="plot").order_by("-area_m2")[0]
    page.get_by_role("link", name="分包").click()
    page.locator(f".cell-check[value='{cell.pk}']").check()
    worker = Person.objects.get(name="高志刚")
    page.select_option("#id_people", value=str(worker.pk))
    page.locator("#assign-submit").click()
    page.locator(".alert-success").wait_for()
    assert TaskCell.objects.get(pk=cell.pk).state == CellState.ASSIGNED

    # Upload a two-step-road GPX that sweeps the plot.
    start = timezone.localtime() - timedelta(hours=3)
    fixes: list[Fix] = sweep_track(cell.geometry, start=start)
    page.get_by_role("link", name="上传轨迹").click()
    page.select_option("#id_unit", label="毛布拉格村")
    page.select_option("#id_people", value=str(worker.pk))
    page.fill("#id_started_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ended_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.set_input_files(
        "#id_track",
        files=[{"name": "track.gpx", "mimeType": "application/gpx+xml", "buffer": make_gpx(fixes)}],
    )
    page.get_by_role("button", name="保存踏查记录").click()
    page.locator(".alert-success", has_text="新完成踏查任务 1 个").wait_for()

    # The town admin uploaded the track naming 高志刚: an uploader is a walker, so the
    # cross-check is refused to him and the review shows who named whom.
    page.get_by_role("link", name="交叉复查").click()
    row = page.locator("[data-testid=review-table] tr", has_text=cell.code)
    assert "高志刚（由 吉雅 代为登记）" in row.inner_text()
    row.get_by_role("button", name="复核通过").click()
    page.locator(".alert-danger", has_text="交叉复查").wait_for()
    assert TaskCell.objects.get(pk=cell.pk).state == CellState.SURVEYED
    # The village cadre, who neither walked nor uploaded it, validates it.
    page = logged_in("cadre")
    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/review/")
    page.locator("[data-testid=review-table] tr", has_text=cell.code).get_by_role(
        "button", name="复核通过"
    ).click()
    page.locator(".alert-success").wait_for()
    assert TaskCell.objects.get(pk=cell.pk).state == CellState.VALIDATED
    page = logged_in("admin")
    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/review/")

    # The dead-corner report lists and maps everything else.
    page.get_by_role("link", name="死角报告").click()
    page.wait_for_selector("#round-map[data-cells]")
    assert int(page.locator("#round-map").get_attribute("data-cells")) == total - 1
    assert page.locator("[data-testid=dead-table] tbody tr").count() == total - 1
    assert f"未覆盖任务 {total - 1} 个" in page.locator("[data-testid=dead-summary]").inner_text()
    assert page.locator("[data-testid=dead-table]", has_text=cell.code).count() == 0
