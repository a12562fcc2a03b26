"""The eradication indicators: how much of what was found was eradicated, and followed up."""

from __future__ import annotations

from typing import Any

from zerocrop.core.clock import today
from zerocrop.core.indicators import Ratio, register_indicator
from zerocrop.findings.selectors import totals

ERADICATION_PLANTS = "findings.eradication_plants"
ERADICATION_SITES = "findings.eradication_sites"
OVERDUE = "findings.overdue"
RECHECK_DONE = "findings.recheck_done"


def _totals(campaign: Any, user: Any, unit: Any) -> Any:
    return totals(user=user, campaign=campaign, unit=unit, today=today())


def eradication_plants(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    t = _totals(campaign, user, unit)
    return Ratio(t.eradicated_plants, t.plants)


def eradication_sites(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    t = _totals(campaign, user, unit)
    return Ratio(t.eradicated_sites, t.sites)


def overdue(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    t = _totals(campaign, user, unit)
    return Ratio(t.overdue, t.sites)


def recheck_done(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    t = _totals(campaign, user, unit)
    return Ratio(t.rechecked, t.recheck_total)


def register_indicators() -> None:
    register_indicator(
        key=ERADICATION_PLANTS,
        label="铲除率（按株）",
        definition=(
            "本行动登记的发现点（不含作废）中，已铲除的株数 ÷ 发现的株数。"
            "每个发现点的铲除株数最多计到该点发现的株数，复查发现的再生株不算新发现。"
        ),
        compute=eradication_plants,
        quantity="株",
        order=40,
    )
    register_indicator(
        key=ERADICATION_SITES,
        label="铲除率（按处）",
        definition=(
            "本行动登记的发现点（不含作废）中，已登记铲除的发现点数 ÷ 发现点总数，"
            "每处发现点不论株数多少算一处；复查发现再生、尚未再次铲除的算未铲除。"
        ),
        compute=eradication_sites,
        quantity="处",
        order=41,
    )
    register_indicator(
        key=OVERDUE,
        label="超期未铲除",
        definition=(
            "发现（或复查发现再生）后超过规定天数（ZEROCROP_ERADICATE_DAYS，默认 3 天）"
            "仍未登记铲除的发现点数 ÷ 发现点总数；应为 0。"
        ),
        compute=overdue,
        quantity="处",
        order=42,
    )
    register_indicator(
        key=RECHECK_DONE,
        label="复查完成率",
        definition=(
            "已登记复查的发现点数 ÷（已登记复查的 + 铲除后已到复查日期仍未复查的发现点数）。"
            "复查日期为铲除日期后 ZEROCROP_RECHECK_DAYS 天（默认 7 天）；未到复查日期的不计入。"
        ),
        compute=recheck_done,
        quantity="处",
        order=43,
    )
