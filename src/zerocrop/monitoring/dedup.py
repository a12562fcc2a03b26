"""Same-batch near-duplicates, distances in metres, and a batch's fingerprint.

Pure module (no Django). Two targets of one batch whose positions lie within the matching
distance are one site: the first in file order is kept, the others merged into it (their codes
kept). Distances between a target and a plot or finding are measured on shapely geometries
projected to the local UTM zone (0 m when the target lies inside the plot).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from zerocrop.geo import crs as crs_mod

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Site:
    key: int  # the caller's index
    code: str
    lon: float
    lat: float


@dataclass
class Group:
    kept: Site
    merged: list[tuple[Site, float]] = field(default_factory=list)  # (site, metres to kept)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(crs_mod.haversine_m(lon1, lat1, lon2, lat2))


def merge_near(sites: Sequence[Site], distance_m: float) -> list[Group]:
    """Groups in file order; a site joins the first kept site within `distance_m`."""
    groups: list[Group] = []
    if distance_m <= 0:
        return [Group(kept=s) for s in sites]
    cell = distance_m / METRES_PER_DEGREE_LAT  # degrees of latitude; longitude cells wider
    grid: dict[tuple[int, int], list[Group]] = {}
    for site in sites:
        lon_cell = cell / max(math.cos(math.radians(site.lat)), 0.01)
        cx, cy = math.floor(site.lon / lon_cell), math.floor(site.lat / cell)
        best: tuple[float, Group] | None = None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for group in grid.get((cx + dx, cy + dy), []):
                    gap = haversine_m(site.lon, site.lat, group.kept.lon, group.kept.lat)
                    if gap <= distance_m and (best is None or gap < best[0]):
                        best = (gap, group)
        if best is not None:
            best[1].merged.append((site, round(best[0], 1)))
            continue
        group = Group(kept=site)
        groups.append(group)
        grid.setdefault((cx, cy), []).append(group)
    return groups


def fingerprint(codes: Iterable[str]) -> str:
    """sha256 over the sorted distinct codes: the same list of targets gives the same value."""
    text = "\n".join(sorted({c.strip() for c in codes if c and c.strip()}))
    return hashlib.sha256(text.encode()).hexdigest()


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Metres between two WGS84 geometries (0 when they touch or one covers the other)."""
    if a.is_empty or b.is_empty:
        return math.inf
    if a.intersects(b):
        return 0.0
    if a.geom_type == "Point" and b.geom_type == "Point":
        return haversine_m(a.x, a.y, b.x, b.y)
    projected_a, code = crs_mod.to_utm(a)
    projected_b = crs_mod.project_geometry(b, crs_mod.WGS84, code)
    return float(projected_a.distance(projected_b))


def expand_bbox(
    bounds: tuple[float, float, float, float], metres: float
) -> tuple[float, float, float, float]:
    """A WGS84 bbox grown by `metres` on every side (for a database prefilter)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    dlat = metres / METRES_PER_DEGREE_LAT
    dlon = dlat / max(math.cos(math.radians((min_lat + max_lat) / 2)), 0.01)
    return (min_lon - dlon, min_lat - dlat, max_lon + dlon, max_lat + dlat)
