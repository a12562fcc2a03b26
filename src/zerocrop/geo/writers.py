"""Exports: GeoJSON, KML (opens in 奥维互动地图 and Google Earth), Excel 地块台账.

Pure module (no Django). Every writer takes features in WGS84 (anything with `geometry`,
`properties` and `name`, e.g. `GeoFeature`) and returns bytes. The Excel house style is
`core.ledger`'s.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
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
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from zerocrop.core.ledger import Column, Ledger, ledger_xlsx
from zerocrop.core.ledger import text as _text
from zerocrop.core.ledger import xml_safe as _xml_safe
from zerocrop.core.units import mu
from zerocrop.geo.crs import area_m2

KML_NS = "http://www.opengis.net/kml/2.2"
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
        row["area_mu"] = mu(square_metres)
        if not feature.geometry.is_empty:
            point = feature.geometry.representative_point()
            row["center_lon"] = round(point.x, 6)
            row["center_lat"] = round(point.y, 6)
        rows.append(row)
    return rows


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
    ledger = Ledger(
        title=title or "",
        sheet=sheet_title,
        columns=[Column(key, header) for key, header in chosen],
        rows=ledger_rows(features),
    )
    return ledger_xlsx(ledger)
