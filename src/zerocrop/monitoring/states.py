"""Pure module: a target's shown state and reminder from its status, deadline and today.

Overdue is never stored: a target still to be verified (待核查 or 已退回) whose deadline has
passed is 超期; reminders fall at `REMIND_DAYS` days before the deadline (T−3, T−1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PENDING = "pending"
SUBMITTED = "submitted"
APPROVED = "approved"
RETURNED = "returned"
OVERDUE = "overdue"

STATE_LABELS = {
    PENDING: "待核查",
    SUBMITTED: "待审核",
    APPROVED: "已核查",
    RETURNED: "已退回",
    OVERDUE: "超期",
}
# Still the field team's to do: these can become overdue.
OPEN_STATUSES = (PENDING, RETURNED)
REMIND_DAYS = (3, 1)


@dataclass(frozen=True)
class ShownState:
    key: str
    label: str
    days_left: int | None  # until the deadline; negative when overdue; None when done
    reminder: str  # "" or a Chinese line for the task list

    @property
    def overdue(self) -> bool:
        return self.key == OVERDUE


def target_state(*, status: str, due_on: date, today: date) -> ShownState:
    if status not in OPEN_STATUSES:
        return ShownState(status, STATE_LABELS[status], None, "")
    days_left = (due_on - today).days
    if days_left < 0:
        return ShownState(OVERDUE, STATE_LABELS[OVERDUE], days_left, f"已超期 {-days_left} 天")
    if days_left == 0:
        reminder = "今天截止"
    elif days_left <= max(REMIND_DAYS):
        reminder = f"还剩 {days_left} 天截止"
    else:
        reminder = ""
    return ShownState(status, STATE_LABELS[status], days_left, reminder)
