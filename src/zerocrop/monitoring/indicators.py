"""The monitoring indicators (核查率, 属实率, 本地已掌握率, 平均核查用时, 超期), scoped to the user.

The figures come from the pure `kpis` module over the targets the user may see
(`selectors.targets_visible`) of the campaign's batches; the definitions below are the ones
`kpis` documents, in Chinese, shown next to each figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zerocrop.core.clock import today
from zerocrop.core.indicators import Ratio, register_indicator
from zerocrop.monitoring import kpis
from zerocrop.monitoring.selectors import targets_visible
from zerocrop.monitoring.services_feedback import target_records

VERIFY_RATE = "monitoring.verify_rate"
TRUE_RATE = "monitoring.true_rate"
KNOWN_RATE = "monitoring.known_rate"
MEAN_DAYS = "monitoring.mean_days"
OVERDUE = "monitoring.overdue"

VERIFIED = (
    "已核查指核查结果已提交（待审核或审核通过）的靶点，已退回和待核查的不算；作废的靶点和批次不计。"
)
DEFINITIONS = {
    VERIFY_RATE: (
        "上级下发的监测靶点中，已核查的个数 ÷ 下发靶点个数。"
        + VERIFIED
        + "另列按时核查数：核查时间在核查时限当天或之前的。"
    ),
    TRUE_RATE: (
        "已核查靶点中，核查结论为“属实”或“已自行铲除”的个数 ÷（已核查 − 无法到达 − 重复）个数："
        "无法到达和重复靶点说明不了有无种植，不计入分母。" + VERIFIED
    ),
    KNOWN_RATE: (
        "即靶点吻合率：属实（含已自行铲除）的靶点中，下发前本地台账（地块或发现点）在查重距离内"
        "已有记录的个数 ÷ 属实靶点个数。分母是属实靶点，不是全部下发靶点；"
        "未掌握而属实的，是本地的漏查。"
    ),
    MEAN_DAYS: ("已核查靶点从下发日期到核查日期的天数之和 ÷ 已核查靶点个数（天）。" + VERIFIED),
    OVERDUE: (
        "超过核查时限仍未核查（待核查或已退回）的靶点个数 ÷ 下发靶点个数；应为 0。" + VERIFIED
    ),
}


def kpi_records(*, user: Any, campaign: Any = None, unit: Any = None) -> list[kpis.TargetRecord]:
    """The user's visible targets (of one campaign, below one unit) as plain records."""
    targets = targets_visible(user=user)
    if campaign is not None:
        targets = targets.filter(batch__campaign=campaign)
    if unit is not None:
        targets = targets.filter(unit__path__startswith=unit.path)
    return target_records(targets.select_related("batch", "unit"))


def _kpis(campaign: Any, user: Any, unit: Any) -> kpis.Kpis:
    return kpis.compute(kpi_records(user=user, campaign=campaign, unit=unit), today=today())


def _ratio(pick: Callable[[kpis.Kpis], tuple[float, int]]) -> Callable[..., Ratio]:
    def compute(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
        return Ratio(*pick(_kpis(campaign, user, unit)))

    return compute


verify_rate = _ratio(lambda k: (k.verified, k.issued))
true_rate = _ratio(lambda k: (k.true, k.decided))
known_rate = _ratio(lambda k: (k.locally_known, k.true))
mean_days = _ratio(lambda k: (k.days_total, k.verified))
overdue = _ratio(lambda k: (k.overdue, k.issued))

# key, label, compute, what is counted, unit of the value; registered in this order.
INDICATORS = (
    (VERIFY_RATE, "靶点核查率", verify_rate, "个", "%"),
    (TRUE_RATE, "靶点属实率", true_rate, "个", "%"),
    (KNOWN_RATE, "本地已掌握率", known_rate, "个", "%"),
    (MEAN_DAYS, "平均核查用时（天）", mean_days, "", ""),
    (OVERDUE, "超期靶点", overdue, "个", "%"),
)


def register_indicators() -> None:
    for order, (key, label, compute, quantity, unit) in enumerate(INDICATORS, start=60):
        register_indicator(
            key=key,
            label=label,
            definition=DEFINITIONS[key],
            compute=compute,
            quantity=quantity,
            unit=unit,
            order=order,
        )
