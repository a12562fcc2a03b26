"""发现率 in the notice's sense: who found each site first, the township's own patrol or an
outside source. Pure module: no Django.

A finding is recorded once per site, by whoever found it first, and `source` says who that was
(a re-check that finds regrowth is not a new site). So:

- own patrol (本级踏查): found by the township itself;
- outside (靶点核查 upper-level target, 群众举报 tip, 公安发现 police, 督导检查 supervision):
  found by someone else before the township's own patrols did: a **local miss** (本地漏查)
  counted against the site's unit;
- 其他 (other): counted among all sites, but neither as found by the township nor as a miss,
  because who found it is not known;
- 本地已掌握 (known locally): an outside source confirmed a site the township already had in
  its own records before (an upper-level target matching it, 靶点吻合): not a miss, and not
  counted as found by the township's patrol either (it stays among "other").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

OWN_SOURCES = frozenset({"patrol"})
OUTSIDE_SOURCES = frozenset({"target", "tip", "police", "supervision"})
KNOWN_LOCALLY = "known_locally"


def first_finder(source: str, known_locally: bool = False) -> str:
    """The source as counted: an outside find of a site already known locally is no miss."""
    return KNOWN_LOCALLY if known_locally and source in OUTSIDE_SOURCES else source


@dataclass(frozen=True)
class Discovery:
    """The sites of one unit (or of all units) by who found them first."""

    sites: int = 0
    own: int = 0
    local_misses: int = 0

    @property
    def other(self) -> int:
        return self.sites - self.own - self.local_misses

    @property
    def own_share(self) -> float | None:
        """自查发现率: own-patrol sites / all sites; None when there are no sites."""
        return self.own / self.sites if self.sites else None

    def add(self, source: str) -> Discovery:
        return Discovery(
            sites=self.sites + 1,
            own=self.own + (source in OWN_SOURCES),
            local_misses=self.local_misses + (source in OUTSIDE_SOURCES),
        )


def is_local_miss(source: str) -> bool:
    return source in OUTSIDE_SOURCES


def discovery_total(sources: Iterable[str]) -> Discovery:
    total = Discovery()
    for source in sources:
        total = total.add(source)
    return total


def discovery_by_unit(rows: Iterable[tuple[Hashable, str]]) -> dict[Hashable, Discovery]:
    """(unit, source) per site → the Discovery of each unit that has sites."""
    result: dict[Hashable, Discovery] = {}
    for unit, source in rows:
        result[unit] = result.get(unit, Discovery()).add(source)
    return result
