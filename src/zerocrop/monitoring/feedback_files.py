"""Write a batch of targets back in the file type and the columns it came in, results added.

Pure module (no Django). Every original row keeps its columns, in their order, with their values
unchanged (so the export re-imports as the same batch: the code column is untouched); the
feedback columns `FEEDBACK_COLUMNS` follow. CSV keeps its encoding (GBK stays GBK, a BOM stays),
KML/KMZ write placemarks with ExtendedData, a Shapefile keeps its field names and gets short
ASCII names for the added ones (explained in 字段说明.txt inside the zip, and its .cpg says the
encoding it came with), GeoJSON and Excel keep the properties / header. Geometry is written in
the batch's CRS: GCJ-02 stays GCJ-02 (`geo.crs`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring  # building only

import numpy as np
import openpyxl
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from zerocrop.core.errors import ApplicationError
from zerocrop.core.ledger import xml_safe
from zerocrop.geo import crs as crs_mod
from zerocrop.geo.readers.base import NAME_KEYS
from zerocrop.geo.readers.shapefile import SHAPEFILE_LIMITS, dbf_encoding
from zerocrop.geo.safety import SafeZip
from zerocrop.geo.writers import KML_NS

RESULT = "结论"
REASON = "原因"
VERIFIED_AT = "核查时间"
VERIFIERS = "核查人"
ARRIVAL_LON = "到达经度"
ARRIVAL_LAT = "到达纬度"
DISTANCE = "偏离距离(米)"
PLANTS = "株数"
AREA = "面积(平方米)"
ERADICATION = "铲除情况"
PHOTOS = "照片文件名"
REVIEW = "审核状态"

FEEDBACK_COLUMNS: tuple[str, ...] = (
    RESULT,
    REASON,
    VERIFIED_AT,
    VERIFIERS,
    ARRIVAL_LON,
    ARRIVAL_LAT,
    DISTANCE,
    PLANTS,
    AREA,
    ERADICATION,
    PHOTOS,
    REVIEW,
)

# Shapefile (DBF) field names are at most 10 bytes: the feedback columns get pinyin initials.
SHAPEFILE_NAMES: dict[str, str] = {
    RESULT: "HC_JL",
    REASON: "HC_YY",
    VERIFIED_AT: "HC_SJ",
    VERIFIERS: "HC_R",
    ARRIVAL_LON: "DD_JD",
    ARRIVAL_LAT: "DD_WD",
    DISTANCE: "PL_JL_M",
    PLANTS: "ZS",
    AREA: "MJ_M2",
    ERADICATION: "CC_QK",
    PHOTOS: "ZP_WJM",
    REVIEW: "SH_ZT",
}
SHAPEFILE_NOTE_NAME = "字段说明.txt"

EXTENSIONS = {
    "csv": "csv",
    "xlsx": "xlsx",
    "kml": "kml",
    "kmz": "kmz",
    "shp": "zip",
    "geojson": "geojson",
}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "shp": "application/zip",
    "geojson": "application/geo+json",
}
# The batch reader keeps a placemark's <name> (a feature's name) in this column.
NAME_COLUMN = "名称"
_INT = re.compile(r"-?(0|[1-9]\d{0,17})")
_FLOAT = re.compile(r"-?(0|[1-9]\d*)\.\d+")
_GBK_FAMILY = {"gbk", "gb2312", "gb18030", "cp936", "936", "euc-cn"}
_COORD_DECIMALS = 8


@dataclass(frozen=True)
class FeedbackRow:
    """One original row: its values as read, its geometry (GeoJSON, WGS84), the results."""

    attributes: dict[str, Any]
    geometry: dict[str, Any] | None
    feedback: dict[str, Any] = field(default_factory=dict)
    name: str = ""  # the placemark name (KML) when the file had none as a column


@dataclass(frozen=True)
class FeedbackFile:
    file_format: str  # BatchFormat value
    columns: Sequence[str]  # the original columns, in order
    encoding: str = ""
    source_crs: str = "wgs84"
    title: str = ""
    rows: Sequence[FeedbackRow] = ()


def extension(file_format: str) -> str:
    return EXTENSIONS[file_format]


def all_columns(columns: Sequence[str]) -> list[str]:
    """The original columns, then the feedback ones (an original of the same name is kept)."""
    return [*columns, *(c for c in FEEDBACK_COLUMNS if c not in columns)]


def write_feedback(document: FeedbackFile) -> bytes:
    writer = _WRITERS.get(document.file_format)
    if writer is None:
        raise ApplicationError(f"不支持导出为「{document.file_format}」格式。")
    return writer(document)


# --------------------------------------------------------------------------- coordinates


def _is_map_system(value: str) -> bool:
    return value.strip().lower().replace("-", "").replace("_", "") in {"gcj02", "bd09"}


def point_to_crs(lon: float, lat: float, source_crs: str) -> tuple[float, float]:
    """A WGS84 point in the batch's CRS (GCJ-02/BD-09 offsets, CGCS2000 as is, GK metres)."""
    if _is_map_system(source_crs):
        return crs_mod.convert_coords(lon, lat, "wgs84", source_crs)
    target = crs_mod.normalize_crs(source_crs or "wgs84")
    if target in (crs_mod.WGS84, crs_mod.CGCS2000):
        return lon, lat
    x, y = crs_mod.get_transformer(crs_mod.WGS84, target).transform(lon, lat)
    return float(x), float(y)


def geometry_to_crs(geom: BaseGeometry, source_crs: str) -> BaseGeometry:
    if geom.is_empty:
        return geom
    if _is_map_system(source_crs):

        def convert(coords: np.ndarray) -> np.ndarray:
            lon, lat = crs_mod.convert_arrays(coords[:, 0], coords[:, 1], "wgs84", source_crs)
            return np.column_stack([lon, lat])

        return shapely.transform(shapely.force_2d(geom), convert)
    target = crs_mod.normalize_crs(source_crs or "wgs84")
    if target in (crs_mod.WGS84, crs_mod.CGCS2000):
        return shapely.force_2d(geom)
    return crs_mod.project_geometry(shapely.force_2d(geom), crs_mod.WGS84, target)


def _geometry(row: FeedbackRow, source_crs: str) -> BaseGeometry:
    if not row.geometry:
        return shapely.GeometryCollection()
    return geometry_to_crs(shape(row.geometry), source_crs)


def _declared_epsg(source_crs: str) -> str | None:
    """The EPSG name to declare in the file, None for GCJ-02/BD-09 (no EPSG code exists)."""
    if _is_map_system(source_crs):
        return None
    return crs_mod.normalize_crs(source_crs or "wgs84")


# --------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _own(row: FeedbackRow, column: str) -> Any:
    """The file's own cell; a feedback column the file already had (a blank 结论 in the
    issuer's template) gets our value, the file's own only when we have none."""
    if column in FEEDBACK_COLUMNS and row.feedback.get(column) not in (None, ""):
        return row.feedback[column]
    return row.attributes.get(column)


def _values(document: FeedbackFile, row: FeedbackRow, columns: Sequence[str]) -> list[Any]:
    values = [_own(row, c) for c in columns]
    values += [row.feedback.get(c) for c in FEEDBACK_COLUMNS if c not in document.columns]
    return values


def file_columns(document: FeedbackFile) -> list[str]:
    """The original columns that are the file's own attributes.

    For KML the name column is the placemark's <name>, not an attribute; for GeoJSON and
    Shapefile a 名称 column the reader made from another name property (same values in every
    row) is left out, so the file gets back exactly the properties it had.
    """
    columns = list(document.columns)
    if NAME_COLUMN not in columns:
        return columns
    if document.file_format in {"kml", "kmz"}:
        return [c for c in columns if c != NAME_COLUMN]
    if document.file_format in {"geojson", "shp"}:
        others = [c for c in columns if c != NAME_COLUMN and c.strip().lower() in NAME_KEYS]
        if others and all(
            _text(r.attributes.get(NAME_COLUMN)).strip() == _first_name(r.attributes, others)
            for r in document.rows
        ):
            return [c for c in columns if c != NAME_COLUMN]
    return columns


def _first_name(attributes: dict[str, Any], columns: list[str]) -> str:
    by_key = {c.strip().lower(): c for c in columns}
    for key in NAME_KEYS:
        column = by_key.get(key)
        if column is not None and _text(attributes.get(column)).strip():
            return _text(attributes.get(column)).strip()[:200]
    return ""


def _header(document: FeedbackFile, columns: Sequence[str]) -> list[str]:
    return [*columns, *(c for c in FEEDBACK_COLUMNS if c not in document.columns)]


def typed_column(values: list[Any]) -> list[Any]:
    """Text cells back to numbers when every filled cell of the column is a plain number.

    The batch reader keeps every cell as text; Excel and DBF columns were numbers when they
    were written as such ("0012" stays text: a leading zero is not a number's).
    """
    filled = [v for v in values if v not in (None, "")]
    if not filled or not all(isinstance(v, str | int | float) for v in filled):
        return [None if v == "" else v for v in values]
    texts = [str(v) for v in filled]
    if all(_INT.fullmatch(t) for t in texts):
        return [None if v in (None, "") else int(v) for v in values]
    # Only a float's own spelling ("37.92284", not "37.9228400") was a number in the file.
    if all(_INT.fullmatch(t) or (_FLOAT.fullmatch(t) and repr(float(t)) == t) for t in texts):
        return [None if v in (None, "") else float(v) for v in values]
    return [None if v == "" else v for v in values]


def _typed_rows(document: FeedbackFile, columns: Sequence[str]) -> list[list[Any]]:
    rows = [_values(document, row, columns) for row in document.rows]
    if not rows:
        return rows
    width = len(rows[0])
    typed = [typed_column([r[i] for r in rows]) for i in range(len(columns))]
    return [
        [*(typed[i][n] for i in range(len(columns))), *rows[n][len(columns) : width]]
        for n in range(len(rows))
    ]


def _csv_codec(encoding: str) -> str:
    key = (encoding or "utf-8-sig").strip().lower()
    # GB18030 is byte-identical to GBK for every GBK character and also writes the rare ones.
    return "gb18030" if key in _GBK_FAMILY else key


# --------------------------------------------------------------------------- writers


def _write_csv(document: FeedbackFile) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(document.columns)
    writer.writerow(_header(document, columns))
    for row in document.rows:
        writer.writerow([_text(v) for v in _values(document, row, columns)])
    return buffer.getvalue().encode(_csv_codec(document.encoding))


def _write_xlsx(document: FeedbackFile) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "核查反馈"
    columns = list(document.columns)
    sheet.append(_header(document, columns))
    for values in _typed_rows(document, columns):
        sheet.append([_cell(v) for v in values])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _ordered_properties(document: FeedbackFile, row: FeedbackRow) -> dict[str, Any]:
    columns = file_columns(document)
    return dict(zip(_header(document, columns), _values(document, row, columns), strict=True))


def _write_geojson(document: FeedbackFile) -> bytes:
    features = []
    for row in document.rows:
        geom = _geometry(row, document.source_crs)
        features.append(
            {
                "type": "Feature",
                "geometry": None if geom.is_empty else mapping(_rounded(geom)),
                "properties": _ordered_properties(document, row),
            }
        )
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if document.title:
        collection["name"] = document.title
    epsg = _declared_epsg(document.source_crs)
    if epsg and epsg != crs_mod.WGS84 and epsg.startswith("EPSG:"):
        code = epsg.split(":", 1)[1]
        collection["crs"] = {
            "type": "name",
            "properties": {"name": f"urn:ogc:def:crs:EPSG::{code}"},
        }
    collection["features"] = features
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.round(c, _COORD_DECIMALS))


def _kml_coords(coords: Any) -> str:
    return " ".join(f"{x:.{_COORD_DECIMALS}f},{y:.{_COORD_DECIMALS}f}" for x, y, *_ in coords)


def _kml_geometry(parent: Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        SubElement(SubElement(parent, "Point"), "coordinates").text = _kml_coords(geom.coords)
    elif kind == "LineString":
        line = SubElement(parent, "LineString")
        SubElement(line, "coordinates").text = _kml_coords(geom.coords)
    elif kind == "Polygon":
        polygon = SubElement(parent, "Polygon")
        outer = SubElement(SubElement(polygon, "outerBoundaryIs"), "LinearRing")
        SubElement(outer, "coordinates").text = _kml_coords(geom.exterior.coords)
        for ring in geom.interiors:
            inner = SubElement(SubElement(polygon, "innerBoundaryIs"), "LinearRing")
            SubElement(inner, "coordinates").text = _kml_coords(ring.coords)
    elif not geom.is_empty:
        multi = SubElement(parent, "MultiGeometry")
        for part in shapely.get_parts(geom):
            _kml_geometry(multi, part)


def _write_kml(document: FeedbackFile) -> bytes:
    """Core KML only (no styles, so nothing but the file's columns comes back on reading)."""
    root = Element("kml", xmlns=KML_NS)
    folder = SubElement(root, "Document")
    SubElement(folder, "name").text = xml_safe(document.title or "核查反馈")
    for row in document.rows:
        props = _ordered_properties(document, row)
        name = row.attributes.get(NAME_COLUMN) if NAME_COLUMN in document.columns else None
        placemark = SubElement(folder, "Placemark")
        if _text(name) or row.name:
            SubElement(placemark, "name").text = xml_safe(_text(name) or row.name)
        extended = SubElement(placemark, "ExtendedData")
        for key, value in props.items():
            # Empty values are written as empty text so every column stays in every placemark.
            data = SubElement(extended, "Data", name=xml_safe(key))
            SubElement(data, "value").text = xml_safe(_text(value))
        _kml_geometry(placemark, _rounded(_geometry(row, document.source_crs)))
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _write_kmz(document: FeedbackFile) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", _write_kml(document))
    return out.getvalue()


def shapefile_field_names(columns: Sequence[str]) -> dict[str, str]:
    """Feedback column -> its DBF name, never one of the file's own names."""
    taken = {c.upper() for c in columns}
    names: dict[str, str] = {}
    for column in FEEDBACK_COLUMNS:
        if column in columns:
            continue
        base = SHAPEFILE_NAMES[column]
        name, n = base, 1
        while name.upper() in taken:
            n += 1
            name = f"{base[:8]}{n}"
        taken.add(name.upper())
        names[column] = name
    return names


def shapefile_source_encoding(data: bytes) -> str:
    """The encoding of an uploaded Shapefile zip's attributes: its .cpg, else the DBF's
    language driver byte (0x4D is GBK), else whether the records decode as UTF-8."""
    archive = SafeZip(data, limits=SHAPEFILE_LIMITS, label="压缩包")
    names = archive.names
    cpg = next((n for n in names if n.lower().endswith(".cpg")), None)
    if cpg is not None:
        text = archive.read(cpg, max_bytes=1000).decode("ascii", errors="ignore").lower()
        return "gbk" if any(k in text for k in ("936", "gb")) else "utf-8"
    dbf_name = next((n for n in names if n.lower().endswith(".dbf")), None)
    if dbf_name is None:
        return "utf-8"
    dbf = archive.read(dbf_name)
    if len(dbf) > 29 and dbf[29] == 0x4D:
        return "gbk"
    return "gbk" if dbf_encoding(dbf) == "GB18030" else "utf-8"


def _shp_encoding(encoding: str) -> str:
    key = (encoding or "utf-8").strip().lower()
    return "GBK" if key in _GBK_FAMILY else "UTF-8"


def _field_array(values: list[Any]) -> np.ndarray:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        if len(present) == len(values):
            return np.asarray(values, dtype=np.int64)
        return np.asarray([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return np.asarray([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    return np.asarray([None if v is None else _text(v) for v in values], dtype=object)


def _write_shapefile(document: FeedbackFile) -> bytes:
    import pyogrio.raw  # GDAL: loaded only when a Shapefile is written

    columns = file_columns(document)
    short = shapefile_field_names(document.columns)
    fields = [*columns, *short.values()]
    rows = _typed_rows(document, columns)
    field_data = [_field_array([r[i] for r in rows]) for i in range(len(fields))]
    geometries = [_geometry(row, document.source_crs) for row in document.rows]
    kinds = {g.geom_type for g in geometries if not g.is_empty}
    if kinds <= {"Point"}:
        geometry_type = "Point"
    elif kinds <= {"Polygon", "MultiPolygon"}:
        geometry_type = "MultiPolygon"
        geometries = [
            shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geometries
        ]
    elif kinds <= {"LineString", "MultiLineString"}:
        geometry_type = "MultiLineString"
    else:
        raise ApplicationError("原文件混有点、线、面，无法写回为一个 Shapefile，请改用 GeoJSON。")
    wkb = np.asarray([None if g.is_empty else shapely.to_wkb(g) for g in geometries], dtype=object)
    stem = "核查反馈"
    epsg = _declared_epsg(document.source_crs)
    with tempfile.TemporaryDirectory(prefix="zc-feedback-") as folder:
        path = Path(folder) / f"{stem}.shp"
        pyogrio.raw.write(
            str(path),
            wkb,
            field_data,
            fields,
            driver="ESRI Shapefile",
            geometry_type=geometry_type,
            crs=epsg,
            encoding=_shp_encoding(document.encoding),
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(folder).iterdir()):
                archive.write(part, part.name)
            archive.writestr(SHAPEFILE_NOTE_NAME, shapefile_note(document, short).encode("utf-8"))
    return out.getvalue()


def shapefile_note(document: FeedbackFile, short: dict[str, str]) -> str:
    lines = [
        "核查反馈 Shapefile 字段说明",
        "",
        "原文件的字段名和取值保持不变；Shapefile 字段名最长 10 个字节，新增的核查字段用以下简称：",
        "",
    ]
    lines += [f"{name}\t{column}" for column, name in short.items()]
    lines += ["", f"属性表编码：{_shp_encoding(document.encoding)}（与原文件相同，见 .cpg）。"]
    label = crs_mod.crs_label(crs_mod.normalize_crs(document.source_crs or "wgs84"))
    if _is_map_system(document.source_crs):
        lines.append(f"坐标为 {label}，与原文件相同，未附 .prj。")
    else:
        lines.append(f"坐标系：{label}（与原文件相同）。")
    return "\r\n".join(lines) + "\r\n"


_WRITERS = {
    "csv": _write_csv,
    "xlsx": _write_xlsx,
    "geojson": _write_geojson,
    "kml": _write_kml,
    "kmz": _write_kmz,
    "shp": _write_shapefile,
}
