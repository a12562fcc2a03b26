"""Patrols' contributions to other pages: the two survey indicators and the two panels."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import RequestFactory

from zerocrop.campaigns.models import Campaign, CriticalWindow
from zerocrop.core.indicators import indicator_get, indicators_for
from zerocrop.core.panels import panels_for
from zerocrop.geo.models import Plot
from zerocrop.org.models import User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.indicators import AREA_COVERAGE, CELL_COMPLETION
from zerocrop.patrols.models import TaskCell
from zerocrop.patrols.panels import last_survey_text
from zerocrop.patrols.services import cell_mark_unreachable, round_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(town) -> Campaign:
    """A campaign of its own, so the demo round's cells do not count."""
    return Campaign.objects.create(name="指标测试", year=2022, unit=town)


@pytest.fixture
def four_cells(campaign, village) -> list[TaskCell]:
    """A real round over one village, cut down to four cells of known area and coverage.

    | cell | area m² | covered | state       |
    | a    | 1000    | 100 %   | validated   |
    | b    | 1000    | 95 %    | surveyed    |
    | c    | 2000    | 50 %    | assigned    |
    | d    | 3000    | 80 %    | unreachable |
    """
    window = CriticalWindow.objects.create(
        campaign=campaign,
        species="poppy",
        stage="flowering",
        starts_on=date(2022, 6, 20),
        ends_on=date(2022, 7, 10),
    )
    survey_round = round_create(campaign=campaign, window=window, name="指标轮次", units=[village])
    cells = list(survey_round.cells.order_by("code")[:4])
    survey_round.cells.exclude(pk__in=[c.pk for c in cells]).delete()
    rows = [
        (1000, 1.0, CellState.VALIDATED),
        (1000, 0.95, CellState.SURVEYED),
        (2000, 0.5, CellState.ASSIGNED),
        (3000, 0.8, CellState.READY),
    ]
    for cell, (area, fraction, state) in zip(cells, rows, strict=True):
        TaskCell.objects.filter(pk=cell.pk).update(
            area_m2=area, covered_fraction=fraction, state=state
        )
    cell_mark_unreachable(cell=TaskCell.objects.get(pk=cells[3].pk), reason="河水上涨，无法过河")
    return cells


def _values(campaign, username: str, **kwargs) -> dict:
    user = User.objects.get(username=username)
    return {v.key: v for v in indicators_for(campaign=campaign, user=user, **kwargs)}


def test_area_coverage_is_covered_over_assigned_area_without_unreachable(
    campaign, four_cells
) -> None:
    area = _values(campaign, "admin")[AREA_COVERAGE]
    # (1000·1.0 + 1000·0.95 + 2000·0.5) / (1000 + 1000 + 2000) = 2950 / 4000; d left out
    assert area.ratio == pytest.approx(0.7375)
    assert area.formatted == "73.8%"
    assert area.numerator == pytest.approx(2950 / 666.6667)
    assert area.counts == "4.4 / 6.0 亩"


def test_cell_completion_counts_surveyed_and_validated_cells(campaign, four_cells) -> None:
    cells = _values(campaign, "admin")[CELL_COMPLETION]
    assert (cells.numerator, cells.denominator) == (2, 3)
    assert cells.formatted == "66.7%" and cells.counts == "2 / 3 个"


def test_the_indicators_count_only_the_users_scope(campaign, four_cells, unit_named) -> None:
    own = _values(campaign, "cadre")  # 毛布拉格村's cadre: the round's village
    assert own[AREA_COVERAGE].ratio == pytest.approx(0.7375)
    other = _values(campaign, "cadre2")
    assert other[AREA_COVERAGE].denominator == 0 and other[AREA_COVERAGE].formatted == "—"
    assert other[CELL_COMPLETION].denominator == 0
    elsewhere = _values(campaign, "admin", unit=unit_named("排子湾村"))
    assert elsewhere[CELL_COMPLETION].denominator == 0


def test_both_survey_indicators_say_how_they_are_counted() -> None:
    area, cells = indicator_get(AREA_COVERAGE), indicator_get(CELL_COMPLETION)
    assert area.label == "踏查覆盖率（按面积）" and "面积" in area.definition
    assert cells.label == "踏查完成率（按网格）" and "任务数" in cells.definition
    assert all("无法到达" in i.definition for i in (area, cells))


def _request(username: str):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    return request


def test_the_round_progress_panel_shows_only_when_there_are_rounds(
    campaign, demo_campaign, four_cells
) -> None:
    keys = [p.key for p in panels_for("campaign.overview", _request("admin"), demo_campaign)]
    assert "patrols.round_progress" in keys
    empty = Campaign.objects.create(name="无轮次", year=2022, unit=demo_campaign.unit)
    keys = [p.key for p in panels_for("campaign.overview", _request("admin"), empty)]
    assert "patrols.round_progress" not in keys
    [panel] = [
        p
        for p in panels_for("campaign.overview", _request("admin"), campaign)
        if p.key == "patrols.round_progress"
    ]
    assert "指标轮次" in panel.html and 'data-testid="round-progress"' in panel.html


def test_the_plot_fact_tells_the_last_survey_or_that_there_is_none(demo_campaign) -> None:
    done = [CellState.SURVEYED, CellState.VALIDATED]
    walked = TaskCell.objects.filter(state__in=done, plot__isnull=False).first().plot
    untouched = Plot.objects.exclude(
        pk__in=TaskCell.objects.filter(state__in=done).values("plot")
    ).first()
    assert last_survey_text(plot=untouched) == "尚无踏查记录"
    assert "利剑-22罂粟开花期踏查" in last_survey_text(plot=walked)
    [fact] = panels_for("plot.facts", _request("admin"), walked)
    assert '<dt class="col-4">最近踏查</dt>' in fact.html and "利剑-22罂粟开花期踏查" in fact.html


def test_the_overview_shows_the_indicators_with_their_definitions(login_as, demo_campaign) -> None:
    page = login_as("cadre").get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    labels = ("踏查覆盖率（按面积）", "踏查完成率（按网格）", "责任状签订率")
    labels += ("铲除率（按株）", "铲除率（按处）", "超期未铲除", "复查完成率")  # findings
    labels += ("自查发现率", "本地漏查")  # findings, 发现率
    labels += ("核查率", "属实率", "本地已掌握率", "平均核查用时（天）", "超期靶点")  # monitoring
    for label in labels:
        assert label in page
    assert page.count('data-testid="indicator-definition"') == len(labels)
    assert "指标说明：" in page
