"""Map payloads: what is in view, simplified for the zoom (pure: no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

# Below this zoom a plot is a few pixels wide: send its centre as a point (clustered in the
# browser) instead of its outline.
POINT_ZOOM_BELOW = 13
MAX_ZOOM = 22


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
    """Rows with "geometry" (GeoJSON) and other properties → a simplified FeatureCollection."""
    rows = list(rows)
    points = zoom < POINT_ZOOM_BELOW if as_points is None else as_points
    if not rows:
        return {"type": "FeatureCollection", "features": []}
    geoms = np.array([shape(row["geometry"]) for row in rows], dtype=object)
    if points:
        geoms = shapely.point_on_surface(geoms)
    else:
        geoms = shapely.simplify(geoms, tolerance_deg(zoom), preserve_topology=True)
        geoms = shapely.set_precision(geoms, 1e-6)
    features = []
    for row, geom in zip(rows, geoms, strict=True):
        properties = {k: v for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": properties})
    return {"type": "FeatureCollection", "features": features}
