"""Geometry <-> stored columns (pure: no Django)."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import area_m2

COORD_DECIMALS = 7  # ~1 cm: more digits only bloat the stored GeoJSON


def located_fields(geom: BaseGeometry) -> dict[str, Any]:
    """The stored columns of a located object: GeoJSON, bbox and area in m²."""
    geom = shapely.set_precision(geom, 10**-COORD_DECIMALS) if not geom.is_empty else geom
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return {
        "geometry": mapping(geom),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "area_m2": round(area_m2(geom), 2) if geom.geom_type.endswith("Polygon") else 0.0,
    }
