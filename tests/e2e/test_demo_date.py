"""The demo runs at its demo date: a current phase, the 演示日期 badge, and past-window rounds
that warn before they are created."""

import pytest

from zerocrop.patrols.models import SurveyRound

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_top_bar_on_one_line(page) -> None:
    bar = page.locator("nav.topbar").bounding_box()
    badge = page.locator("[data-testid=demo-date]")
    box = badge.bounding_box()
    width = page.viewport_size["width"]
    assert bar["height"] < 64, bar  # one line: Bootstrap's navbar is about 56 px high
    assert box["y"] >= bar["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    line = badge.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert box["height"] < 2.2 * line, (box, line)  # the badge itself does not wrap
    scroll, client = page.locator("nav.topbar").evaluate("n => [n.scrollWidth, n.clientWidth]")
    assert scroll <= client  # nothing pushed out of the bar
    phase = page.locator("[data-testid=topbar-campaign] .badge").bounding_box()
    assert phase["x"] + phase["width"] <= box["x"], (phase, box)  # the phase is not covered


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_demo_shows_its_current_phase_and_the_demo_date(
    logged_in, live_server, settings, viewport
):
    settings.ZEROCROP_TODAY = settings.DEMO_TODAY
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    badge = page.locator("[data-testid=demo-date]")
    assert badge.inner_text().strip() == "演示日期 2022年7月10日"
    assert badge.is_visible()
    assert page.locator("[data-testid=phase-status]").inner_text().startswith("当前阶段：踏查铲毒")
    assert page.locator(".timeline .seg.current").inner_text().startswith("踏查铲毒")
    assert "行动已结束" not in page.content()
    assert "踏查铲毒阶段" in page.locator("[data-testid=topbar-campaign]").inner_text()
    assert_top_bar_on_one_line(page)
    # The demo's round pages (its patrol round and its 抽测 round) are not years overdue.
    rounds = SurveyRound.objects.filter(campaign__name="利剑-22")
    assert rounds.count() == 2
    for survey_round in rounds:
        page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/")
        assert "剩 21 天" in page.locator("h1 + span").inner_text()
        assert page.get_by_text("已超期").count() == 0
        assert_top_bar_on_one_line(page)


def test_a_round_whose_window_has_passed_warns_before_it_is_created(
    logged_in, live_server, settings
):
    settings.ZEROCROP_TODAY = "2022-08-10"  # poppy flowering ended on 7-31
    page = logged_in("admin")
    page.goto(f"{live_server.url}/patrols/rounds/new/")
    assert page.locator("#id_campaign option:checked").inner_text().startswith("利剑-22")
    page.select_option("#id_window", label="罂粟开花期")
    page.fill("#id_name", "补录开花期踏查")
    page.locator("input[name=units]").evaluate_all("els => els.forEach(e => e.checked = false)")
    page.get_by_label("毛布拉格村").check()
    page.get_by_role("button", name="创建并生成任务").click()
    warning = page.locator("[data-testid=past-window-warning]")
    warning.wait_for()
    assert "2022年7月31日" in warning.inner_text() and "已过去 10 天" in warning.inner_text()
    assert not SurveyRound.objects.filter(name="补录开花期踏查").exists()
    assert page.locator("#id_name").input_value() == "补录开花期踏查"
    assert page.get_by_label("毛布拉格村").is_checked()

    page.set_viewport_size(PHONE)
    warning.get_by_role("button", name="仍然创建").click()
    page.wait_for_url("**/patrols/rounds/*/")
    survey_round = SurveyRound.objects.get(name="补录开花期踏查")
    assert list(survey_round.units.values_list("name", flat=True)) == ["毛布拉格村"]
    assert "已超期 10 天" in page.locator("h1 + span").inner_text()
    page.goto(f"{live_server.url}/patrols/rounds/")
    item = page.locator("[data-testid=round-list] a", has_text="补录开花期踏查")
    assert "利剑-22" in item.locator("[data-testid=round-campaign]").inner_text()
