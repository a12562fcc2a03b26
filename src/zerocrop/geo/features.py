"""Plain data carried between the geo readers, validation, writers and services.

Pure module: no Django import. Geometries are shapely geometries in WGS84 lon/lat once they
leave `read_geofile`; readers use the same dataclass for coordinates in the file's own CRS
before conversion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from zerocrop.core.errors import ApplicationError


class GeoFileError(ApplicationError):
    """A geo file (or one of its parts) was refused.

    `str(error)` is a complete Chinese sentence a township user can act on; `code` is a short
    English tag for programs and tests (e.g. "too_large", "xml_dtd", "zip_path").
    """

    default_code = "geo_file"


@dataclass
class GeoFeature:
    """One feature: geometry, attributes, optional name and per-vertex timestamps.

    `index` is the 0-based position of the feature in the source file (messages show
    `index + 1`). `times`, when present, holds one timezone-aware datetime per vertex in
    coordinate order (GPX/KML tracks), used later as patrol-track proof.
    """

    geometry: BaseGeometry
    properties: dict[str, object] = field(default_factory=dict)
    name: str | None = None
    index: int = 0
    times: list[datetime] | None = None
    code: str | None = None  # set from the column the user chose as 编号 (`geo.attributes`)

    @property
    def label(self) -> str:
        """Human label used in messages: 第3个要素「张三家地块」."""
        text = f"第{self.index + 1}个要素"
        if self.name:
            text += f"「{self.name}」"
        return text


def feature_label(index: int, name: str | None) -> str:
    """Same wording as `GeoFeature.label`, for places that have no feature yet."""
    return GeoFeature(geometry=shapely.Point(), index=index, name=name).label


@dataclass
class GeoPreview:
    """What a file holds, after conversion to WGS84 and validation, before anything is saved.

    `crs` is the source coordinate system as read or chosen ("EPSG:4524", "EPSG:4326",
    "GCJ02", "BD09"); `crs_label` is its Chinese description. `rejected` lists the messages of
    features that were left out (they are also in `warnings`). `source_format` names the
    detected format ("GeoJSON", "KML", "KMZ", "GPX", "Shapefile", "GeoPackage", "CSV", "XLSX").
    """

    features: list[GeoFeature]
    crs: str
    crs_label: str
    bbox: tuple[float, float, float, float]
    geometry_types: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    source_format: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": len(self.features),
            "crs": self.crs,
            "crs_label": self.crs_label,
            "bbox": [round(float(v), 9) for v in self.bbox],  # 1e-9° ≈ 0.1 mm
            "geometry_types": dict(self.geometry_types),
            "warnings": list(self.warnings),
        }


def count_geometry_types(geometries: Iterable[BaseGeometry]) -> dict[str, int]:
    counts = Counter(geom.geom_type for geom in geometries)
    return dict(sorted(counts.items()))


def total_bbox(geometries: list[BaseGeometry]) -> tuple[float, float, float, float]:
    if not geometries:
        raise GeoFileError("文件中没有可用的要素。", code="no_features")
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(geometries))
    return (minx, miny, maxx, maxy)
