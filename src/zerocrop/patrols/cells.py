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
