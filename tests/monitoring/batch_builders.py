"""Real batch files in every accepted format, built with the libraries people's tools use."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import openpyxl
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

HEADER = [
    "靶点编号",
    "县",
    "乡镇",
    "经度",
    "纬度",
    "面积(亩)",
    "类型",
    "置信度",
    "下发日期",
    "反馈截止",
]


def csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "gbk", sep: str = ",") -> bytes:
    lines = [sep.join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]], *, title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kml_bytes(points: Sequence[tuple[str, float, float, dict[str, str]]]) -> bytes:
    marks = []
    for name, lon, lat, data in points:
        extended = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
        marks.append(
            f"<Placemark><name>{name}</name><ExtendedData>{extended}</ExtendedData>"
            f"<Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>靶点</name>'
        + "".join(marks)
        + "</Document></kml>"
    ).encode()


def kmz_bytes(kml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", kml)
    return buffer.getvalue()


def geojson_bytes(items: Sequence[tuple[BaseGeometry, dict[str, object]]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": mapping(g), "properties": p} for g, p in items
            ],
        },
        ensure_ascii=False,
    ).encode()


def shapefile_zip(
    tmp_path: Path,
    geometries: Sequence[BaseGeometry],
    attributes: dict[str, list[object]],
    *,
    encoding: str = "GBK",
) -> bytes:
    out = tmp_path / f"shp-{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    frame = gpd.GeoDataFrame(attributes, geometry=list(geometries), crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame.to_file(out / "layer.shp", encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(out.iterdir()):
            archive.writestr(f"靶点{part.suffix.lower()}", part.read_bytes())
    return buffer.getvalue()
