"""The eradication indicators: how much of what was found was eradicated, and followed up."""

from __future__ import annotations

from typing import Any

from zerocrop.core.clock import today
from zerocrop.core.indicators import Ratio, register_indicator
from zerocrop.findings.selectors import discovery_total, totals

ERADICATION_PLANTS = "findings.eradication_plants"
ERADICATION_SITES = "findings.eradication_sites"
OVERDUE = "findings.overdue"
RECHECK_DONE = "findings.recheck_done"
SELF_DISCOVERY = "findings.self_discovery"
LOCAL_MISSES = "findings.local_misses"


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


def self_discovery(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    d = discovery_total(user=user, campaign=campaign, unit=unit)
    return Ratio(d.own, d.sites)


def local_misses(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    d = discovery_total(user=user, campaign=campaign, unit=unit)
    return Ratio(d.local_misses, d.sites)


# Who found a site first is its finding's 发现方式 (findings.discovery).
_FIRST_FINDER = (
    "每处发现点只登记一次，登记的“发现方式”即最先发现它的一方；复查发现的再生不算新的发现点；"
    "作废的不计。"
)


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
    register_indicator(
        key=SELF_DISCOVERY,
        label="自查发现率",
        definition=(
            "本行动的发现点中，由本级踏查最先发现的处数 ÷ 全部发现点处数（按处，不论株数）。"
            + _FIRST_FINDER
            + "“其他”方式发现的计入分母、不计入分子。"
        ),
        compute=self_discovery,
        quantity="处",
        order=44,
    )
    register_indicator(
        key=LOCAL_MISSES,
        label="本地漏查",
        definition=(
            "由外部来源（上级靶点核查、群众举报、公安发现、督导检查）先于本级踏查发现的发现点，"
            "记为所在村（社区）的本地漏查；上级靶点核查属实、但下发前本地已掌握的（靶点吻合）不算漏查。"
            "此处为漏查处数 ÷ 全部发现点处数，应为 0。" + _FIRST_FINDER
        ),
        compute=local_misses,
        quantity="处",
        order=45,
    )
