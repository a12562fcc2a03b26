"""GeoJSON reader (RFC 7946, plus the legacy 2008 `crs` member used by Chinese GIS exports)."""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape

from zerocrop.geo.crs import normalize_crs
from zerocrop.geo.features import GeoFeature, GeoFileError
from zerocrop.geo.readers.base import ReadResult, clean_value, decode_text, pick_name
from zerocrop.geo.safety import MAX_TOTAL_VERTICES, check_feature_count, check_vertex_estimate

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def _reject_constant(name: str) -> float:
    raise ValueError(f"非法数值 {name}")


def _load(data: bytes) -> Any:
    text = decode_text(data, label="GeoJSON")
    # Every position opens one "[": a cheap upper bound on vertices before parsing.
    check_vertex_estimate(text.count("["), total=MAX_TOTAL_VERTICES)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise GeoFileError(
            "GeoJSON 嵌套层数过深，疑似恶意文件，已拒绝。", code="json_depth"
        ) from exc
    except json.JSONDecodeError as exc:
        raise GeoFileError(
            f"GeoJSON 格式错误（第{exc.lineno}行第{exc.colno}列），文件可能不完整或已损坏。",
            code="json_bad",
        ) from exc
    except ValueError as exc:
        raise GeoFileError(f"GeoJSON 含有非法数值（{exc}）。", code="json_bad") from exc


def _declared_crs(obj: dict[str, Any]) -> str | None:
    member = obj.get("crs")
    if not isinstance(member, dict):
        return None
    props = member.get("properties")
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise GeoFileError("GeoJSON 的 crs 字段格式不正确。", code="crs_unknown")
    return normalize_crs(name)


def _feature_list(obj: Any) -> list[Any]:
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise GeoFileError("文件不是 GeoJSON：缺少 type 字段。", code="json_not_geojson")
    kind = obj["type"]
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise GeoFileError("GeoJSON 的 features 字段不是列表。", code="json_not_geojson")
        return features
    if kind == "Feature":
        return [obj]
    if kind in GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": obj, "properties": {}}]
    raise GeoFileError(f"不认识的 GeoJSON 类型「{kind[:40]}」。", code="json_not_geojson")


def read_geojson(data: bytes) -> ReadResult:
    obj = _load(data)
    items = _feature_list(obj)
    check_feature_count(len(items))
    result = ReadResult(features=[], source_format="GeoJSON", crs_by_spec=False)
    result.declared_crs = _declared_crs(obj) if isinstance(obj, dict) else None
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.rejected.append(f"第{index + 1}个要素不是 GeoJSON Feature，已跳过。")
            continue
        raw_props = item.get("properties")
        properties = (
            {str(k): clean_value(v) for k, v in raw_props.items()}
            if isinstance(raw_props, dict)
            else {}
        )
        if item.get("id") not in (None, "") and "id" not in properties:
            properties["id"] = clean_value(item["id"])  # RFC 7946 feature id, kept as a property
        name = pick_name(properties)
        geometry = item.get("geometry")
        if geometry is None:
            geom = shapely.GeometryCollection()
        else:
            try:
                geom = shapely.force_2d(shape(geometry))
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, GEOSException):
                label = f"第{index + 1}个要素" + (f"「{name}」" if name else "")
                result.rejected.append(f"{label}的几何数据无效，已跳过。")
                continue
        result.features.append(
            GeoFeature(geometry=geom, properties=properties, name=name, index=index)
        )
    return result
