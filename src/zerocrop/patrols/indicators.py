"""The survey indicators: two ways of saying how much of the assigned ground was walked."""

from typing import Any

from zerocrop.core.indicators import Ratio, register_indicator
from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.patrols.selectors import campaign_area_coverage, campaign_cell_progress

AREA_COVERAGE = "patrols.area_coverage"
CELL_COMPLETION = "patrols.cell_completion"


def area_coverage(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    covered, assigned = campaign_area_coverage(user=user, campaign=campaign, unit=unit)
    return Ratio(covered / SQUARE_METRES_PER_MU, assigned / SQUARE_METRES_PER_MU)


def cell_completion(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    progress = campaign_cell_progress(user=user, campaign=campaign, unit=unit)
    return Ratio(progress.surveyed, progress.denominator)


def register_indicators() -> None:
    register_indicator(
        key=AREA_COVERAGE,
        label="踏查覆盖率（按面积）",
        definition=(
            "本行动各踏查轮次的任务范围内，踏查轨迹按视距实际覆盖的面积 ÷ 任务总面积。"
            "标为“无法到达”的任务不计入分子和分母。"
        ),
        compute=area_coverage,
        quantity="亩",
        order=20,
    )
    register_indicator(
        key=CELL_COMPLETION,
        label="踏查完成率（按网格）",
        definition=(
            "本行动各踏查轮次中，已完成踏查（含已复核）的任务数 ÷ 任务总数，"
            "每个地块或网格算一个任务，不论面积大小。"
            "标为“无法到达”的任务不计入分子和分母；复核退回的任务算未完成。"
        ),
        compute=cell_completion,
        quantity="个",
        order=30,
    )
