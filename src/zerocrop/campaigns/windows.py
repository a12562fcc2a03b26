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
