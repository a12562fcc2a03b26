"""The campaign indicators whose data campaigns owns."""

from typing import Any

from zerocrop.campaigns.selectors import unit_pledge_counts
from zerocrop.core.indicators import Ratio, register_indicator

UNIT_PLEDGE_RATE = "campaigns.unit_pledge_rate"


def unit_pledge_rate(*, campaign: Any, user: Any, unit: Any = None) -> Ratio:
    signed, owed = unit_pledge_counts(campaign=campaign, user=user, unit=unit)
    return Ratio(signed, owed)


def register_indicators() -> None:
    register_indicator(
        key=UNIT_PLEDGE_RATE,
        label="责任状签订率",
        definition=(
            "本行动中已签订责任状的村（社区）数 ÷ 应签订的村（社区）数。"
            "镇直单位不签责任状，不计入；已作废的责任状不算签订。"
        ),
        compute=unit_pledge_rate,
        quantity="个",
        order=10,
    )
