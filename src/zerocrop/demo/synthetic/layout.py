"""The town layout in UTM metres: boundary, river, seat, villages, grids, settlements, zones.

Pure module (no Django). Each part draws from its own random stream of the seed, so the layout
does not change with the number of plots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.optimize import linear_sum_assignment
from shapely import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from zerocrop.demo.synthetic.shapes import (
    Warp,
    compass,
    largest_polygon,
    merge_orphans,
    polar_blob,
    polygon_parts,
    random_points,
    river_side,
    spread_points,
    voronoi_tiles,
)
from zerocrop.demo.synthetic.spec import METRIC_CRS, ZONE_LABELS, UnitKind
from zerocrop.geo.crs import WGS84, project_geometry

_TOWN_SEMI_AXES_M = (12_500.0, 10_000.0)  # roughly 25 km × 20 km
_SEAT_SEMI_AXES_M = (1_600.0, 1_000.0)
_RIVER_HALF_LENGTH_M = 17_000.0
_RIVER_HALF_WIDTH_M = 25.0
_ZONE_MARGIN_M = 2.0

_UnitDraft = tuple[str, UnitKind, Polygon]  # (name, kind, metric polygon)
_GridDraft = tuple[str, str, Polygon]  # (name, parent unit name, metric polygon)
_ZoneDraft = tuple[str, str, str, Polygon, str | None]  # (kind, code, name, polygon, unit)


@dataclass
class Layout:
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
    north = river_side(river, seeds) > 0
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
    sides = river_side(river, shapely.get_coordinates(shapely.point_on_surface(faces)))
    banks = [
        shapely.union_all([f for f, side in zip(faces, sides, strict=True) if side == sign])
        for sign in (1.0, -1.0)
    ]
    if any(bank.is_empty for bank in banks):
        return [seat]
    tiles: list[Polygon] = []
    orphans: list[Polygon] = []
    for bank in banks:
        parts = sorted(polygon_parts(bank), key=lambda p: p.area, reverse=True)
        tiles.append(parts[0])
        orphans.extend(parts[1:])
    return merge_orphans(tiles, orphans)


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
    warp = Warp(rng, scale=0.25)
    for bank, group in zip(banks, groups, strict=True):
        seeds = spread_points(rng, bank, len(group))
        for name, tile in zip(group, voronoi_tiles(seeds, bank, warp), strict=True):
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
    warp = Warp(rng)
    if villages:
        region = largest_polygon(boundary.difference(seat)) if communities else boundary
        seeds = spread_points(rng, region.difference(seat.buffer(1_500.0)), len(villages))
        tiles = voronoi_tiles(seeds, region, warp)
        for name, index in zip(villages, _assign_names(villages, seeds, river, rng), strict=True):
            polygons[name] = tiles[index]
    if communities:
        polygons.update(_make_communities(rng, seat, river, communities))
    return [(name, kind, polygons[name]) for name, kind in unit_names]


def _make_grids(rng: np.random.Generator, units: list[_UnitDraft]) -> list[_GridDraft]:
    """2–4 grids (网格) per unit, warped Voronoi cells inside the unit."""
    grids: list[_GridDraft] = []
    warp = Warp(rng, scale=0.4)
    for name, kind, polygon in units:
        count = 2 if kind == "community" else int(rng.integers(3, 5))
        inner = polygon.buffer(-polygon.length / 40.0)
        seeds = spread_points(rng, inner if inner.area > 0 else polygon, count, candidates=12)
        for i, tile in enumerate(voronoi_tiles(seeds, polygon, warp), start=1):
            grids.append((f"{name}第{i}网格", name, tile))
    return grids


def _make_settlements(
    rng: np.random.Generator, layout: Layout
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
        pool = random_points(rng, inner if inner.area > 1e4 else polygon, 200)
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
    return largest_polygon(union) or Polygon()


def _unit_of(polygon: Polygon, units: list[_UnitDraft]) -> str | None:
    """The unit holding ≥ 99 % of `polygon`, else None."""
    for name, _kind, unit in units:
        if unit.intersection(polygon).area >= 0.99 * polygon.area:
            return name
    return None


def _clip_zone(shape: Polygon, limit: Polygon, taken: BaseGeometry) -> Polygon | None:
    clipped = largest_polygon(shape.intersection(limit).difference(taken))
    if clipped is None or clipped.area < 2e5:
        return None
    return clipped


def _key_zones(rng: np.random.Generator, layout: Layout, count: int) -> list[Polygon]:
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
    rng: np.random.Generator, layout: Layout, count: int, taken: BaseGeometry
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
    rng: np.random.Generator, layout: Layout, count: int, taken: BaseGeometry
) -> list[Polygon]:
    """Larger blobs over the steppe, away from the river (荒坡, 林缘, 沙地)."""
    zones: list[Polygon] = []
    far = layout.boundary.difference(layout.river.buffer(3_000.0)).buffer(-800.0)
    limit = layout.boundary.buffer(-_ZONE_MARGIN_M)
    for _ in range(count * 6):
        if len(zones) == count or far.is_empty:
            break
        center = random_points(rng, far, 1)[0]
        centers = np.vstack([center, center + rng.normal(0.0, 900.0, (5, 2))])
        shape = _blob_union(rng, centers, rng.uniform(700.0, 1_100.0))
        zone = _clip_zone(shape, limit, taken)
        if zone is not None:
            zones.append(zone)
            taken = taken.union(zone.buffer(50.0))
    return zones


def _name_zones(
    rng: np.random.Generator, layout: Layout, kind: str, zones: list[Polygon]
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
        where = unit or compass(centroid.x - layout.origin[0], centroid.y - layout.origin[1]) + "部"
        code = f"{prefix}-{i:02d}"
        named.append((kind, code, f"{where}{feature}{ZONE_LABELS[kind]}", zone, unit))
    return named


def _make_zones(rng: np.random.Generator, layout: Layout) -> list[_ZoneDraft]:
    key = _key_zones(rng, layout, 5)
    taken = shapely.union_all([z.buffer(50.0) for z in key]) if key else Polygon()
    traditional = _traditional_zones(rng, layout, 6, taken)
    taken = shapely.union_all([taken, *[z.buffer(50.0) for z in traditional]])
    potential = _potential_zones(rng, layout, 4, taken)
    named: list[_ZoneDraft] = []
    batches: tuple[tuple[str, list[Polygon]], ...] = (
        ("key", key),
        ("traditional", traditional),
        ("potential", potential),
    )
    for kind, zones in batches:
        named.extend(_name_zones(rng, layout, kind, zones))
    return named


def make_layout(
    seed: int, center: tuple[float, float], unit_names: Sequence[tuple[str, UnitKind]]
) -> Layout:
    """Boundary, river, seat, units, grids, settlements and zones, each from its own stream."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 1]).spawn(6)]
    origin = np.asarray(
        shapely.get_coordinates(project_geometry(Point(center), WGS84, METRIC_CRS))[0]
    )
    axis = math.radians(streams[0].uniform(12.0, 35.0))  # the valley runs SW→NE
    boundary = polar_blob(
        streams[0], origin, _TOWN_SEMI_AXES_M, axis, vertices=220, wobble=0.35, jitter=0.006
    )
    river = _make_river(streams[1], origin, axis + math.radians(streams[1].uniform(-8.0, 8.0)))
    seat_at = river.interpolate(
        river.project(Point(origin)) + streams[1].uniform(-1_500.0, 1_500.0)
    )
    seat_center = np.asarray(seat_at.coords[0])
    seat = polar_blob(
        streams[1], seat_center, _SEAT_SEMI_AXES_M, axis, vertices=60, wobble=0.25, jitter=0.01
    )
    seat = largest_polygon(seat.intersection(boundary)) or seat
    units = _make_units(streams[2], boundary, seat, river, unit_names)
    layout = Layout(
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
