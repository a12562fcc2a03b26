"""The indicator registry: keys, definitions, order and the formatted value."""

from __future__ import annotations

import pytest

from zerocrop.core import indicators
from zerocrop.core.indicators import (
    IndicatorValue,
    Ratio,
    indicator_get,
    indicators_for,
    register_indicator,
)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(indicators, "_REGISTRY", {})


def _fixed(numerator: float, denominator: float):
    return lambda *, campaign, user, unit=None: Ratio(numerator, denominator)


def test_indicators_come_in_order_with_their_figures(registry) -> None:
    register_indicator(
        key="t.b", label="乙率", definition="乙 ÷ 全部。", compute=_fixed(1, 4), order=2
    )
    register_indicator(
        key="t.a",
        label="甲率",
        definition="甲 ÷ 全部。",
        compute=_fixed(2, 3),
        quantity="亩",
        order=1,
    )
    values = indicators_for(campaign=None, user=None)
    assert [v.key for v in values] == ["t.a", "t.b"]
    first, second = values
    assert first.formatted == "66.7%" and first.counts == "2 / 3 亩"
    assert second.ratio == 0.25 and second.formatted == "25.0%" and second.counts == "1 / 4"
    assert first.definition == "甲 ÷ 全部。" and first.label == "甲率"


def test_the_compute_function_receives_campaign_user_and_unit(registry) -> None:
    seen = {}

    def compute(*, campaign, user, unit=None):
        seen.update(campaign=campaign, user=user, unit=unit)
        return Ratio(0, 0)

    register_indicator(key="t.args", label="参数", definition="测试。", compute=compute)
    [value] = indicators_for(campaign="行动", user="用户", unit="村")
    assert seen == {"campaign": "行动", "user": "用户", "unit": "村"}
    assert value.ratio is None and value.formatted == "—"  # nothing to count is not 0%


def test_duplicates_unknown_keys_and_missing_definitions_are_refused(registry) -> None:
    register_indicator(key="t.x", label="x", definition="有定义。", compute=_fixed(1, 1))
    assert indicator_get("t.x").label == "x"
    with pytest.raises(ValueError, match="already registered"):
        register_indicator(key="t.x", label="x", definition="再来。", compute=_fixed(1, 1))
    with pytest.raises(ValueError, match="written definition"):
        register_indicator(key="t.y", label="y", definition="  ", compute=_fixed(1, 1))
    with pytest.raises(LookupError, match="unknown indicator"):
        indicator_get("t.nope")


def test_a_plain_ratio_is_shown_with_its_unit() -> None:
    indicator = indicators.Indicator("t.r", "比", "说明。", _fixed(3, 2), unit="倍", decimals=2)
    assert IndicatorValue(indicator, 3, 2).formatted == "1.50倍"


def test_the_apps_register_their_indicators() -> None:
    keys = [i.key for i in indicators.indicators()]
    assert keys == [
        "campaigns.unit_pledge_rate",
        "patrols.area_coverage",
        "patrols.cell_completion",
        "findings.eradication_plants",
        "findings.eradication_sites",
        "findings.overdue",
        "findings.recheck_done",
        "findings.self_discovery",
        "findings.local_misses",
        "monitoring.verify_rate",
        "monitoring.true_rate",
        "monitoring.known_rate",
        "monitoring.mean_days",
        "monitoring.overdue",
    ]
    assert all(i.definition for i in indicators.indicators())
