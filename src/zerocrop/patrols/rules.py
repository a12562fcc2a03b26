"""The ranges and defaults of a survey round and a patrol, stated once.

Pure module: no Django, no heavy import (the `coverage` command reads it at start-up). The
model puts them into validators and check constraints, the form is built from the model, and
the services, `coverage.py` and the CLI read the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    default: float
    message: str  # Chinese, shown under the field when a value is out of range

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high


RADIUS_M = Range(1, 500, 30.0, "视距须在 1 到 500 米之间")
# No "%" in messages: validators %-format them.
THRESHOLD = Range(0.01, 1.0, 0.9, "完成覆盖率须在百分之一到百分之百之间")
CELL_SIZE_M = Range(20, 2000, 200, "网格边长须在 20 到 2000 米之间")

DEFAULT_RADIUS_M = RADIUS_M.default
DEFAULT_THRESHOLD = THRESHOLD.default
DEFAULT_CELL_SIZE_M = int(CELL_SIZE_M.default)
# Courtyards and greenhouses are seen from closer than open fields.
DEFAULT_RADIUS_BY_KIND = {"courtyard": 15.0, "greenhouse": 10.0}

NOTE_MAX_CHARS = 2000
NOTE_TOO_LONG = f"情况说明不能超过 {NOTE_MAX_CHARS} 字"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def past_window_warning(*, ends_on: date, today: date) -> str | None:
    """The warning shown before creating a round whose window has already ended, else None."""
    if ends_on >= today:
        return None
    days = (today - ends_on).days
    return (
        f"这一轮的截止日期 {_day(ends_on)} 已过去 {days} 天（今天是 {_day(today)}），"
        "创建后所有任务立即显示为已超期。如确为补录，请确认后仍然创建。"
    )
