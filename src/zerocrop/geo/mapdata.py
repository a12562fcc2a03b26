"""Map payloads: what is in view, simplified for the zoom (pure: no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

# Below zoom 14 a 20–70 m plot is a few pixels wide: the map gets clusters and points instead
# of outlines. Above it, a view with more plots than MAX_OUTLINES still gets clusters.
POINT_ZOOM_BELOW = 14
MAX_OUTLINES = 4000
MAX_ZOOM = 22
CLUSTER_CELL_PX = 64
RISK_ORDER = ("key", "traditional", "potential")


def tolerance_deg(zoom: int) -> float:
    """About a third of a screen pixel at this zoom, in degrees (256-px Web Mercator tiles)."""
    zoom = max(0, min(zoom, MAX_ZOOM))
    return 360.0 / (256 * 2**zoom) / 3


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """ "min_lon,min_lat,max_lon,max_lat" → tuple; ValueError with a Chinese message."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise ValueError(
            f"bbox「{text}」应为 4 个数字：最小经度,最小纬度,最大经度,最大纬度"
        ) from exc
    if len(values) != 4 or not all(np.isfinite(values)):
        raise ValueError(f"bbox「{text}」应为 4 个数字：最小经度,最小纬度,最大经度,最大纬度")
    min_lon, min_lat, max_lon, max_lat = values
    if min_lon > max_lon or min_lat > max_lat:
        raise ValueError(f"bbox「{text}」的最小值大于最大值")
    return min_lon, min_lat, max_lon, max_lat


def feature_collection(
    rows: Iterable[Mapping[str, Any]], *, zoom: int, as_points: bool | None = None
) -> dict[str, Any]:
    """Rows with "geometry" and other properties → a simplified FeatureCollection.

    "geometry" is a GeoJSON mapping, or GeoJSON text (as stored: parsed in C, much faster
    than building shapes from mappings in Python).
    """
    rows = list(rows)
    points = zoom < POINT_ZOOM_BELOW if as_points is None else as_points
    if not rows:
        return {"type": "FeatureCollection", "features": []}
    geoms = _shapes([row["geometry"] for row in rows])
    if points:
        geoms = shapely.point_on_surface(geoms)
    else:
        geoms = shapely.simplify(geoms, tolerance_deg(zoom), preserve_topology=True)
        # ~10 cm is finer than any screen pixel at MAX_ZOOM; exteriors counter-clockwise (RFC 7946).
        geoms = shapely.orient_polygons(shapely.set_precision(geoms, 1e-6, mode="pointwise"))
    features = []
    for row, geometry in zip(rows, geometry_mappings(geoms), strict=True):
        properties = {k: v for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _shapes(geometries: list[Mapping[str, Any] | str]) -> np.ndarray:
    if all(isinstance(g, str) for g in geometries):
        return shapely.from_geojson(np.array(geometries, dtype=object))
    return np.array(
        [shapely.from_geojson(g) if isinstance(g, str) else shape(g) for g in geometries],
        dtype=object,
    )


def geometry_mappings(geoms: np.ndarray) -> list[dict[str, Any]]:
    """GeoJSON mappings of many geometries; the same JSON as `shapely.geometry.mapping`.

    Non-empty 2D points and polygons (all the map sends for plots) are read out in bulk
    instead of one Python object per coordinate; coordinates come as lists where `mapping`
    gives tuples, which serialise identically. Anything else goes through `mapping`.
    """
    out: list[dict[str, Any] | None] = [None] * len(geoms)
    type_ids = shapely.get_type_id(geoms)
    plain = ~shapely.is_empty(geoms) & ~shapely.has_z(geoms)
    point_index = np.flatnonzero(plain & (type_ids == shapely.GeometryType.POINT))
    if len(point_index):
        xy = shapely.get_coordinates(geoms[point_index]).tolist()
        for i, coordinates in zip(point_index.tolist(), xy, strict=True):
            out[i] = {"type": "Point", "coordinates": coordinates}
    polygon_index = np.flatnonzero(plain & (type_ids == shapely.GeometryType.POLYGON))
    if len(polygon_index):
        _, coords, (ring_offsets, polygon_offsets) = shapely.to_ragged_array(
            geoms[polygon_index], include_z=False
        )
        xy = coords.tolist()
        bounds = ring_offsets.tolist()
        rings = [xy[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]
        starts = polygon_offsets.tolist()
        for i, start, end in zip(polygon_index.tolist(), starts[:-1], starts[1:], strict=True):
            out[i] = {"type": "Polygon", "coordinates": rings[start:end]}
    return [mapping(geom) if item is None else item for geom, item in zip(geoms, out, strict=True)]


def clustered_points(
    rows: list[dict[str, Any]], bounds: np.ndarray, *, zoom: int
) -> dict[str, Any]:
    """Plots as points at low zoom, with plots sharing a ~64 px cell merged into one cluster.

    `bounds` holds each row's (min_lon, min_lat, max_lon, max_lat); its centre places the
    point, so no outline is read. A cluster carries its count, its counts per risk class and
    the bbox to zoom to; a lone plot keeps its own properties.
    """
    if not rows:
        return {"type": "FeatureCollection", "features": []}
    lon = (bounds[:, 0] + bounds[:, 2]) / 2
    lat = (bounds[:, 1] + bounds[:, 3]) / 2
    cell = CLUSTER_CELL_PX * 360.0 / (256 * 2 ** max(0, min(zoom, MAX_ZOOM)))
    cell_lat = cell * np.cos(np.radians(np.median(lat)))
    keys = np.floor(lon / cell).astype(np.int64) * 1_000_003 + np.floor(lat / cell_lat).astype(
        np.int64
    )
    _, group, counts = np.unique(keys, return_inverse=True, return_counts=True)
    features: list[dict[str, Any]] = []
    for g in np.flatnonzero(counts > 1).tolist():
        members = np.flatnonzero(group == g)
        risks = [rows[i]["risk"] for i in members.tolist()]
        by_risk = {r: risks.count(r) for r in RISK_ORDER if r in risks}
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(lon[members].mean()), 6),
                        round(float(lat[members].mean()), 6),
                    ],
                },
                "properties": {
                    "cluster": True,
                    "count": int(len(members)),
                    "risk": next(iter(by_risk)),
                    "risks": by_risk,
                    "bbox": [
                        round(float(bounds[members, 0].min()), 6),
                        round(float(bounds[members, 1].min()), 6),
                        round(float(bounds[members, 2].max()), 6),
                        round(float(bounds[members, 3].max()), 6),
                    ],
                },
            }
        )
    for i in np.flatnonzero(counts[group] == 1).tolist():
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(lon[i]), 6), round(float(lat[i]), 6)],
                },
                "properties": rows[i],
            }
        )
    return {"type": "FeatureCollection", "features": features}
