"""Exports: GeoJSON, KML (opens in 奥维互动地图 and Google Earth), Excel 地块台账.

Pure module (no Django). Every writer takes features in WGS84 (anything with `geometry`,
`properties` and `name`, e.g. `GeoFeature`) and returns bytes.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from xml.etree.ElementTree import (  # building only; nothing untrusted is parsed here
    Element,
    SubElement,
    tostring,
)

import numpy as np
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import area_m2

KML_NS = "http://www.opengis.net/kml/2.2"
SQUARE_METRES_PER_MU = 10000.0 / 15.0  # 1 亩 = 666.67 m²
COORD_DECIMALS = 8  # ~1 mm

AREA_COLUMNS: list[tuple[str, str]] = [("area_mu", "面积（亩）"), ("area_m2", "面积（平方米）")]
CENTER_COLUMNS: list[tuple[str, str]] = [("center_lon", "中心经度"), ("center_lat", "中心纬度")]


class FeatureLike(Protocol):
    geometry: BaseGeometry
    properties: dict[str, object]
    name: str | None


# --------------------------------------------------------------------------- helpers


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    return str(value)


def _round(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> BaseGeometry:
    return shapely.transform(shapely.force_2d(geom), lambda c: np.round(c, decimals))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: object) -> str:
    return _XML_INVALID.sub("", _text(value))


# --------------------------------------------------------------------------- GeoJSON


def to_geojson(features: Sequence[FeatureLike], *, name_key: str = "name") -> bytes:
    """RFC 7946 FeatureCollection (WGS84, lon/lat, coordinates rounded to 1e-8°)."""
    items = []
    for feature in features:
        props = dict(feature.properties)
        if feature.name and name_key not in props:
            props[name_key] = feature.name
        items.append(
            {"type": "Feature", "geometry": mapping(_round(feature.geometry)), "properties": props}
        )
    document = {"type": "FeatureCollection", "features": items}
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


# --------------------------------------------------------------------------- KML

# risk value (code or Chinese) -> (style id, label, KML colour aabbggrr)
RISK_STYLES: dict[str, tuple[str, str, str]] = {
    "key": ("risk-key", "重点", "ff0000ff"),
    "traditional": ("risk-traditional", "传统", "ff0080ff"),
    "potential": ("risk-potential", "潜在", "ff00ffff"),
    "none": ("risk-none", "未分级", "ffff8000"),
}
_RISK_ALIASES = {
    "key": "key",
    "重点": "key",
    "high": "key",
    "traditional": "traditional",
    "传统": "traditional",
    "medium": "traditional",
    "potential": "potential",
    "潜在": "potential",
    "low": "potential",
}


def risk_style_id(value: object) -> str:
    key = _RISK_ALIASES.get(str(value).strip().lower(), "none") if value is not None else "none"
    return RISK_STYLES[key][0]


def _with_alpha(color: str, alpha: str) -> str:
    return alpha + color[2:]


def _add_styles(document: Element) -> None:
    for style_id, _label, color in RISK_STYLES.values():
        style = SubElement(document, "Style", id=style_id)
        icon = SubElement(style, "IconStyle")
        SubElement(icon, "color").text = color
        SubElement(icon, "scale").text = "1.1"
        line = SubElement(style, "LineStyle")
        SubElement(line, "color").text = color
        SubElement(line, "width").text = "2"
        poly = SubElement(style, "PolyStyle")
        SubElement(poly, "color").text = _with_alpha(color, "66")
        SubElement(poly, "outline").text = "1"


def _coords_text(coords: Sequence[Sequence[float]]) -> str:
    return " ".join(f"{x:.{COORD_DECIMALS}f},{y:.{COORD_DECIMALS}f}" for x, y, *_ in coords)


def _add_geometry(parent: Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        point = SubElement(parent, "Point")
        SubElement(point, "coordinates").text = _coords_text(geom.coords)
    elif kind in {"LineString", "LinearRing"}:
        line = SubElement(parent, "LineString")
        SubElement(line, "tessellate").text = "1"
        SubElement(line, "coordinates").text = _coords_text(geom.coords)
    elif kind == "Polygon":
        polygon = SubElement(parent, "Polygon")
        SubElement(polygon, "tessellate").text = "1"
        outer = SubElement(SubElement(polygon, "outerBoundaryIs"), "LinearRing")
        SubElement(outer, "coordinates").text = _coords_text(geom.exterior.coords)
        for ring in geom.interiors:
            inner = SubElement(SubElement(polygon, "innerBoundaryIs"), "LinearRing")
            SubElement(inner, "coordinates").text = _coords_text(ring.coords)
    else:
        multi = SubElement(parent, "MultiGeometry")
        for part in shapely.get_parts(geom):
            _add_geometry(multi, part)


def _placemark(parent: Element, feature: FeatureLike, risk_key: str, skip: set[str]) -> None:
    placemark = SubElement(parent, "Placemark")
    name = feature.name or feature.properties.get("name")
    if name:
        SubElement(placemark, "name").text = _xml_safe(name)
    description = feature.properties.get("description")
    if description:
        SubElement(placemark, "description").text = _xml_safe(description)
    SubElement(placemark, "styleUrl").text = "#" + risk_style_id(feature.properties.get(risk_key))
    extended = SubElement(placemark, "ExtendedData")
    for key, value in feature.properties.items():
        if key in skip or value is None or isinstance(value, dict | list):
            continue
        data = SubElement(extended, "Data", name=_xml_safe(key))
        SubElement(data, "value").text = _xml_safe(value)
    if len(extended) == 0:
        placemark.remove(extended)
    _add_geometry(placemark, _round(feature.geometry))


def to_kml(
    features: Sequence[FeatureLike],
    *,
    document_name: str = "ZeroCrop 导出",
    group_key: str | None = "group",
    risk_key: str = "risk",
    default_group: str = "未分组",
) -> bytes:
    """KML 2.2 document: one Folder per `group_key` value, styles by `risk_key`.

    Uses only core KML (Document, Style, Folder, Placemark, ExtendedData/Data) so 奥维互动地图,
    两步路 and Google Earth all open it; coordinates are WGS84, which is what they expect.
    """
    root = Element("kml", xmlns=KML_NS)
    document = SubElement(root, "Document")
    SubElement(document, "name").text = _xml_safe(document_name)
    _add_styles(document)
    skip = {"name", "description"}
    if group_key is None:
        for feature in features:
            _placemark(document, feature, risk_key, skip)
    else:
        folders: dict[str, Element] = {}
        for feature in features:
            group = _text(feature.properties.get(group_key)) or default_group
            if group not in folders:
                folders[group] = SubElement(document, "Folder")
                SubElement(folders[group], "name").text = _xml_safe(group)
            _placemark(folders[group], feature, risk_key, skip)
    return tostring(root, encoding="utf-8", xml_declaration=True)


# --------------------------------------------------------------------------- Excel 台账


def ledger_rows(features: Sequence[FeatureLike]) -> list[dict[str, object]]:
    """Feature properties plus name, area_m2, area_mu, center_lon, center_lat."""
    rows: list[dict[str, object]] = []
    for feature in features:
        row = dict(feature.properties)
        if feature.name and "name" not in row:
            row["name"] = feature.name
        square_metres = area_m2(feature.geometry)
        row["area_m2"] = round(square_metres, 1)
        row["area_mu"] = round(square_metres / SQUARE_METRES_PER_MU, 2)
        if not feature.geometry.is_empty:
            point = feature.geometry.representative_point()
            row["center_lon"] = round(point.x, 6)
            row["center_lat"] = round(point.y, 6)
        rows.append(row)
    return rows


_NUMBER_FORMATS = {
    "area_mu": "0.00",
    "area_m2": "0.0",
    "center_lon": "0.000000",
    "center_lat": "0.000000",
}
_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
_DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'


def _display_width(value: object) -> int:
    text = _text(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str | datetime | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return "、".join(_text(v) for v in value)
    return _text(value)


def write_excel_ledger(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[tuple[str, str]],
    *,
    sheet_title: str = "地块台账",
    title: str | None = None,
) -> bytes:
    """Excel workbook: optional title row, bold frozen header, sized columns, formats.

    `columns` is the ordered [(key, 中文表头)]; the special key "_seq" numbers the rows 1..n.
    Strings that start with "=" are stored as text, never as formulas.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _xml_safe(sheet_title)[:31] or "Sheet1"
    header_row = 1
    if title:
        sheet.cell(row=1, column=1, value=_xml_safe(title)).font = Font(bold=True, size=14)
        if len(columns) > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        header_row = 2
    widths = [_display_width(header) for _, header in columns]
    for position, (_, header) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=position, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(rows, start=1):
        excel_row = header_row + number
        for position, (key, _) in enumerate(columns, start=1):
            raw = number if key == "_seq" else row.get(key)
            value = _cell_value(raw)
            if isinstance(value, str):
                value = _xml_safe(value)
            cell = sheet.cell(row=excel_row, column=position, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # never a formula (CSV/Excel injection)
            if key in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[key]
            elif isinstance(value, datetime):
                cell.number_format = _DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = _DATE_FORMAT
            widths[position - 1] = max(widths[position - 1], _display_width(value))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = min(max(width + 2, 6), 60)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_excel_ledger(
    features: Sequence[FeatureLike],
    columns: Sequence[tuple[str, str]],
    *,
    sheet_title: str = "地块台账",
    title: str | None = None,
    include_area: bool = True,
) -> bytes:
    """地块台账 from features: `columns` plus 面积（亩）/面积（平方米） when `include_area`."""
    chosen = list(columns)
    if include_area:
        chosen += [c for c in AREA_COLUMNS if c[0] not in {k for k, _ in chosen}]
    return write_excel_ledger(ledger_rows(features), chosen, sheet_title=sheet_title, title=title)
