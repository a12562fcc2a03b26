"""Thin pyogrio (GDAL) layer reading shared by the Shapefile and GeoPackage readers.

Uses `pyogrio.raw` (no geopandas at runtime). Only local files in a server-generated temporary
directory are opened, never user-supplied paths or /vsicurl/ URLs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from zerocrop.geo.features import GeoFeature, GeoFileError
from zerocrop.geo.readers.base import clean_value, pick_name
from zerocrop.geo.safety import check_feature_count

OGR_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError, RuntimeError, OSError)


@dataclass
class OgrLayer:
    name: str
    features: list[GeoFeature]
    crs: str | None  # as reported by GDAL ("EPSG:4524" or WKT), None when undefined


def read_layer(
    path: Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    label: str,
    start_index: int = 0,
) -> OgrLayer:
    try:
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
        check_feature_count(int(info.get("features") or 0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, geometry, field_data = pyogrio.raw.read(
                path, layer=layer, encoding=encoding, datetime_as_string=True
            )
    except GeoFileError:
        raise
    except OGR_ERRORS as exc:
        raise GeoFileError(f"{label}无法读取，文件可能已损坏或不完整。", code="ogr_bad") from exc
    fields = [str(f) for f in meta.get("fields", [])]
    if geometry is None:
        raise GeoFileError(f"{label}没有几何图形。", code="ogr_no_geometry")
    geoms = shapely.from_wkb(geometry)
    features: list[GeoFeature] = []
    for row, geom in enumerate(geoms):
        props = {fields[i]: clean_value(field_data[i][row]) for i in range(len(fields))}
        shape = shapely.GeometryCollection() if geom is None else shapely.force_2d(geom)
        features.append(
            GeoFeature(
                geometry=shape, properties=props, name=pick_name(props), index=start_index + row
            )
        )
    return OgrLayer(name=layer or "", features=features, crs=meta.get("crs"))
