"""Land-survey files as they arrive from 国土/确权 offices, for the import tests.

A zipped Shapefile whose attributes are the survey's pinyin columns (DKBH 地块编号, QSDWMC
权属单位名称, DKMJ 地块面积, DKLB 地块类别) and no name column; parcels are a grid of small
squares inside a village's stored boundary.
"""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.models import UnitBoundary


def parcels_in(unit_name: str, count: int = 12, size_deg: float = 0.0002) -> list[BaseGeometry]:
    """`count` squares (~20 m) in rows of four around the unit's representative point."""
    outline = shape(UnitBoundary.objects.get(unit__name=unit_name).geometry)
    centre = outline.representative_point()
    step = size_deg * 1.5
    squares = []
    for i in range(count):
        x = centre.x + (i % 4 - 2) * step
        y = centre.y + (i // 4 - 1) * step
        squares.append(shapely.box(x, y, x + size_deg, y + size_deg))
    assert all(outline.contains(s) for s in squares), "test parcels must lie inside the unit"
    return squares


def survey_code(number: int) -> str:
    return f"532623101201{number:05d}"


def survey_shapefile_zip(geometries: list[BaseGeometry], *, owner: str, stem: str = "DK") -> bytes:
    """A WGS84 Shapefile with DKBH/QSDWMC/DKMJ/DKLB, zipped as the office sends it."""
    frame = gpd.GeoDataFrame(
        {
            "DKBH": [survey_code(i + 1) for i in range(len(geometries))],
            "QSDWMC": [f"{owner}村民委员会"] * len(geometries),
            "DKMJ": [round(0.5 + i / 10, 2) for i in range(len(geometries))],
            "DKLB": ["承包地块"] * len(geometries),
        },
        geometry=geometries,
        crs="EPSG:4326",
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame.to_file(folder / f"{stem}.shp", encoding="UTF-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(folder.iterdir()):
                archive.writestr(part.name, part.read_bytes())
    return buffer.getvalue()
