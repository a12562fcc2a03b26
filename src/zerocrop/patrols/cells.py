"""Split survey zones into square task cells (网格). Pure module: no Django.

The grid is laid in the zone's UTM zone with its lines on whole multiples of the cell size,
so the same zone always yields the same cells and neighbouring zones share grid lines.
Rows count from the north (row 0 is the northernmost row of the zone), columns from the
west, giving ids such as ``"Z1-r03c07"``.

Slivers — clipped cells smaller than ``min_fraction`` of a full cell — are merged into the
neighbouring cell they share the longest border with, so nobody is sent to walk a 3 m² scrap
of a cell and yet no ground is lost: the cells still tile the zone exactly. A sliver that
touches no full cell along an edge (a zone smaller than one sliver, an islet) stays a cell
of its own.

``clip_to_units`` then cuts the cells along village boundaries (one task per village part) and
``unique_codes`` makes the codes of a round's tasks distinct whatever the plot and zone codes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import WGS84, get_transformer, utm_epsg_for

DEFAULT_CELL_M = 200.0
DEFAULT_MIN_FRACTION = 0.25
SNAP_M = 1e-4
DUST_M2 = 1e-3  # clipping noise, not ground
MIN_UNIT_SHARE = 0.2  # a village part smaller than this share of its cell is left to the neighbour
COORD_DECIMALS = 7  # ~1 cm, as geo.geometry stores every located object

# A round is created in one short database transaction and walked by a township's few dozen
# grid workers: 20 000 tasks (40 m cells over a whole township) is far beyond any real round.
MAX_CELLS_PER_ROUND = 20_000
MAX_CELLS_HELP = f"每轮最多 {MAX_CELLS_PER_ROUND} 个踏查任务"


def too_many_cells_message(count: int, limit: int = MAX_CELLS_PER_ROUND) -> str:
    return f"将生成 {count} 个踏查任务，超过每轮上限 {limit} 个；请加大网格边长或减少所选村（社区）"


@dataclass(frozen=True)
class GridCell:
    """One task cell: WGS84 geometry, its metric area and grid position."""

    id: str
    zone_id: str
    row: int
    col: int
    geometry: BaseGeometry
    area_m2: float
    merged: tuple[str, ...] = ()


def _utm_transformers(zone: BaseGeometry) -> tuple[Transformer, Transformer]:
    centre = zone.centroid
    utm = f"EPSG:{utm_epsg_for(centre.x, centre.y)}"
    return get_transformer(WGS84, utm), get_transformer(utm, WGS84)


def _apply(transformer: Transformer, geom: BaseGeometry) -> BaseGeometry:
    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


@dataclass
class _Piece:
    row: int
    col: int
    geom: BaseGeometry
    area: float
    merged: list[str]


def _clip_grid(zone: BaseGeometry, size: float) -> list[_Piece]:
    # Round-tripping through WGS84 leaves micrometre noise on grid-aligned edges: snap it.
    xmin, ymin, xmax, ymax = zone.bounds
    c0, c1 = math.floor((xmin + SNAP_M) / size), math.ceil((xmax - SNAP_M) / size)
    r0, r1 = math.floor((ymin + SNAP_M) / size), math.ceil((ymax - SNAP_M) / size)
    gx, gy = np.meshgrid(np.arange(c0, c1), np.arange(r0, r1))
    gx, gy = gx.ravel(), gy.ravel()
    boxes = shapely.box(gx * size, gy * size, (gx + 1) * size, (gy + 1) * size)
    shapely.prepare(zone)
    hit = shapely.intersects(zone, boxes)
    parts = shapely.intersection(zone, boxes[hit])
    parts = shapely.make_valid(parts)
    parts = np.array([_polygonal(p) for p in parts], dtype=object)
    areas = shapely.area(parts)
    top = r1 - 1
    return [
        _Piece(int(top - gy_), int(gx_ - c0), part, float(area), [])
        for gx_, gy_, part, area in zip(gx[hit], gy[hit], parts, areas, strict=True)
        if area > DUST_M2
    ]


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts (clipping can leave stray lines or points on grid lines)."""
    if geom.geom_type in {"Polygon", "MultiPolygon"}:
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _cell_id(zone_id: str, row: int, col: int, width: int) -> str:
    return f"{zone_id}-r{row:0{width}d}c{col:0{width}d}"


def _merge_slivers(pieces: list[_Piece], threshold: float, zone_id: str, width: int) -> None:
    by_pos = {(p.row, p.col): p for p in pieces}
    slivers = sorted((p for p in pieces if p.area < threshold), key=lambda p: (p.row, p.col))
    for sliver in slivers:
        best, best_len = None, 0.0
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            other = by_pos.get((sliver.row + dr, sliver.col + dc))
            if other is None or other.area < threshold:
                continue
            shared = shapely.length(shapely.intersection(sliver.geom, other.geom.boundary))
            if shared > best_len:
                best, best_len = other, shared
        if best is None:
            continue
        best.geom = shapely.union_all([best.geom, sliver.geom])
        best.merged.append(_cell_id(zone_id, sliver.row, sliver.col, width))
        del by_pos[(sliver.row, sliver.col)]
    pieces[:] = sorted(by_pos.values(), key=lambda p: (p.row, p.col))


def split_zone(
    zone_id: str,
    zone: BaseGeometry,
    *,
    size_m: float = DEFAULT_CELL_M,
    min_fraction: float = DEFAULT_MIN_FRACTION,
) -> list[GridCell]:
    """Square cells of ``size_m`` metres covering the WGS84 ``zone`` polygon exactly.

    Cells are returned row by row from the north-west; ``merged`` lists the ids of the
    slivers a cell absorbed.
    """
    if not size_m > 0:
        raise ValueError("size_m must be positive")
    if not 0 <= min_fraction < 1:
        raise ValueError("min_fraction must be in [0, 1)")
    if zone.is_empty or zone.geom_type not in {"Polygon", "MultiPolygon"}:
        raise ValueError(f"zone {zone_id!r} is not a polygon")
    forward, inverse = _utm_transformers(zone)
    metric = shapely.make_valid(_apply(forward, zone))
    pieces = _clip_grid(metric, size_m)
    rows = max((p.row for p in pieces), default=0)
    cols = max((p.col for p in pieces), default=0)
    width = max(2, len(str(max(rows, cols))))
    _merge_slivers(pieces, min_fraction * size_m * size_m, zone_id, width)
    return [
        GridCell(
            id=_cell_id(zone_id, p.row, p.col, width),
            zone_id=zone_id,
            row=p.row,
            col=p.col,
            geometry=_apply(inverse, p.geom),
            area_m2=float(shapely.area(p.geom)),
            merged=tuple(p.merged),
        )
        for p in pieces
    ]


def split_zones(
    zones: Iterable[tuple[str, BaseGeometry]],
    *,
    size_m: float = DEFAULT_CELL_M,
    min_fraction: float = DEFAULT_MIN_FRACTION,
) -> list[GridCell]:
    """``split_zone`` for several (zone_id, polygon) pairs, in the given order."""
    cells: list[GridCell] = []
    for zone_id, zone in zones:
        cells.extend(split_zone(zone_id, zone, size_m=size_m, min_fraction=min_fraction))
    return cells


@dataclass(frozen=True)
class UnitPart:
    """The part of a grid cell inside one unit outline: a task of its own."""

    cell: GridCell
    unit_index: int
    geometry: BaseGeometry
    bounds: tuple[float, float, float, float]
    area_m2: float


def clip_to_units(
    cells: list[GridCell], outlines: list[BaseGeometry], *, min_share: float = MIN_UNIT_SHARE
) -> list[UnitPart]:
    """Cut each cell along the unit outlines, vectorised; in cell order, then outline order.

    Parts under ``min_share`` of their cell are dropped (the neighbouring unit's part covers
    the cell). Areas scale the cell's metric area by the part's share of it: within one cell
    the projection's scale does not change measurably.
    """
    if not cells or not outlines:
        return []
    grid = np.array([c.geometry for c in cells], dtype=object)
    shapes = np.array(outlines, dtype=object)
    cell_idx, unit_idx = shapely.STRtree(shapes).query(grid, predicate="intersects")
    order = np.lexsort((unit_idx, cell_idx))
    cell_idx, unit_idx = cell_idx[order], unit_idx[order]
    parts = shapely.intersection(grid[cell_idx], shapes[unit_idx])
    whole = shapely.area(grid[cell_idx])
    share = np.divide(shapely.area(parts), whole, out=np.zeros(len(parts)), where=whole > 0)
    keep = share >= min_share
    cell_idx, unit_idx, share = cell_idx[keep], unit_idx[keep], share[keep]
    parts = shapely.make_valid(parts[keep])
    parts = np.array([_polygonal(p) for p in parts], dtype=object)
    parts = shapely.set_precision(parts, 10**-COORD_DECIMALS)
    bounds = shapely.bounds(parts)
    return [
        UnitPart(cells[c], int(u), part, tuple(map(float, b)), round(cells[c].area_m2 * f, 2))
        for c, u, part, b, f in zip(cell_idx, unit_idx, parts, bounds, share, strict=True)
        if not part.is_empty
    ]


def unique_codes(codes: list[str], *, max_length: int = 80) -> list[str]:
    """The codes, with a repeat made distinct by a suffix (-2, -3, …) in order of appearance."""
    taken = {code[:max_length] for code in codes}
    seen: set[str] = set()
    out = []
    for code in codes:
        code = code[:max_length]
        if code in seen:
            n = 2
            while (candidate := f"{code[: max_length - len(str(n)) - 1]}-{n}") in taken:
                n += 1
            code = candidate
            taken.add(code)
        seen.add(code)
        out.append(code)
    return out
