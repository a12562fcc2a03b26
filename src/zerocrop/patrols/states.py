"""The task-cell state machine (pure: no Django).

ready → assigned → surveyed → validated; a reviewer may send a surveyed cell back
(invalidated, with a reason) to the same people, who survey it again; any cell not yet
validated may be declared unreachable (with a reason, out of the denominator) and reopened.
A cell becomes surveyed only when its tracks cover the round's threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zerocrop.core.errors import ApplicationError

READY, ASSIGNED, SURVEYED, VALIDATED, INVALIDATED, UNREACHABLE = (
    "ready",
    "assigned",
    "surveyed",
    "validated",
    "invalidated",
    "unreachable",
)

# "keep": source states the action leaves as they are. A sent-back cell given to new people
# stays invalidated, so only tracks walked after the review count towards it (coverage).
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "assign": {
        "from": frozenset({READY, ASSIGNED, INVALIDATED}),
        "to": frozenset({ASSIGNED}),
        "keep": frozenset({INVALIDATED}),
    },
    "unassign": {"from": frozenset({ASSIGNED}), "to": frozenset({READY})},
    "survey": {"from": frozenset({READY, ASSIGNED, INVALIDATED}), "to": frozenset({SURVEYED})},
    "validate": {"from": frozenset({SURVEYED}), "to": frozenset({VALIDATED})},
    "invalidate": {"from": frozenset({SURVEYED}), "to": frozenset({INVALIDATED})},
    "unreachable": {
        "from": frozenset({READY, ASSIGNED, SURVEYED, INVALIDATED}),
        "to": frozenset({UNREACHABLE}),
    },
    "reopen": {"from": frozenset({UNREACHABLE}), "to": frozenset({ASSIGNED, READY})},
}

ACTION_LABELS = {
    "assign": "分配",
    "unassign": "取消分配",
    "survey": "完成踏查",
    "validate": "复核通过",
    "invalidate": "复核退回",
    "unreachable": "标记无法到达",
    "reopen": "重新开放",
}
STATE_LABELS = {
    READY: "待分配",
    ASSIGNED: "已分配",
    SURVEYED: "已踏查",
    VALIDATED: "已复核",
    INVALIDATED: "复核退回",
    UNREACHABLE: "无法到达",
}


class TransitionError(ApplicationError):
    """The action is not allowed from this state; the message is Chinese."""

    default_code = "transition"


def check_transition(action: str, state: str) -> None:
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionError(f"未知操作：{action}")
    if state not in rule["from"]:
        raise TransitionError(f"{STATE_LABELS.get(state, state)}的任务不能{ACTION_LABELS[action]}")


def allows(action: str, state: str) -> bool:
    return state in TRANSITIONS[action]["from"]


def next_state(action: str, state: str, *, choice: str | None = None) -> str:
    """The state `action` moves a cell in `state` to; `choice` picks among several targets."""
    check_transition(action, state)
    rule = TRANSITIONS[action]
    if state in rule.get("keep", frozenset()):
        return state
    targets = rule["to"]
    if len(targets) == 1:
        return next(iter(targets))
    if choice not in targets:
        raise TransitionError(
            f"{ACTION_LABELS[action]}后的状态须为"
            + "或".join(STATE_LABELS[t] for t in sorted(targets))
        )
    return choice


def check_cross_validation(
    *,
    reviewer_user_id: object,
    reviewer_person_id: object,
    surveyor_ids: Iterable[object],
    uploader_ids: Iterable[object],
) -> None:
    """交叉复查: the reviewer must not be one of the people who surveyed the cell.

    Walkers are the assigned and named people and whoever uploaded a record (a worker can name
    someone else as the walker of his own track). The user account is checked as well as the
    linked person, so an account without a person is not exempt.
    """
    walked = reviewer_person_id is not None and reviewer_person_id in set(surveyor_ids)
    if walked or reviewer_user_id in set(uploader_ids):
        raise TransitionError("复核须由踏查人以外的人员进行（交叉复查）")


@dataclass(frozen=True)
class Progress:
    total: int
    unreachable: int
    surveyed: int  # surveyed or validated
    validated: int

    @property
    def denominator(self) -> int:
        return self.total - self.unreachable

    @property
    def surveyed_pct(self) -> float:
        return round(100 * self.surveyed / self.denominator, 1) if self.denominator else 0.0

    @property
    def validated_pct(self) -> float:
        return round(100 * self.validated / self.denominator, 1) if self.denominator else 0.0


def progress_from_counts(counts: Mapping[str, int]) -> Progress:
    """Like mature task managers: unreachable leaves the denominator, invalidated is not done."""
    total = sum(counts.values())
    return Progress(
        total=total,
        unreachable=counts.get(UNREACHABLE, 0),
        surveyed=counts.get(SURVEYED, 0) + counts.get(VALIDATED, 0),
        validated=counts.get(VALIDATED, 0),
    )
