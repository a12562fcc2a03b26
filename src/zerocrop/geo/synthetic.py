"""Deterministic synthetic geography of 无定河镇 for demos, fixtures and map benchmarks.

Pure module: no Django import. Everything is derived from one integer seed through numpy's
`SeedSequence`, so the same seed always yields byte-identical geometries. The town layout
(boundary, villages, grids, river, settlements, zones) uses its own random streams and does
not change with `plot_count`.

All metric work (areas, buffers, offsets) happens in UTM zone 49N (EPSG:32649); the public
result is in WGS84 lon/lat. The picture it paints follows the covert-planting patterns of
domain.md §5: farmland plots cluster along the 无定河 and around settlements, courtyards
(庭院/菜园) sit inside settlements, vegetable greenhouses (大棚) stand in east–west rows,
and "other" sites are ditch banks, wood edges, waste slopes and abandoned yards.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple, cast

import numpy as np
import shapely
from pyproj import Transformer
from scipy.optimize import linear_sum_assignment
from shapely import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from zerocrop.core.units import SQUARE_METRES_PER_MU

UnitKind = Literal["village", "community", "grid"]
PlotKind = Literal["historical", "key", "courtyard", "greenhouse", "other"]
RiskClass = Literal["key", "traditional", "potential"]
ZoneKind = Literal["key", "traditional", "potential"]

TOWN_NAME = "无定河镇"
RIVER_NAME = "无定河"
METRIC_CRS = "EPSG:32649"
WGS84 = "EPSG:4326"
MU_M2 = SQUARE_METRES_PER_MU  # one 亩 in square metres

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

PLOT_KINDS: tuple[PlotKind, ...] = ("historical", "key", "courtyard", "greenhouse", "other")
PLOT_KIND_LABELS: dict[str, str] = {
    "historical": "历史种植地块",
    "key": "重点地块",
    "courtyard": "庭院",
    "greenhouse": "大棚",
    "other": "其他地块",
}
RISK_LABELS: dict[str, str] = {"key": "重点", "traditional": "传统", "potential": "潜在"}
ZONE_LABELS: dict[str, str] = {
    "key": "重点区域",
    "traditional": "传统区域",
    "potential": "潜在区域",
}
SPECIES: tuple[str, ...] = ("罂粟", "大麻")
SPECIES_CODES: dict[str, str] = {"罂粟": "poppy", "大麻": "cannabis"}
HISTORY_YEARS: tuple[int, int] = (2015, 2021)

# Inclusive area bounds per plot kind, in m². Farmland (historical/key) is 0.5–15 亩;
# greenhouses are 8 m wide and 50–80 m long.
AREA_RANGES_M2: dict[str, tuple[float, float]] = {
    "historical": (0.5 * MU_M2, 15 * MU_M2),
    "key": (0.5 * MU_M2, 15 * MU_M2),
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

_TOWN_SEMI_AXES_M = (12_500.0, 10_000.0)  # roughly 25 km × 20 km
_SEAT_SEMI_AXES_M = (1_600.0, 1_000.0)
_RIVER_HALF_LENGTH_M = 17_000.0
_RIVER_HALF_WIDTH_M = 25.0
_PLOT_GAP_M = 3.0  # minimum distance between two plots
_PLOT_MARGIN_M = 3.0  # minimum distance between a plot and its grid/unit border
_ZONE_MARGIN_M = 2.0
_OUTLINE_SEGMENT_M = 40.0
_NAMES_PER_UNIT = 15


# --------------------------------------------------------------------------- public types


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
    kind: PlotKind
    risk: RiskClass
    geometry: Polygon
    responsible: str | None
    history: tuple[dict, ...]


@dataclass(frozen=True)
class SyntheticZone:
    """A 重点/传统/潜在 monitoring zone; `unit` is None when it spans several units."""

    code: str
    name: str
    kind: ZoneKind
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


# --------------------------------------------------------------------------- projections


@lru_cache(maxsize=2)
def _transformer(to_metric: bool) -> Transformer:
    src, dst = (WGS84, METRIC_CRS) if to_metric else (METRIC_CRS, WGS84)
    return Transformer.from_crs(src, dst, always_xy=True)


def _reproject(geometry, *, to_metric: bool):
    transformer = _transformer(to_metric)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def to_metric(geometry):
    """WGS84 lon/lat geometry (or array of geometries) → UTM 49N metres."""
    return _reproject(geometry, to_metric=True)


def to_wgs84(geometry):
    """UTM 49N geometry (or array of geometries) → WGS84 lon/lat."""
    return _reproject(geometry, to_metric=False)


def metric_area_m2(geometry: BaseGeometry) -> float:
    """Area in m² of a WGS84 geometry, measured in UTM 49N."""
    return float(shapely.area(to_metric(geometry)))


# --------------------------------------------------------------------------- personal names

_HAN_SURNAMES = (
    "王张李刘杨高马白贺郝乔呼折拓艾惠霍赵郭苏薛石冯潘谷尚边樊韩孙周吴徐陈胡朱何雷任"
    "曹田武崔姚康牛宋贾党付訾"
)
# Rough local frequency: the first surnames are far more common in 乌审旗/陕北.
_HAN_SURNAME_WEIGHTS = np.array(
    [12, 10, 9, 9, 7, 7, 6, 5, 4, 3, 3, 3] + [1.5] * (len(_HAN_SURNAMES) - 12), dtype=float
)
_HAN_GIVEN = (
    "建军国华明海平林文永志春秀英兰芳霞红梅玲东生福贵宝成忠强伟刚峰鹏亮涛飞云娟丽燕凤"
    "琴莲荣山喜旺娥花彪金银玉德富有仁义利清新学治俊兴雪慧艳"
)
_MONGOL_PARTS = (
    "巴图",
    "斯琴",
    "乌云",
    "其其格",
    "额尔敦",
    "孟和",
    "宝音",
    "那顺",
    "阿拉坦",
    "苏和",
    "朝鲁",
    "图雅",
    "萨仁",
    "格日勒",
    "高娃",
    "吉雅",
    "乌力吉",
    "达来",
    "布和",
    "德力格尔",
    "其木格",
    "敖其尔",
)


def _one_name(rng: np.random.Generator) -> str:
    if rng.random() < 0.12:  # Mongolian names carry no surname: 斯琴高娃, 巴图孟和, 吉雅
        first, second = (_MONGOL_PARTS[i] for i in rng.choice(len(_MONGOL_PARTS), 2, replace=False))
        compound = rng.random() < 0.6 and len(first + second) <= 5
        return first + second if compound else first
    weights = _HAN_SURNAME_WEIGHTS / _HAN_SURNAME_WEIGHTS.sum()
    surname = _HAN_SURNAMES[rng.choice(len(_HAN_SURNAMES), p=weights)]
    size = 2 if rng.random() < 0.65 else 1
    given = "".join(_HAN_GIVEN[i] for i in rng.integers(0, len(_HAN_GIVEN), size))
    return surname + given


def person_names(count: int, *, seed: int = 22) -> tuple[str, ...]:
    """`count` distinct plausible personal names (mostly Han, some Mongolian), deterministic."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    names: dict[str, None] = {}
    while len(names) < count:
        names.setdefault(_one_name(rng))
    return tuple(names)


def _surname(name: str) -> str:
    return name[0] if name[0] in _HAN_SURNAMES and not name.startswith(_MONGOL_PARTS) else name


# --------------------------------------------------------------------------- geometry helpers


def _polar_blob(
    rng: np.random.Generator,
    center: np.ndarray,
    semi_axes: tuple[float, float],
    angle: float,
    *,
    vertices: int,
    wobble: float,
    jitter: float,
) -> Polygon:
    """An irregular star-shaped polygon around `center` (ellipse + low harmonics + noise)."""
    phi = np.linspace(0.0, 2.0 * math.pi, vertices, endpoint=False)
    a, b = semi_axes
    t = phi - angle
    radius = a * b / np.sqrt((b * np.cos(t)) ** 2 + (a * np.sin(t)) ** 2)
    factor = np.ones_like(phi)
    for k in range(2, 8):
        factor += wobble * rng.uniform(0.3, 1.0) / k * np.sin(k * phi + rng.uniform(0, 6.3))
    factor += rng.normal(0.0, jitter, vertices)
    radius *= np.clip(factor, 0.5, None)
    ring = np.column_stack([center[0] + radius * np.cos(phi), center[1] + radius * np.sin(phi)])
    return Polygon(ring)


def _polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    """All non-empty polygons inside any (multi/collection) geometry."""
    parts: list[Polygon] = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, Polygon):
            if not part.is_empty and part.area > 0:
                parts.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts.extend(_polygon_parts(part))
    return parts


def _largest_polygon(geometry: BaseGeometry) -> Polygon | None:
    parts = _polygon_parts(geometry)
    return max(parts, key=lambda p: p.area) if parts else None


class _Warp:
    """A smooth, bijective displacement of the plane (sum of three sine waves).

    Applied to Voronoi edges it turns straight lines into wavy, boundary-like lines while
    keeping the planar topology: the Jacobian of the displacement stays below 0.8, so two
    edges that did not cross before never cross afterwards.
    """

    def __init__(self, rng: np.random.Generator, scale: float = 1.0) -> None:
        wavelengths = np.array([5_000.0, 1_800.0, 600.0]) * scale
        self.amplitude = np.array([200.0, 70.0, 25.0]) * scale
        heading = rng.uniform(0.0, 2.0 * math.pi, 3)
        self.wavevector = (2.0 * math.pi / wavelengths)[:, None] * np.column_stack(
            [np.cos(heading), np.sin(heading)]
        )
        push = rng.uniform(0.0, 2.0 * math.pi, 3)
        self.direction = np.column_stack([np.cos(push), np.sin(push)])
        self.phase = rng.uniform(0.0, 2.0 * math.pi, 3)

    def __call__(self, coords: np.ndarray) -> np.ndarray:
        waves = np.sin(coords @ self.wavevector.T + self.phase)
        return coords + waves @ (self.amplitude[:, None] * self.direction)


def _merge_orphans(tiles: list[Polygon], orphans: list[Polygon]) -> list[Polygon]:
    """Merge each stray piece into the tile it shares the longest border with, so the tiles
    still cover the same region exactly."""
    for orphan in sorted(orphans, key=lambda p: p.area, reverse=True):
        shared = shapely.length(shapely.intersection(orphan.boundary, shapely.boundary(tiles)))
        target = int(np.argmax(shared))
        merged = _largest_polygon(shapely.union(tiles[target], orphan))
        tiles[target] = merged if merged is not None else tiles[target]
    return tiles


def _voronoi_tiles(seeds: np.ndarray, region: Polygon, warp: _Warp | None) -> list[Polygon]:
    """Warped Voronoi cells of `seeds` inside `region`, one Polygon per seed, in seed order.

    The Voronoi edges are densified, warped and noded with the region's rings; the faces
    inside the region are then given to the seed they hold (faces holding none, and
    disconnected parts, go to the neighbour with the longest shared border). Should the
    warp push an edge over a seed (seeds closer than the warp amplitude), the plain
    Voronoi cells are used instead.
    """
    if len(seeds) == 1:
        return [region]
    margin = 1.0 + (2.0 * float(warp.amplitude.sum()) if warp else 0.0)
    frame = shapely.box(*np.add(region.bounds, (-margin, -margin, margin, margin)))
    edges = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, only_edges=True)
    if warp is not None:
        edges = shapely.transform(shapely.segmentize(edges, 100.0), warp)
    noded = shapely.union_all([edges, region.boundary])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    inside = [f for f in faces if region.contains(f.representative_point())]
    seed_points = shapely.points(seeds)
    groups: list[list[Polygon]] = [[] for _ in seeds]
    orphans: list[Polygon] = []
    for face in inside:
        holders = np.flatnonzero(shapely.contains(face, seed_points))
        (groups[int(holders[0])] if len(holders) else orphans).append(face)
    if warp is not None and not all(groups):
        return _voronoi_tiles(seeds, region, None)
    tiles: list[Polygon] = []
    for group in groups:
        parts = sorted(_polygon_parts(shapely.union_all(group)), key=lambda p: p.area, reverse=True)
        tiles.append(parts[0])
        orphans.extend(parts[1:])
    return _merge_orphans(tiles, orphans)


def _random_points(rng: np.random.Generator, region: BaseGeometry, count: int) -> np.ndarray:
    """`count` uniform random points inside `region` (rejection sampling)."""
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(max(64, 4 * count), 2))
        inside = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]
        found.append(inside)
        total += len(inside)
    return np.concatenate(found)[:count]


def _spread_points(
    rng: np.random.Generator,
    region: BaseGeometry,
    count: int,
    *,
    candidates: int = 30,
) -> np.ndarray:
    """Mitchell's best-candidate sampling: well spread but irregular points inside `region`."""
    chosen: list[np.ndarray] = []
    for _ in range(count):
        pool = _random_points(rng, region, candidates)
        if chosen:
            dist = np.linalg.norm(pool[:, None, :] - np.asarray(chosen)[None, :, :], axis=2)
            chosen.append(pool[int(np.argmax(dist.min(axis=1)))])
        else:
            chosen.append(pool[0])
    return np.asarray(chosen)


def _river_side(river: LineString, xy: np.ndarray) -> np.ndarray:
    """+1 for points left of the river's direction of travel (north bank for a W→E river)."""
    points = shapely.points(xy)
    along = shapely.line_locate_point(river, points)
    here = shapely.get_coordinates(shapely.line_interpolate_point(river, along))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(river, along + 5.0))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(river, along - 5.0))
    tangent = ahead - behind
    offset = xy - here
    return np.sign(tangent[:, 0] * offset[:, 1] - tangent[:, 1] * offset[:, 0])


def _oriented_quads(
    center: np.ndarray, length: np.ndarray, width: np.ndarray, angle: np.ndarray
) -> np.ndarray:
    """(n, 4, 2) corner arrays of rectangles, counter-clockwise."""
    u = np.column_stack([np.cos(angle), np.sin(angle)])
    v = np.column_stack([-np.sin(angle), np.cos(angle)])
    signs = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float)
    half_l = (length / 2.0)[:, None, None] * signs[None, :, 0:1] * u[:, None, :]
    half_w = (width / 2.0)[:, None, None] * signs[None, :, 1:2] * v[:, None, :]
    return center[:, None, :] + half_l + half_w


def _compass(dx: float, dy: float) -> str:
    names = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")
    return names[int(round(math.atan2(dy, dx) / (math.pi / 4))) % 8]


# --------------------------------------------------------------------------- town layout


_UnitDraft = tuple[str, UnitKind, Polygon]  # (name, kind, metric polygon)
_GridDraft = tuple[str, str, Polygon]  # (name, parent unit name, metric polygon)
_ZoneDraft = tuple[ZoneKind, str, str, Polygon, str | None]  # (kind, code, name, polygon, unit)


@dataclass
class _Layout:
    """The town in UTM metres, before plots."""

    origin: np.ndarray
    boundary: Polygon
    river: LineString
    water: Polygon
    seat: Polygon
    units: list[_UnitDraft]
    grids: list[_GridDraft]
    settlement_xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    settlement_unit: list[str] = field(default_factory=list)
    settlement_angle: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # (kind, code, name, polygon, unit name or None)
    zones: list[_ZoneDraft] = field(default_factory=list)


def _make_river(rng: np.random.Generator, origin: np.ndarray, angle: float) -> LineString:
    """A meandering line through the town, W→E (SW→NE); a graph over its axis, so simple."""
    t = np.arange(-_RIVER_HALF_LENGTH_M, _RIVER_HALF_LENGTH_M + 1.0, 100.0)
    lateral = rng.uniform(-900.0, 900.0) * np.ones_like(t)
    for wavelength, amplitude in (
        (rng.uniform(7e3, 11e3), 900.0),
        (rng.uniform(1.6e3, 2.6e3), 220.0),
    ):
        lateral += (
            amplitude
            * rng.uniform(0.6, 1.0)
            * np.sin(2 * math.pi * t / wavelength + rng.uniform(0, 6.3))
        )
    lateral += np.convolve(rng.normal(0, 25.0, len(t)), np.ones(5) / 5, mode="same")
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    x = origin[0] + t * cos_a - lateral * sin_a
    y = origin[1] + t * sin_a + lateral * cos_a
    return LineString(np.column_stack([x, y]))


def _assign_names(
    names: Sequence[str], seeds: np.ndarray, river: LineString, rng: np.random.Generator
) -> list[int]:
    """Seed index per name: water names (湾/滩/河/乌苏) near the river, hill names away from
    it, names with 河南 ("south of the river") on the south bank."""
    dist = shapely.distance(shapely.points(seeds), river)
    dist = dist / max(float(dist.max()), 1.0)
    north = _river_side(river, seeds) > 0
    cost = rng.uniform(0.0, 0.3, (len(names), len(seeds)))
    for i, name in enumerate(names):
        if any(word in name for word in ("湾", "滩", "河", "乌苏")):
            cost[i] += dist
        if any(word in name for word in ("砭", "陶勒盖", "拉格", "梁")):
            cost[i] += 0.5 * (1.0 - dist)
        if "河南" in name:
            cost[i] += 3.0 * north
    rows, cols = linear_sum_assignment(cost)
    order = [0] * len(names)
    for row, col in zip(rows, cols, strict=True):
        order[row] = int(col)
    return order


def _split_by_river(seat: Polygon, river: LineString) -> list[Polygon]:
    """The seat area cut along the river: [north bank, south bank] (or [seat] if uncut)."""
    noded = shapely.union_all([seat.boundary, river.intersection(seat.buffer(1.0))])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    faces = [f for f in faces if seat.contains(f.representative_point())]
    sides = _river_side(river, shapely.get_coordinates(shapely.point_on_surface(faces)))
    banks = [
        shapely.union_all([f for f, side in zip(faces, sides, strict=True) if side == sign])
        for sign in (1.0, -1.0)
    ]
    if any(bank.is_empty for bank in banks):
        return [seat]
    tiles: list[Polygon] = []
    orphans: list[Polygon] = []
    for bank in banks:
        parts = sorted(_polygon_parts(bank), key=lambda p: p.area, reverse=True)
        tiles.append(parts[0])
        orphans.extend(parts[1:])
    return _merge_orphans(tiles, orphans)


def _make_communities(
    rng: np.random.Generator, seat: Polygon, river: LineString, names: Sequence[str]
) -> dict[str, Polygon]:
    """Communities share the seat; the river divides it, 河南 ("south of the river")
    communities go to the south bank and the others to the north bank."""
    banks = _split_by_river(seat, river) if len(names) > 1 else [seat]
    south = [name for name in names if "河南" in name]
    north = [name for name in names if "河南" not in name]
    if len(banks) == 1:
        groups = [list(names)]
    else:
        if not south:
            south.append(north.pop())
        if not north:
            north.append(south.pop(0))
        groups = [north, south]
    polygons: dict[str, Polygon] = {}
    warp = _Warp(rng, scale=0.25)
    for bank, group in zip(banks, groups, strict=True):
        seeds = _spread_points(rng, bank, len(group))
        for name, tile in zip(group, _voronoi_tiles(seeds, bank, warp), strict=True):
            polygons[name] = tile
    return polygons


def _make_units(
    rng: np.random.Generator,
    boundary: Polygon,
    seat: Polygon,
    river: LineString,
    unit_names: Sequence[tuple[str, UnitKind]],
) -> list[_UnitDraft]:
    """Villages tile the town outside the seat; communities tile the seat area."""
    villages = [name for name, kind in unit_names if kind == "village"]
    communities = [name for name, kind in unit_names if kind == "community"]
    if not villages:
        seat = boundary
    polygons: dict[str, Polygon] = {}
    warp = _Warp(rng)
    if villages:
        region = _largest_polygon(boundary.difference(seat)) if communities else boundary
        seeds = _spread_points(rng, region.difference(seat.buffer(1_500.0)), len(villages))
        tiles = _voronoi_tiles(seeds, region, warp)
        for name, index in zip(villages, _assign_names(villages, seeds, river, rng), strict=True):
            polygons[name] = tiles[index]
    if communities:
        polygons.update(_make_communities(rng, seat, river, communities))
    return [(name, kind, polygons[name]) for name, kind in unit_names]


def _make_grids(rng: np.random.Generator, units: list[_UnitDraft]) -> list[_GridDraft]:
    """2–4 grids (网格) per unit, warped Voronoi cells inside the unit."""
    grids: list[_GridDraft] = []
    warp = _Warp(rng, scale=0.4)
    for name, kind, polygon in units:
        count = 2 if kind == "community" else int(rng.integers(3, 5))
        inner = polygon.buffer(-polygon.length / 40.0)
        seeds = _spread_points(rng, inner if inner.area > 0 else polygon, count, candidates=12)
        for i, tile in enumerate(_voronoi_tiles(seeds, polygon, warp), start=1):
            grids.append((f"{name}第{i}网格", name, tile))
    return grids


def _make_settlements(
    rng: np.random.Generator, layout: _Layout
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Settlement points (自然村/社) per unit, drawn towards the river where farmland is."""
    points: list[np.ndarray] = []
    owners: list[str] = []
    for name, kind, polygon in layout.units:
        if kind == "community":
            count, spacing, inset = (1 if polygon.area < 1.5e6 else 2), 600.0, 120.0
        else:
            count = int(np.clip(2 + polygon.area / 12e6 + rng.integers(0, 2), 2, 5))
            spacing, inset = 1_400.0, 400.0
        inner = polygon.buffer(-inset)
        pool = _random_points(rng, inner if inner.area > 1e4 else polygon, 200)
        river_dist = shapely.distance(shapely.points(pool), layout.river)
        score = -river_dist / 2_500.0 + rng.normal(0.0, 0.6, len(pool))
        picked: list[np.ndarray] = []
        for index in np.argsort(-score):
            candidate = pool[index]
            if all(np.linalg.norm(candidate - other) >= spacing for other in picked):
                picked.append(candidate)
            if len(picked) == count:
                break
        points.extend(picked)
        owners.extend([name] * len(picked))
    angles = rng.uniform(-0.35, 0.35, len(points))
    return np.asarray(points), owners, angles


def _blob_union(rng: np.random.Generator, centers: np.ndarray, radius: float) -> Polygon:
    radii = radius * rng.uniform(0.6, 1.2, len(centers))
    circles = shapely.buffer(shapely.points(centers), radii, quad_segs=6)
    union = shapely.union_all(circles).simplify(15.0)
    return _largest_polygon(union) or Polygon()


def _unit_of(polygon: Polygon, units: list[_UnitDraft]) -> str | None:
    """The unit holding ≥ 99 % of `polygon`, else None."""
    for name, _kind, unit in units:
        if unit.intersection(polygon).area >= 0.99 * polygon.area:
            return name
    return None


def _clip_zone(shape: Polygon, limit: Polygon, taken: BaseGeometry) -> Polygon | None:
    clipped = _largest_polygon(shape.intersection(limit).difference(taken))
    if clipped is None or clipped.area < 2e5:
        return None
    return clipped


def _key_zones(rng: np.random.Generator, layout: _Layout, count: int) -> list[Polygon]:
    """Corridors along the river (沿河滩地, 河湾) inside one village each."""
    zones: list[Polygon] = []
    taken: BaseGeometry = Polygon()
    for _ in range(count * 6):
        if len(zones) == count:
            break
        start = rng.uniform(0.15, 0.8) * layout.river.length
        reach = substring(layout.river, start, start + rng.uniform(1_500.0, 4_000.0))
        along = np.linspace(0.0, reach.length, 6)
        centers = shapely.get_coordinates(shapely.line_interpolate_point(reach, along))
        centers += rng.normal(0.0, 120.0, centers.shape)
        shape = _blob_union(rng, centers, rng.uniform(350.0, 650.0))
        unit = next((u for _n, _k, u in layout.units if u.contains(Point(centers[2]))), None)
        if unit is None:
            continue
        zone = _clip_zone(shape, unit.buffer(-_ZONE_MARGIN_M), taken)
        if zone is not None:
            zones.append(zone)
            taken = taken.union(zone.buffer(50.0))
    return zones


def _traditional_zones(
    rng: np.random.Generator, layout: _Layout, count: int, taken: BaseGeometry
) -> list[Polygon]:
    """Blobs around settlements (房前屋后, 菜园) inside their unit."""
    zones: list[Polygon] = []
    units = {name: polygon for name, _kind, polygon in layout.units}
    order = rng.permutation(len(layout.settlement_xy))
    for index in order:
        if len(zones) == count:
            break
        center = layout.settlement_xy[index]
        centers = center + rng.normal(0.0, 350.0, (4, 2))
        shape = _blob_union(rng, np.vstack([center, centers]), rng.uniform(450.0, 750.0))
        unit = units[layout.settlement_unit[index]]
        zone = _clip_zone(shape, unit.buffer(-_ZONE_MARGIN_M), taken)
        if zone is not None:
            zones.append(zone)
            taken = taken.union(zone.buffer(50.0))
    return zones


def _potential_zones(
    rng: np.random.Generator, layout: _Layout, count: int, taken: BaseGeometry
) -> list[Polygon]:
    """Larger blobs over the steppe, away from the river (荒坡, 林缘, 沙地)."""
    zones: list[Polygon] = []
    far = layout.boundary.difference(layout.river.buffer(3_000.0)).buffer(-800.0)
    limit = layout.boundary.buffer(-_ZONE_MARGIN_M)
    for _ in range(count * 6):
        if len(zones) == count or far.is_empty:
            break
        center = _random_points(rng, far, 1)[0]
        centers = np.vstack([center, center + rng.normal(0.0, 900.0, (5, 2))])
        shape = _blob_union(rng, centers, rng.uniform(700.0, 1_100.0))
        zone = _clip_zone(shape, limit, taken)
        if zone is not None:
            zones.append(zone)
            taken = taken.union(zone.buffer(50.0))
    return zones


def _name_zones(
    rng: np.random.Generator, layout: _Layout, kind: ZoneKind, zones: list[Polygon]
) -> list[_ZoneDraft]:
    features = {
        "key": ("沿河", "河湾", "滩地", "渠畔"),
        "traditional": ("村庄周边", "房前屋后", "菜园", "庄户"),
        "potential": ("沙地", "荒坡", "草场", "林缘"),
    }[kind]
    prefix = {"key": "ZD", "traditional": "CT", "potential": "QZ"}[kind]
    named: list[_ZoneDraft] = []
    for i, zone in enumerate(zones, start=1):
        unit = _unit_of(zone, layout.units)
        feature = features[int(rng.integers(0, len(features)))]
        centroid = zone.centroid
        where = (
            unit or _compass(centroid.x - layout.origin[0], centroid.y - layout.origin[1]) + "部"
        )
        code = f"{prefix}-{i:02d}"
        named.append((kind, code, f"{where}{feature}{ZONE_LABELS[kind]}", zone, unit))
    return named


def _make_zones(rng: np.random.Generator, layout: _Layout) -> list[_ZoneDraft]:
    key = _key_zones(rng, layout, 5)
    taken = shapely.union_all([z.buffer(50.0) for z in key]) if key else Polygon()
    traditional = _traditional_zones(rng, layout, 6, taken)
    taken = shapely.union_all([taken, *[z.buffer(50.0) for z in traditional]])
    potential = _potential_zones(rng, layout, 4, taken)
    named: list[_ZoneDraft] = []
    batches: tuple[tuple[ZoneKind, list[Polygon]], ...] = (
        ("key", key),
        ("traditional", traditional),
        ("potential", potential),
    )
    for kind, zones in batches:
        named.extend(_name_zones(rng, layout, kind, zones))
    return named


def _make_layout(
    seed: int, center: tuple[float, float], unit_names: Sequence[tuple[str, UnitKind]]
) -> _Layout:
    """Boundary, river, seat, units, grids, settlements and zones, each from its own stream."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 1]).spawn(6)]
    origin = np.asarray(shapely.get_coordinates(to_metric(Point(center)))[0])
    axis = math.radians(streams[0].uniform(12.0, 35.0))  # the valley runs SW→NE
    boundary = _polar_blob(
        streams[0], origin, _TOWN_SEMI_AXES_M, axis, vertices=220, wobble=0.35, jitter=0.006
    )
    river = _make_river(streams[1], origin, axis + math.radians(streams[1].uniform(-8.0, 8.0)))
    seat_at = river.interpolate(
        river.project(Point(origin)) + streams[1].uniform(-1_500.0, 1_500.0)
    )
    seat_center = np.asarray(seat_at.coords[0])
    seat = _polar_blob(
        streams[1], seat_center, _SEAT_SEMI_AXES_M, axis, vertices=60, wobble=0.25, jitter=0.01
    )
    seat = _largest_polygon(seat.intersection(boundary)) or seat
    units = _make_units(streams[2], boundary, seat, river, unit_names)
    layout = _Layout(
        origin=origin,
        boundary=boundary,
        river=river,
        water=river.buffer(_RIVER_HALF_WIDTH_M),
        seat=seat,
        units=units,
        grids=_make_grids(streams[3], units),
    )
    layout.settlement_xy, layout.settlement_unit, layout.settlement_angle = _make_settlements(
        streams[4], layout
    )
    layout.zones = _make_zones(streams[5], layout)
    return layout


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


def _river_anchors(rng: np.random.Generator, layout: _Layout, n: int, spread: float):
    along = rng.uniform(0.0, layout.river.length, n)
    here = shapely.get_coordinates(shapely.line_interpolate_point(layout.river, along))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(layout.river, along + 10.0))
    angle = np.arctan2(ahead[:, 1] - here[:, 1], ahead[:, 0] - here[:, 0])
    offset = (np.abs(rng.normal(0.0, spread, n)) + 60.0) * rng.choice([-1.0, 1.0], n)
    normal = np.column_stack([-np.sin(angle), np.cos(angle)])
    return here + normal * offset[:, None], angle


def _settlement_anchors(rng: np.random.Generator, layout: _Layout, n: int, spread: float):
    index = rng.integers(0, len(layout.settlement_xy), n)
    xy = layout.settlement_xy[index] + rng.normal(0.0, spread, (n, 2))
    return xy, layout.settlement_angle[index]


def _steppe_anchors(rng: np.random.Generator, layout: _Layout, n: int):
    minx, miny, maxx, maxy = layout.boundary.bounds
    return rng.uniform((minx, miny), (maxx, maxy), (n, 2)), rng.uniform(0.0, math.pi, n)


def _mixed_anchors(
    rng: np.random.Generator, layout: _Layout, n: int, mix: dict[str, tuple[float, float]]
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


def _fields(rng: np.random.Generator, layout: _Layout, n: int, mix: dict[str, tuple[float, float]]):
    """Irregular farmland quadrilaterals (0.5–15 亩) aligned with the river or village."""
    xy, angle, source = _mixed_anchors(rng, layout, n, mix)
    area = _log_uniform(rng, 0.6 * MU_M2, 14.0 * MU_M2, n)
    aspect = rng.uniform(1.2, 4.0, n)
    width = np.sqrt(area / aspect)
    quads = _oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.12, n))
    return _Candidates(_jitter(rng, quads, width, 0.04), source)


def _historical(rng: np.random.Generator, layout: _Layout, n: int) -> _Candidates:
    mix = {"river": (0.6, 1_400.0), "settlement": (0.3, 600.0), "steppe": (0.1, 0.0)}
    return _fields(rng, layout, n, mix)


def _key(rng: np.random.Generator, layout: _Layout, n: int) -> _Candidates:
    mix = {"river": (0.45, 1_800.0), "settlement": (0.25, 900.0), "steppe": (0.3, 0.0)}
    return _fields(rng, layout, n, mix)


def _courtyards(rng: np.random.Generator, layout: _Layout, n: int) -> _Candidates:
    """Small house yards and vegetable gardens clustered at settlements, street-aligned."""
    xy, angle = _settlement_anchors(rng, layout, n, 170.0)
    area = _log_uniform(rng, 110.0, 580.0, n)
    aspect = rng.uniform(1.0, 1.6, n)
    width = np.sqrt(area / aspect)
    quads = _oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.04, n))
    return _Candidates(quads, np.full(n, "settlement"))


def _greenhouses(rng: np.random.Generator, layout: _Layout, n: int) -> _Candidates:
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
    quads = _oriented_quads(xy, lengths, np.full(len(cluster), 8.0), angle[cluster])
    return _Candidates(quads, source[cluster])


def _others(rng: np.random.Generator, layout: _Layout, n: int) -> _Candidates:
    """Ditch banks, wood edges, waste slopes, abandoned yards: small, often elongated."""
    mix = {"river": (0.4, 600.0), "settlement": (0.3, 400.0), "steppe": (0.3, 0.0)}
    xy, angle, source = _mixed_anchors(rng, layout, n, mix)
    area = _log_uniform(rng, 75.0, 1_800.0, n)
    aspect = rng.uniform(1.0, 6.0, n)
    width = np.sqrt(area / aspect)
    quads = _oriented_quads(xy, width * aspect, width, angle + rng.normal(0.0, 0.2, n))
    return _Candidates(_jitter(rng, quads, width, 0.03), source)


_PLACEMENT_ORDER: tuple[PlotKind, ...] = ("courtyard", "greenhouse", "historical", "key", "other")
_SAMPLERS: dict[str, Callable[[np.random.Generator, _Layout, int], _Candidates]] = {
    "historical": _historical,
    "key": _key,
    "courtyard": _courtyards,
    "greenhouse": _greenhouses,
    "other": _others,
}


@dataclass(frozen=True)
class _Placed:
    """A placed plot before naming: kind, index into layout.grids, metric polygon."""

    kind: PlotKind
    grid: int
    geometry: Polygon
    source: str  # "river" | "settlement" | "steppe": where the sampler anchored it
    order: int  # placement order, the final tie-breaker when sorting


def _kind_counts(plot_count: int) -> dict[PlotKind, int]:
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


def _filter_candidates(kind: str, candidates: _Candidates, layout: _Layout, tree: shapely.STRtree):
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


def _place_plots(rng: np.random.Generator, layout: _Layout, plot_count: int) -> list[_Placed]:
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
_RISKS: tuple[RiskClass, ...] = ("key", "traditional", "potential")


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


def _risk(
    rng: np.random.Generator, kind: PlotKind, history: tuple[dict, ...], in_key_zone: bool
) -> RiskClass:
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


def _plot_name(
    rng: np.random.Generator,
    plot: _Placed,
    unit: str,
    surname: str,
    counters: dict[tuple[str, str], int],
) -> str:
    if plot.kind == "courtyard":
        return f"{surname}家{_YARD_SUFFIXES[int(rng.integers(0, len(_YARD_SUFFIXES)))]}"
    if plot.kind == "greenhouse":
        feature = unit.removesuffix("社区").removesuffix("村")
        suffix = "号大棚"
    elif plot.kind == "other":
        options = _OTHER_FEATURES[plot.source]
        feature, suffix = options[int(rng.integers(0, len(options)))], "号"
    else:
        options = _FIELD_FEATURES[plot.source]
        feature, suffix = options[int(rng.integers(0, len(options)))], "号地"
    counters[(unit, feature)] += 1
    return f"{feature}{counters[(unit, feature)]}{suffix}"


class _Namer:
    """Names, codes and responsible persons, with per-unit counters."""

    def __init__(self, rng: np.random.Generator, layout: _Layout, people: tuple[str, ...]) -> None:
        self.rng = rng
        self.unit_index = {name: i for i, (name, _k, _p) in enumerate(layout.units)}
        self.people = people
        self.features: dict[tuple[str, str], int] = defaultdict(int)
        self.serial: dict[str, int] = defaultdict(int)

    def locals_of(self, unit: str) -> tuple[str, ...]:
        number = self.unit_index[unit]
        return self.people[number * _NAMES_PER_UNIT : (number + 1) * _NAMES_PER_UNIT]

    def code(self, unit: str) -> str:
        self.serial[unit] += 1
        return f"WDH-{self.unit_index[unit] + 1:02d}-{self.serial[unit]:04d}"

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.integers(0, len(options)))]

    def plot_name(self, plot: _Placed, unit: str, household: str) -> str:
        if plot.kind == "courtyard":
            return f"{_surname(household)}家{self.pick(_YARD_SUFFIXES)}"
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


class _PlotRow(NamedTuple):
    code: str
    name: str
    unit: str
    grid: str
    kind: PlotKind
    risk: RiskClass
    geometry: Polygon  # metric
    responsible: str | None
    history: tuple[dict, ...]


def _finish_plots(
    rng: np.random.Generator, layout: _Layout, placed: list[_Placed], people: tuple[str, ...]
) -> list[_PlotRow]:
    """Codes, names, risk classes, responsible persons and histories, in unit/grid order."""
    namer = _Namer(rng, layout, people)
    key_zones = [zone for kind, _c, _n, zone, _u in layout.zones if kind == "key"]
    key_area = shapely.union_all(key_zones) if key_zones else Polygon()
    shapely.prepare(key_area)
    ordered = sorted(
        placed, key=lambda p: (namer.unit_index[layout.grids[p.grid][1]], p.grid, p.order)
    )
    rows: list[_PlotRow] = []
    for plot in ordered:
        grid_name, unit, _grid = layout.grids[plot.grid]
        household = namer.pick(namer.locals_of(unit))
        history = _planting_history(rng) if plot.kind == "historical" else ()
        centroid = plot.geometry.centroid
        in_key_zone = bool(shapely.contains_xy(key_area, centroid.x, centroid.y))
        rows.append(
            _PlotRow(
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


def _ensure_unassigned_historical(rows: list[_PlotRow]) -> list[_PlotRow]:
    """The demo must show at least one historical plot without a responsible person."""
    historical = [i for i, row in enumerate(rows) if row.kind == "historical"]
    if historical and all(rows[i].responsible is not None for i in historical):
        rows[historical[0]] = rows[historical[0]]._replace(responsible=None)
    return rows


# --------------------------------------------------------------------------- assembly


def _checked_units(unit_names: Sequence[tuple[str, str]]) -> tuple[tuple[str, UnitKind], ...]:
    names = [name for name, _kind in unit_names]
    if not names:
        raise ValueError("unit_names must not be empty")
    if len(set(names)) != len(names):
        raise ValueError("unit names must be unique")
    bad = {kind for _name, kind in unit_names} - {"village", "community"}
    if bad:
        raise ValueError(f"unit kinds must be 'village' or 'community', got {sorted(bad)}")
    return cast(tuple[tuple[str, UnitKind], ...], tuple(unit_names))


def _to_wgs84_all(geometries: list[BaseGeometry]) -> list[BaseGeometry]:
    """Project many geometries at once and orient polygon rings counter-clockwise."""
    if not geometries:
        return []
    array = to_wgs84(np.asarray(geometries, dtype=object))
    return list(shapely.orient_polygons(array))


def _assemble(layout: _Layout, rows: list[_PlotRow], people: tuple[str, ...]) -> SyntheticTown:
    """Project everything to WGS84 in one go and build the public dataclasses."""
    # Straight UTM segments are slightly curved in lon/lat; densifying the tiling keeps the
    # outlines of neighbouring tiles and of the town within millimetres after projection.
    outlines = [layout.boundary] + [poly for _n, _k, poly in layout.units]
    outlines += [poly for _n, _p, poly in layout.grids]
    metric: list[BaseGeometry] = [layout.river]
    metric += list(shapely.segmentize(outlines, _OUTLINE_SEGMENT_M))
    metric += [zone for _k, _c, _n, zone, _u in layout.zones] + [row.geometry for row in rows]
    metric += list(shapely.points(layout.settlement_xy)) if len(layout.settlement_xy) else []
    projected = iter(_to_wgs84_all(metric))

    river, boundary = next(projected), next(projected)
    units = [SyntheticUnit(n, k, None, next(projected)) for n, k, _p in layout.units]
    units += [SyntheticUnit(n, "grid", p, next(projected)) for n, p, _g in layout.grids]
    zones = [
        SyntheticZone(code, name, kind, next(projected), unit)
        for kind, code, name, _zone, unit in layout.zones
    ]
    plots = [SyntheticPlot(**{**row._asdict(), "geometry": next(projected)}) for row in rows]
    settlements: dict[str, list[Point]] = {name: [] for name, _k, _p in layout.units}
    for owner in layout.settlement_unit:
        settlements[owner].append(next(projected))
    return SyntheticTown(
        name=TOWN_NAME,
        boundary=boundary,
        units=tuple(units),
        plots=tuple(plots),
        zones=tuple(zones),
        river=river,
        settlements={name: tuple(points) for name, points in settlements.items()},
        people=people,
    )


def generate_town(
    *,
    seed: int = 22,
    plot_count: int = 300,
    center: tuple[float, float] = (108.6, 37.9),
    unit_names: Sequence[tuple[str, str]] | None = None,
) -> SyntheticTown:
    """Generate the synthetic town; same arguments → identical output.

    `unit_names` is a sequence of (name, "village" | "community"); defaults to the 14
    villages and 2 communities of 无定河镇. `center` is (lon, lat) of the town. The layout
    (boundary, units, grids, river, settlements, zones, people) depends on `seed`, `center`
    and `unit_names` only, not on `plot_count`.
    """
    if plot_count < 0:
        raise ValueError("plot_count must be ≥ 0")
    names = _checked_units(DEFAULT_UNITS if unit_names is None else unit_names)
    layout = _make_layout(seed, center, names)
    people = person_names(_NAMES_PER_UNIT * len(names), seed=seed)
    plot_rng, attr_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, 2]).spawn(2)
    )
    placed = _place_plots(plot_rng, layout, plot_count)
    return _assemble(layout, _finish_plots(attr_rng, layout, placed, people), people)
