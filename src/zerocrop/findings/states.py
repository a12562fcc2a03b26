"""The shown state of a finding from its stored status, its dates and today.

Pure module: no Django. A finding waits for eradication (待铲除) until `eradicate_days` after
it was found (or after a re-check found regrowth), then it is overdue (超期). Once eradicated it
is 已铲除 until the re-check is due (`recheck_days` after the eradication), then 待复查 until a
re-check is recorded (已复查).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class State(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ERADICATED = "eradicated"
    RECHECK_DUE = "recheck_due"
    RECHECKED = "rechecked"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.OPEN: "待铲除",
    State.OVERDUE: "超期",
    State.ERADICATED: "已铲除",
    State.RECHECK_DUE: "待复查",
    State.RECHECKED: "已复查",
}


@dataclass(frozen=True)
class Deadlines:
    eradicate_days: int
    recheck_days: int

    def eradicate_by(self, open_since: date) -> date:
        return open_since + timedelta(days=self.eradicate_days)

    def recheck_by(self, eradicated_on: date) -> date:
        return eradicated_on + timedelta(days=self.recheck_days)


def state_of(
    *,
    status: str,
    open_since: date,
    eradicated_on: date | None,
    today: date,
    deadlines: Deadlines,
) -> State:
    """`status` is the stored one: "open", "eradicated" or "rechecked"."""
    if status == "rechecked":
        return State.RECHECKED
    if status == "eradicated" and eradicated_on is not None:
        if today >= deadlines.recheck_by(eradicated_on):
            return State.RECHECK_DUE
        return State.ERADICATED
    if today > deadlines.eradicate_by(open_since):
        return State.OVERDUE
    return State.OPEN
