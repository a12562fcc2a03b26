"""What the synthetic town is made of: its vocabulary, sizes and the public dataclasses.

Pure module (no Django). Plot, risk and zone kinds are the values of `zerocrop.geo.choices`
(PlotKind, RiskClass, ZoneKind), written as plain strings so that generating a town needs no
Django; tests/demo/synthetic/test_vocabulary.py checks they stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shapely import LineString, Point, Polygon

from zerocrop.core.units import SQUARE_METRES_PER_MU

UnitKind = Literal["village", "community", "grid"]

TOWN_NAME = "无定河镇"
METRIC_CRS = "EPSG:32649"  # UTM 49N: all metric work happens here

DEFAULT_UNITS: tuple[tuple[str, UnitKind], ...] = (
    ("毛布拉格村", "village"),
    ("堵嘎尔湾村", "village"),
    ("排子湾村", "village"),
    ("庙滩村", "village"),
    ("水清湾村", "village"),
    ("无定河村", "village"),
    ("包日陶勒盖村", "village"),
    ("萨拉乌苏村", "village"),
    ("王窑湾村", "village"),
    ("红进滩村", "village"),
    ("大石砭村", "village"),
    ("小石砭村", "village"),
    ("河南村", "village"),
    ("巴图湾村", "village"),
    ("河园社区", "community"),
    ("河南社区", "community"),
)

PLOT_KINDS: tuple[str, ...] = ("historical", "key", "courtyard", "greenhouse", "other")
# Zone names end in their kind's label (geo.choices.ZoneKind).
ZONE_LABELS: dict[str, str] = {
    "key": "重点区域",
    "traditional": "传统区域",
    "potential": "潜在区域",
}
SPECIES: tuple[str, ...] = ("罂粟", "大麻")
HISTORY_YEARS: tuple[int, int] = (2015, 2021)

# Inclusive area bounds per plot kind, in m². Farmland (historical/key) is 0.5–15 亩;
# greenhouses are 8 m wide and 50–80 m long.
AREA_RANGES_M2: dict[str, tuple[float, float]] = {
    "historical": (0.5 * SQUARE_METRES_PER_MU, 15 * SQUARE_METRES_PER_MU),
    "key": (0.5 * SQUARE_METRES_PER_MU, 15 * SQUARE_METRES_PER_MU),
    "courtyard": (100.0, 600.0),
    "greenhouse": (400.0, 640.0),
    "other": (60.0, 2000.0),
}
# Share of each kind in the requested plot count.
KIND_SHARES: dict[str, float] = {
    "historical": 0.25,
    "key": 0.15,
    "courtyard": 0.30,
    "greenhouse": 0.15,
    "other": 0.15,
}

NAMES_PER_UNIT = 15  # the people of the i-th village are people[15 i : 15 i + 15]


@dataclass(frozen=True)
class SyntheticUnit:
    """A village (村), community (社区) or grid (网格); grids name their parent unit."""

    name: str
    kind: UnitKind
    parent: str | None
    boundary: Polygon


@dataclass(frozen=True)
class SyntheticPlot:
    """A plot to watch; `history` holds {year, species, count} dicts for historical plots."""

    code: str
    name: str
    unit: str
    grid: str | None
    kind: str  # a geo.choices.PlotKind value
    risk: str  # a geo.choices.RiskClass value
    geometry: Polygon
    responsible: str | None
    history: tuple[dict, ...]


@dataclass(frozen=True)
class SyntheticZone:
    """A 重点/传统/潜在 monitoring zone; `unit` is None when it spans several units."""

    code: str
    name: str
    kind: str  # a geo.choices.ZoneKind value
    geometry: Polygon
    unit: str | None


@dataclass(frozen=True)
class SyntheticTown:
    """The whole synthetic town, in WGS84 lon/lat.

    `units` lists villages/communities in input order, then each unit's grids.
    `settlements` maps a village/community name to its settlement points (自然村/社).
    `people` is the deterministic pool of personal names used for responsible persons;
    the names from index i*15 to i*15+14 live in the i-th village/community.
    """

    name: str
    boundary: Polygon
    units: tuple[SyntheticUnit, ...]
    plots: tuple[SyntheticPlot, ...]
    zones: tuple[SyntheticZone, ...]
    river: LineString
    settlements: dict[str, tuple[Point, ...]]
    people: tuple[str, ...] = ()
