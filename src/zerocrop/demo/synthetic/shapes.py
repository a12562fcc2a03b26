"""Geometry helpers in metres: blobs, warped Voronoi tilings, point sampling, rectangles.

Pure module (no Django).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely import LineString, Polygon
from shapely.geometry.base import BaseGeometry


def polar_blob(
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


def polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    """All non-empty polygons inside any (multi/collection) geometry."""
    parts: list[Polygon] = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, Polygon):
            if not part.is_empty and part.area > 0:
                parts.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts.extend(polygon_parts(part))
    return parts


def largest_polygon(geometry: BaseGeometry) -> Polygon | None:
    parts = polygon_parts(geometry)
    return max(parts, key=lambda p: p.area) if parts else None


class Warp:
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


def merge_orphans(tiles: list[Polygon], orphans: list[Polygon]) -> list[Polygon]:
    """Merge each stray piece into the tile it shares the longest border with, so the tiles
    still cover the same region exactly."""
    for orphan in sorted(orphans, key=lambda p: p.area, reverse=True):
        shared = shapely.length(shapely.intersection(orphan.boundary, shapely.boundary(tiles)))
        target = int(np.argmax(shared))
        merged = largest_polygon(shapely.union(tiles[target], orphan))
        tiles[target] = merged if merged is not None else tiles[target]
    return tiles


def voronoi_tiles(seeds: np.ndarray, region: Polygon, warp: Warp | None) -> list[Polygon]:
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
        return voronoi_tiles(seeds, region, None)
    tiles: list[Polygon] = []
    for group in groups:
        parts = sorted(polygon_parts(shapely.union_all(group)), key=lambda p: p.area, reverse=True)
        tiles.append(parts[0])
        orphans.extend(parts[1:])
    return merge_orphans(tiles, orphans)


def random_points(rng: np.random.Generator, region: BaseGeometry, count: int) -> np.ndarray:
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


def spread_points(
    rng: np.random.Generator,
    region: BaseGeometry,
    count: int,
    *,
    candidates: int = 30,
) -> np.ndarray:
    """Mitchell's best-candidate sampling: well spread but irregular points inside `region`."""
    chosen: list[np.ndarray] = []
    for _ in range(count):
        pool = random_points(rng, region, candidates)
        if chosen:
            dist = np.linalg.norm(pool[:, None, :] - np.asarray(chosen)[None, :, :], axis=2)
            chosen.append(pool[int(np.argmax(dist.min(axis=1)))])
        else:
            chosen.append(pool[0])
    return np.asarray(chosen)


def river_side(river: LineString, xy: np.ndarray) -> np.ndarray:
    """+1 for points left of the river's direction of travel (north bank for a W→E river)."""
    points = shapely.points(xy)
    along = shapely.line_locate_point(river, points)
    here = shapely.get_coordinates(shapely.line_interpolate_point(river, along))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(river, along + 5.0))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(river, along - 5.0))
    tangent = ahead - behind
    offset = xy - here
    return np.sign(tangent[:, 0] * offset[:, 1] - tangent[:, 1] * offset[:, 0])


def oriented_quads(
    center: np.ndarray, length: np.ndarray, width: np.ndarray, angle: np.ndarray
) -> np.ndarray:
    """(n, 4, 2) corner arrays of rectangles, counter-clockwise."""
    u = np.column_stack([np.cos(angle), np.sin(angle)])
    v = np.column_stack([-np.sin(angle), np.cos(angle)])
    signs = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float)
    half_l = (length / 2.0)[:, None, None] * signs[None, :, 0:1] * u[:, None, :]
    half_w = (width / 2.0)[:, None, None] * signs[None, :, 1:2] * v[:, None, :]
    return center[:, None, :] + half_l + half_w


def compass(dx: float, dy: float) -> str:
    names = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")
    return names[int(round(math.atan2(dy, dx) / (math.pi / 4))) % 8]
