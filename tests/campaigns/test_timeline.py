from dataclasses import dataclass
from datetime import date

from zerocrop.campaigns.timeline import next_window, phase_statuses


@dataclass
class Span:
    name: str
    starts_on: date
    ends_on: date


PHASES = [
    Span("动员部署", date(2022, 4, 26), date(2022, 5, 10)),
    Span("禁种宣传", date(2022, 5, 10), date(2022, 5, 25)),
    Span("踏查铲毒", date(2022, 5, 25), date(2022, 9, 20)),
    Span("总结检查", date(2022, 9, 20), date(2022, 9, 30)),
]


def states(today: date) -> list[str]:
    return [s.state for s in phase_statuses(PHASES, today)]


def test_mid_phase_is_current_with_days_left() -> None:
    statuses = phase_statuses(PHASES, date(2022, 5, 15))
    assert [s.state for s in statuses] == ["past", "current", "future", "future"]
    assert statuses[1].days_left == 11


def test_shared_boundary_day_belongs_to_the_later_phase() -> None:
    assert states(date(2022, 5, 10)) == ["past", "current", "future", "future"]
    assert states(date(2022, 9, 20)) == ["past", "past", "past", "current"]


def test_before_and_after_the_campaign() -> None:
    assert states(date(2022, 4, 1)) == ["future"] * 4
    assert states(date(2026, 11, 29)) == ["past"] * 4


def test_timeline_positions_span_the_bar() -> None:
    statuses = phase_statuses(PHASES, date(2022, 5, 15))
    assert statuses[0].offset_pct == 0
    assert statuses[-1].offset_pct + statuses[-1].width_pct == 100


def test_next_window_prefers_the_running_one() -> None:
    windows = [
        Span("播种期", date(2022, 4, 20), date(2022, 5, 31)),
        Span("开花期", date(2022, 6, 20), date(2022, 7, 31)),
    ]
    assert next_window(windows, date(2022, 5, 1)).name == "播种期"
    assert next_window(windows, date(2022, 6, 1)).name == "开花期"
    assert next_window(windows, date(2022, 8, 1)) is None
