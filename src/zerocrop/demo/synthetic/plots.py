"""Plots: where each kind is placed, then its code, name, risk class, person and history.

Pure module (no Django). Candidates are sampled per kind near the river, settlements or open
steppe, and accepted in a fixed order when they keep their distance from earlier plots and
from grid borders.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely
from shapely import Polygon

from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.demo.synthetic.layout import Layout
from zerocrop.demo.synthetic.names import surname
from zerocrop.demo.synthetic.shapes import oriented_quads
from zerocrop.demo.synthetic.spec import (
    AREA_RANGES_M2,
    HISTORY_YEARS,
    KIND_SHARES,
    NAMES_PER_UNIT,
    PLOT_KINDS,
    SPECIES,
)

_PLOT_GAP_M = 3.0  # minimum distance between two plots
_PLOT_MARGIN_M = 3.0  # minimum distance between a plot and its grid/unit border


# --------------------------------------------------------------------------- plot placement


@dataclass
class _Candidates:
    quads: np.ndarray  # (n, 4, 2) corners in metres
    source: np.ndarray  # (n,) "river" | "settlement" | "steppe"


class _PlotIndex:
    """Spatial hash of accepted plots, for sequential non-overlap checks."""

    def __init__(self, cell: float = 250.0) -> None:
        self.cell = cell
        self.buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.geoms: list[Polygon] = []

    def _keys(self, bounds: np.ndarray) -> list[tuple[int, int]]:
        pad = np.array([-_PLOT_GAP_M, -_PLOT_GAP_M, _PLOT_GAP_M, _PLOT_GAP_M])
        x0, y0, x1, y1 = np.floor((bounds + pad) / self.cell).astype(int)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def try_add(self, geom: Polygon, bounds: np.ndarray) -> bool:
        keys = self._keys(bounds)
        near = {i for key in keys for i in self.buckets.get(key, ())}
        if near:
            others = [self.geoms[i] for i in sorted(near)]
            if float(np.min(shapely.distance(geom, others))) <= _PLOT_GAP_M:
                return False
        index = len(self.geoms)
        self.geoms.append(geom)
        for key in keys:
            self.buckets[key].append(index)
        return True


def _river_anchors(rng: np.random.Generator, layout: Layout, n: int, spread: float):
    along = rng.uniform(0.0, layout.river.length, n)
    here = shapely.get_coordinates(shapely.line_interpolate_point(layout.river, along))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(layout.river, along + 10.0))
    angle = np.arctan2(ahead[:, 1] - here[:, 1], ahead[:, 0] - here[:, 0])
    offset = (np.abs(rng.normal(0.0, spread, n)) + 60.0) * rng.choice([-1.0, 1.0], n)
    normal = np.column_stack([-np.sin(angle), np.cos(angle)])
    return here + normal * offset[:, None], angle


def _settlement_anchors(rng: np.random.Generator, layout: Layout, n: int, spread: float):
    index = rng.integers(0, len(layout.settlement_xy), n)
    xy = layout.settlement_xy[index] + rng.normal(0.0, spread, (n, 2))
    return xy, layout.settlement_angle[index]


def _steppe_anchors(rng: np.random.Generator, layout: Layout, n: int):
    minx, miny, maxx, maxy = layout.boundary.bounds
    return rng.uniform((minx, miny), (maxx, maxy), (n, 2)), rng.uniform(0.0, math.pi, n)


def _mixed_anchors(
    rng: np.random.Generator, layout: Layout, n: int, mix: dict[str, tuple[float, float]]
):
    """Anchors from a mix of sources; `mix` maps source → (share, spread in metres)."""
    sources = np.array(list(mix))
    source = sources[rng.choice(len(sources), n, p=[share for share, _ in mix.values()])]
    xy = np.zeros((n, 2))
    angle = np.zeros(n)
    for name, (_share, spread) in mix.items():
        mask = source == name
        if not mask.any():
            continue
        if name == "river":
            xy[mask], angle[mask] = _river_anchors(rng, layout, int(mask.sum()), spread)
        elif name == "settlement":
            xy[mask], angle[mask] = _settlement_anchors(rng, layout, int(mask.sum()), spread)
        else:
            xy[mask], angle[mask] = _steppe_anchors(rng, layout, int(mask.sum()))
    return xy, angle, source


def _log_uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(math.log(low), math.log(high), n))


def _jitter(
    rng: np.random.Generator, quads: np.ndarray, width: np.ndarray, share: float
) -> np.ndarray:
    return quads + rng.uniform(-share, share, quads.shape) * width[:, None, None]


def _fields(rng: np.random.Generator, layout: Layout, n: int, mix: dict[str, tuple[float, float]]):
    """Irregular farmland quadrilaterals (0.5–15 亩) aligned with the river or village."""
    xy, angle, source = _mixed_anchors(rng, layout, n, mix)
    area = _log_uniform(rng, 0.6 * SQUARE_METRES_PER_MU, 14.0 * SQUARE_METRES_PER_MU, n)
    aspect = rng.uniform(1.2, 4.0, n)
    width = np.sqrt(area / aspect)
    quads = oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.12, n))
    return _Candidates(_jitter(rng, quads, width, 0.04), source)


def _historical(rng: np.random.Generator, layout: Layout, n: int) -> _Candidates:
    mix = {"river": (0.6, 1_400.0), "settlement": (0.3, 600.0), "steppe": (0.1, 0.0)}
    return _fields(rng, layout, n, mix)


def _key(rng: np.random.Generator, layout: Layout, n: int) -> _Candidates:
    mix = {"river": (0.45, 1_800.0), "settlement": (0.25, 900.0), "steppe": (0.3, 0.0)}
    return _fields(rng, layout, n, mix)


def _courtyards(rng: np.random.Generator, layout: Layout, n: int) -> _Candidates:
    """Small house yards and vegetable gardens clustered at settlements, street-aligned."""
    xy, angle = _settlement_anchors(rng, layout, n, 170.0)
    area = _log_uniform(rng, 110.0, 580.0, n)
    aspect = rng.uniform(1.0, 1.6, n)
    width = np.sqrt(area / aspect)
    quads = oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.04, n))
    return _Candidates(quads, np.full(n, "settlement"))


def _greenhouses(rng: np.random.Generator, layout: Layout, n: int) -> _Candidates:
    """8 m wide, 50–80 m long, in east–west rows of 1–6 houses 14–18 m apart."""
    clusters = max(1, n // 3 + 1)
    mix = {"settlement": (0.6, 500.0), "river": (0.4, 700.0)}
    anchor, _angle, source = _mixed_anchors(rng, layout, clusters, mix)
    size = rng.integers(1, 7, clusters)
    angle = rng.normal(0.0, 0.08, clusters)
    length = rng.uniform(52.0, 78.0, clusters)
    spacing = rng.uniform(14.0, 18.0, clusters)
    cluster = np.repeat(np.arange(clusters), size)
    row = np.concatenate([np.arange(k) for k in size])
    north = np.column_stack([-np.sin(angle), np.cos(angle)])[cluster]
    xy = anchor[cluster] + north * (row * spacing[cluster])[:, None]
    lengths = np.clip(length[cluster] + rng.normal(0.0, 1.0, len(cluster)), 50.5, 79.5)
    quads = oriented_quads(xy, lengths, np.full(len(cluster), 8.0), angle[cluster])
    return _Candidates(quads, source[cluster])


def _others(rng: np.random.Generator, layout: Layout, n: int) -> _Candidates:
    """Ditch banks, wood edges, waste slopes, abandoned yards: small, often elongated."""
    mix = {"river": (0.4, 600.0), "settlement": (0.3, 400.0), "steppe": (0.3, 0.0)}
    xy, angle, source = _mixed_anchors(rng, layout, n, mix)
    area = _log_uniform(rng, 75.0, 1_800.0, n)
    aspect = rng.uniform(1.0, 6.0, n)
    width = np.sqrt(area / aspect)
    quads = oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.2, n))
    return _Candidates(_jitter(rng, quads, width, 0.03), source)


_PLACEMENT_ORDER: tuple[str, ...] = ("courtyard", "greenhouse", "historical", "key", "other")
_SAMPLERS: dict[str, Callable[[np.random.Generator, Layout, int], _Candidates]] = {
    "historical": _historical,
    "key": _key,
    "courtyard": _courtyards,
    "greenhouse": _greenhouses,
    "other": _others,
}


@dataclass(frozen=True)
class _Placed:
    """A placed plot before naming: kind, index into layout.grids, metric polygon."""

    kind: str
    grid: int
    geometry: Polygon
    source: str  # "river" | "settlement" | "steppe": where the sampler anchored it
    order: int  # placement order, the final tie-breaker when sorting


def _kind_counts(plot_count: int) -> dict[str, int]:
    """Largest-remainder split of `plot_count` over KIND_SHARES; every kind ≥ 1 if possible."""
    raw = {kind: plot_count * KIND_SHARES[kind] for kind in PLOT_KINDS}
    counts = {kind: int(value) for kind, value in raw.items()}
    for kind in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True):
        if sum(counts.values()) >= plot_count:
            break
        counts[kind] += 1
    for kind in PLOT_KINDS:
        if counts[kind] == 0 and plot_count >= len(PLOT_KINDS):
            donor = max(counts, key=lambda k: counts[k])
            counts[donor] -= 1
            counts[kind] = 1
    return counts


def _filter_candidates(kind: str, candidates: _Candidates, layout: Layout, tree: shapely.STRtree):
    """Vectorised checks: valid, area in range, clear of the river, inside one grid."""
    polygons = shapely.polygons(candidates.quads)
    low, high = AREA_RANGES_M2[kind]
    area = shapely.area(polygons)
    ok = shapely.is_valid(polygons) & (area >= low) & (area <= high)
    ok &= ~shapely.intersects(polygons, layout.water)
    grid = np.full(len(polygons), -1)
    pairs = tree.query(polygons, predicate="within")
    grid[pairs[0]] = pairs[1]
    ok &= grid >= 0
    return polygons[ok], grid[ok], candidates.source[ok]


def place_plots(rng: np.random.Generator, layout: Layout, plot_count: int) -> list[_Placed]:
    inners = [grid.buffer(-_PLOT_MARGIN_M) for _name, _parent, grid in layout.grids]
    tree = shapely.STRtree(inners)
    shapely.prepare(layout.water)
    index = _PlotIndex()
    placed: list[_Placed] = []
    counts = _kind_counts(plot_count)
    for kind in _PLACEMENT_ORDER:  # small plots that need the settlement cores go first
        wanted, got = counts[kind], 0
        for _round in range(200):
            if got == wanted:
                break
            batch = _SAMPLERS[kind](rng, layout, max(32, int(1.5 * (wanted - got)) + 8))
            polygons, grids, sources = _filter_candidates(kind, batch, layout, tree)
            bounds = shapely.bounds(polygons)
            for geom, grid, source, box in zip(polygons, grids, sources, bounds, strict=True):
                if got < wanted and index.try_add(geom, box):
                    placed.append(_Placed(kind, int(grid), geom, str(source), len(placed)))
                    got += 1
        if got < wanted:
            raise RuntimeError(f"could only place {got} of {wanted} {kind} plots")
    return placed


# --------------------------------------------------------------------------- plot attributes

_FIELD_FEATURES = {
    "river": ("河湾", "河滩", "河畔", "渠畔", "柳湾", "水泉", "沙湾", "坝地"),
    "settlement": ("房后", "村东", "村西", "南梁", "北梁", "圪堵", "场面", "井畔"),
    "steppe": ("梁地", "沙窝", "草场", "碱滩", "柠条林边", "沙柳湾"),
}
_OTHER_FEATURES = {
    "river": ("渠边荒地", "沟畔", "河堤边", "苇塘边"),
    "settlement": ("废弃院落", "养殖场旁空地", "路边荒地", "场院"),
    "steppe": ("林缘空地", "荒坡", "沙柳林边", "防护林带"),
}
_YARD_SUFFIXES = ("庭院", "庭院", "菜园", "房后菜地", "院落")
_RISKS: tuple[str, ...] = ("key", "traditional", "potential")


def _planting_history(rng: np.random.Generator) -> tuple[dict, ...]:
    """1–3 past findings in 2015–2021; mostly a few dozen poppies, cannabis in larger stands."""
    first, last = HISTORY_YEARS
    years = sorted(rng.choice(np.arange(first, last + 1), int(rng.integers(1, 4)), replace=False))
    records = []
    for year in years:
        species = SPECIES[0] if rng.random() < 0.7 else SPECIES[1]
        high = 300.0 if species == SPECIES[0] else 1_500.0
        count = int(_log_uniform(rng, 3.0 if species == SPECIES[0] else 10.0, high, 1)[0])
        records.append({"year": int(year), "species": species, "count": count})
    return tuple(records)


def _risk(rng: np.random.Generator, kind: str, history: tuple[dict, ...], in_key_zone: bool) -> str:
    """Recent or large historical findings and anything in a key zone are 重点."""
    if kind == "key":
        return "key"
    if kind == "historical":
        recent = max(r["year"] for r in history) >= 2020 or max(r["count"] for r in history) >= 200
        return "key" if recent or in_key_zone else "traditional"
    if in_key_zone and kind != "other":
        return "key"
    weights = {
        "courtyard": (0.15, 0.45, 0.40),
        "greenhouse": (0.10, 0.30, 0.60),
        "other": (0.0, 0.30, 0.70),
    }[kind]
    return _RISKS[int(rng.choice(3, p=weights))]


class _Namer:
    """Names, codes and responsible persons, with per-unit counters."""

    def __init__(self, rng: np.random.Generator, layout: Layout, people: tuple[str, ...]) -> None:
        self.rng = rng
        self.unit_index = {name: i for i, (name, _k, _p) in enumerate(layout.units)}
        self.people = people
        self.features: dict[tuple[str, str], int] = defaultdict(int)
        self.serial: dict[str, int] = defaultdict(int)

    def locals_of(self, unit: str) -> tuple[str, ...]:
        number = self.unit_index[unit]
        return self.people[number * NAMES_PER_UNIT : (number + 1) * NAMES_PER_UNIT]

    def code(self, unit: str) -> str:
        self.serial[unit] += 1
        return f"WDH-{self.unit_index[unit] + 1:02d}-{self.serial[unit]:04d}"

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.integers(0, len(options)))]

    def plot_name(self, plot: _Placed, unit: str, household: str) -> str:
        if plot.kind == "courtyard":
            return f"{surname(household)}家{self.pick(_YARD_SUFFIXES)}"
        if plot.kind == "greenhouse":
            feature, suffix = unit.removesuffix("社区").removesuffix("村"), "号大棚"
        elif plot.kind == "other":
            feature, suffix = self.pick(_OTHER_FEATURES[plot.source]), "号"
        else:
            feature, suffix = self.pick(_FIELD_FEATURES[plot.source]), "号地"
        self.features[(unit, feature)] += 1
        return f"{feature}{self.features[(unit, feature)]}{suffix}"

    def responsible(self, plot: _Placed, unit: str, household: str) -> str | None:
        """Mostly a local cadre or grid worker, often the household for a courtyard; some
        plots (more often historical ones) are deliberately left unassigned."""
        person = self.pick(self.locals_of(unit))
        if plot.kind == "courtyard" and self.rng.random() < 0.5:
            person = household
        if self.rng.random() < (0.12 if plot.kind == "historical" else 0.04):
            return None
        return person


class PlotRow(NamedTuple):
    code: str
    name: str
    unit: str
    grid: str
    kind: str
    risk: str
    geometry: Polygon  # metric
    responsible: str | None
    history: tuple[dict, ...]


def finish_plots(
    rng: np.random.Generator, layout: Layout, placed: list[_Placed], people: tuple[str, ...]
) -> list[PlotRow]:
    """Codes, names, risk classes, responsible persons and histories, in unit/grid order."""
    namer = _Namer(rng, layout, people)
    key_zones = [zone for kind, _c, _n, zone, _u in layout.zones if kind == "key"]
    key_area = shapely.union_all(key_zones) if key_zones else Polygon()
    shapely.prepare(key_area)
    ordered = sorted(
        placed, key=lambda p: (namer.unit_index[layout.grids[p.grid][1]], p.grid, p.order)
    )
    rows: list[PlotRow] = []
    for plot in ordered:
        grid_name, unit, _grid = layout.grids[plot.grid]
        household = namer.pick(namer.locals_of(unit))
        history = _planting_history(rng) if plot.kind == "historical" else ()
        centroid = plot.geometry.centroid
        in_key_zone = bool(shapely.contains_xy(key_area, centroid.x, centroid.y))
        rows.append(
            PlotRow(
                code=namer.code(unit),
                name=namer.plot_name(plot, unit, household),
                unit=unit,
                grid=grid_name,
                kind=plot.kind,
                risk=_risk(rng, plot.kind, history, in_key_zone),
                geometry=plot.geometry,
                responsible=namer.responsible(plot, unit, household),
                history=history,
            )
        )
    return _ensure_unassigned_historical(rows)


def _ensure_unassigned_historical(rows: list[PlotRow]) -> list[PlotRow]:
    """The demo must show at least one historical plot without a responsible person."""
    historical = [i for i, row in enumerate(rows) if row.kind == "historical"]
    if historical and all(rows[i].responsible is not None for i in historical):
        rows[historical[0]] = rows[historical[0]]._replace(responsible=None)
    return rows
