"""Where a date falls in a campaign's phases and windows (pure: no Django)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class Dated(Protocol):
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PhaseStatus:
    item: Dated
    state: str  # "past" | "current" | "future"
    days_left: int | None  # including today, for the current phase
    offset_pct: float  # position and width on a timeline bar, 0–100
    width_pct: float


def phase_statuses(phases: Sequence[Dated], today: date) -> list[PhaseStatus]:
    if not phases:
        return []
    first = min(p.starts_on for p in phases)
    last = max(p.ends_on for p in phases)
    span = max((last - first).days, 1)
    statuses = []
    current_seen = False
    for phase in phases:
        # Adjacent phases share a boundary day (…至5月10日, 5月10日至…): the later one owns it.
        if phase.starts_on <= today <= phase.ends_on and not current_seen:
            later = [p for p in phases if p is not phase and p.starts_on <= today <= p.ends_on]
            state = "past" if later and today == phase.ends_on else "current"
        elif today > phase.ends_on:
            state = "past"
        else:
            state = "future"
        current_seen = current_seen or state == "current"
        statuses.append(
            PhaseStatus(
                item=phase,
                state=state,
                days_left=(phase.ends_on - today).days + 1 if state == "current" else None,
                offset_pct=round(100 * (phase.starts_on - first).days / span, 2),
                width_pct=round(100 * max((phase.ends_on - phase.starts_on).days, 1) / span, 2),
            )
        )
    return statuses


def next_window(windows: Sequence[Dated], today: date) -> Dated | None:
    """The window in progress that ends soonest, else the next one to start."""
    running = [w for w in windows if w.starts_on <= today <= w.ends_on]
    if running:
        return min(running, key=lambda w: w.ends_on)
    upcoming = [w for w in windows if w.starts_on > today]
    return min(upcoming, key=lambda w: w.starts_on) if upcoming else None
