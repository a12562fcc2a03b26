"""Default critical windows for the Ordos / 乌审旗 region (pure: no Django).

From shared/reference/domain.md §5: poppy sown late April–May, flowering late June–July,
latex harvest mid-July to August; cannabis swept before seed set (the notice ends on
Sep 20). Dates are month/day; every campaign gets its own editable copy.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class WindowDefault(NamedTuple):
    species: str
    stage: str
    start: tuple[int, int]
    end: tuple[int, int]


REGION_DEFAULTS: tuple[WindowDefault, ...] = (
    WindowDefault("poppy", "sowing", (4, 20), (5, 31)),
    WindowDefault("poppy", "flowering", (6, 20), (7, 31)),
    WindowDefault("poppy", "latex", (7, 15), (8, 31)),
    WindowDefault("cannabis", "sowing", (4, 20), (5, 31)),
    WindowDefault("cannabis", "flowering", (7, 1), (8, 15)),
    WindowDefault("cannabis", "seed", (8, 15), (9, 20)),
)


def default_windows(year: int) -> list[tuple[str, str, date, date]]:
    return [(w.species, w.stage, date(year, *w.start), date(year, *w.end)) for w in REGION_DEFAULTS]


def period_of(phases: list[tuple[date, date]]) -> tuple[date, date] | None:
    """The campaign's dates: from its first phase's start to its last phase's end."""
    if not phases:
        return None
    return min(start for start, _ in phases), max(end for _, end in phases)


def windows_outside(
    windows: list[tuple[str, str, date, date]], period: tuple[date, date] | None
) -> list[tuple[str, str, date, date]]:
    """The windows (species, stage, start, end) not wholly inside `period`; none without one."""
    if period is None:
        return []
    first, last = period
    return [w for w in windows if w[2] < first or w[3] > last]


def edit_bounds(year: int, period: tuple[date, date] | None) -> tuple[date, date]:
    """Where a phase edited by hand may lie: the campaign's year, widened to its own phases.

    A notice may run across the new year (a 冬春 campaign); its phases stay editable.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    if period is not None:
        first, last = min(first, period[0]), max(last, period[1])
    return first, last
