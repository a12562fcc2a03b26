"""Helpers for the synthetic town's tests: metric projection, tiling and overlap checks, digest."""

from __future__ import annotations

import hashlib

import numpy as np
import shapely
from shapely import Polygon

from zerocrop.demo.synthetic import METRIC_CRS, SyntheticTown
from zerocrop.geo.crs import WGS84, project_geometry

TILE_TOLERANCE_DEG2 = 1e-9
LON_RANGE = (108.3, 108.9)
LAT_RANGE = (37.6, 38.2)


def to_metric(geometry):
    """WGS84 geometry (or geometries) → UTM 49N metres, where the generator works."""
    return project_geometry(geometry, WGS84, METRIC_CRS)


def top_units(town: SyntheticTown):
    return [unit for unit in town.units if unit.kind != "grid"]


def assert_tiles(parts: list[Polygon], whole: Polygon) -> None:
    """`parts` cover `whole` exactly and do not overlap (within the tolerance)."""
    union = shapely.union_all(parts)
    assert union.symmetric_difference(whole).area < TILE_TOLERANCE_DEG2
    tree = shapely.STRtree(parts)
    left, right = tree.query(parts, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(np.take(parts, left[pairs]), np.take(parts, right[pairs]))
    )
    assert float(overlap.sum()) < TILE_TOLERANCE_DEG2


def assert_no_overlaps(geometries: list[Polygon]) -> None:
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    clashes = [(int(a), int(b)) for a, b in zip(left, right, strict=True) if a != b]
    assert clashes == []


def town_digest(town: SyntheticTown) -> str:
    digest = hashlib.sha256()
    geometries = [town.boundary, town.river]
    geometries += [u.boundary for u in town.units] + [z.geometry for z in town.zones]
    geometries += [p.geometry for p in town.plots]
    geometries += [pt for points in town.settlements.values() for pt in points]
    for wkb in shapely.to_wkb(geometries):
        digest.update(wkb)
    for unit in town.units:
        digest.update(f"{unit.name}|{unit.kind}|{unit.parent}".encode())
    for zone in town.zones:
        digest.update(f"{zone.code}|{zone.name}|{zone.kind}|{zone.unit}".encode())
    for plot in town.plots:
        text = f"{plot.code}|{plot.name}|{plot.unit}|{plot.grid}|{plot.kind}|{plot.risk}|"
        digest.update(f"{text}{plot.responsible}|{plot.history!r}".encode())
    digest.update("|".join(town.people).encode())
    return digest.hexdigest()


def assert_in_region(geometry) -> None:
    minx, miny, maxx, maxy = geometry.bounds
    assert LON_RANGE[0] <= minx and maxx <= LON_RANGE[1]
    assert LAT_RANGE[0] <= miny and maxy <= LAT_RANGE[1]
