"""Small private readers for the `coverage` command: GPX / GeoJSON tracks, GeoJSON targets.

Pure module: no Django. XML goes through defusedxml (no entities, no external references).
Every failure is a ``TrackFileError`` whose message is meant for the user (Chinese).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import shapely
from defusedxml import DefusedXmlException
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zerocrop.patrols.coverage import Target
from zerocrop.patrols.tracks import Fix

MAX_FILE_BYTES = 200 * 1024 * 1024


class TrackFileError(ValueError):
    """A file that cannot be used; ``str(error)`` is the user-facing Chinese message."""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TrackFileError(f"无法读取文件 {path}：文件不存在或无权限。") from exc
    if size > MAX_FILE_BYTES:
        raise TrackFileError(f"文件 {path} 过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TrackFileError(f"无法读取文件 {path}：{exc.strerror or exc}。") from exc


def _load_json(path: Path) -> Any:
    data = _read_bytes(path)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TrackFileError(f"文件 {path} 不是有效的 GeoJSON（JSON 解析失败）。") from exc


def _features(doc: Any, path: Path) -> list[dict[str, Any]]:
    if not isinstance(doc, dict) or "type" not in doc:
        raise TrackFileError(f"文件 {path} 不是 GeoJSON：缺少 type 字段。")
    kind = doc["type"]
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise TrackFileError(f"文件 {path} 的 features 不是列表。")
        return [f if isinstance(f, dict) else {} for f in feats]
    if kind == "Feature":
        return [doc]
    return [{"type": "Feature", "geometry": doc, "properties": {}}]


def _geometry(feature: dict[str, Any], path: Path, index: int) -> BaseGeometry:
    try:
        geom = shape(feature.get("geometry"))
    except (AttributeError, KeyError, TypeError, ValueError, GEOSException) as exc:
        raise TrackFileError(f"文件 {path} 第 {index + 1} 个要素的几何无效。") from exc
    return geom


# --------------------------------------------------------------------------- targets


def _target_id(feature: dict[str, Any], index: int) -> str:
    props = feature.get("properties") or {}
    for value in (props.get("id") if isinstance(props, dict) else None, feature.get("id")):
        if value is not None and str(value) != "":
            return str(value)
    return str(index)


def _target_radius(feature: dict[str, Any], path: Path, index: int) -> float | None:
    props = feature.get("properties") or {}
    value = props.get("radius_m") if isinstance(props, dict) else None
    if value is None:
        return None
    try:
        radius = float(value)
    except (TypeError, ValueError):
        radius = float("nan")
    if not radius > 0:
        raise TrackFileError(f"文件 {path} 第 {index + 1} 个要素的 radius_m 必须是正数。")
    return radius


def load_targets(path: Path) -> list[Target]:
    """Polygon features of a GeoJSON file as targets (id, optional ``radius_m`` property)."""
    targets = []
    for index, feature in enumerate(_features(_load_json(path), path)):
        geom = _geometry(feature, path, index)
        if geom.is_empty or geom.geom_type not in {"Polygon", "MultiPolygon"}:
            raise TrackFileError(
                f"文件 {path} 第 {index + 1} 个要素不是面（多边形），无法统计覆盖率。"
            )
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        targets.append(
            Target(_target_id(feature, index), geom, _target_radius(feature, path, index))
        )
    if not targets:
        raise TrackFileError(f"文件 {path} 中没有任何目标图斑。")
    return targets


# --------------------------------------------------------------------------- tracks


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: Element, name: str) -> list[Element]:
    return [child for child in node if _local(child.tag) == name]


def _parse_time(node: Element) -> datetime | None:
    for child in _children(node, "time"):
        text = (child.text or "").strip()
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _gpx_point(node: Element, path: Path) -> Fix:
    try:
        lat, lon = float(node.attrib["lat"]), float(node.attrib["lon"])
    except (KeyError, ValueError) as exc:
        raise TrackFileError(f"文件 {path} 中有轨迹点缺少或写错了经纬度（lat/lon）。") from exc
    return Fix(lon, lat, _parse_time(node))


def _load_gpx(path: Path) -> list[list[Fix]]:
    data = _read_bytes(path)
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise TrackFileError(
            f"文件 {path} 不是有效的 GPX（XML 解析失败或含有不安全的实体）。"
        ) from exc
    if _local(root.tag) != "gpx":
        raise TrackFileError(f"文件 {path} 不是 GPX：根元素不是 <gpx>。")
    tracks: list[list[Fix]] = []
    for trk in _children(root, "trk"):
        for seg in _children(trk, "trkseg"):
            tracks.append([_gpx_point(p, path) for p in _children(seg, "trkpt")])
    for rte in _children(root, "rte"):
        tracks.append([_gpx_point(p, path) for p in _children(rte, "rtept")])
    return [t for t in tracks if t]


def _lines_of(geom: BaseGeometry) -> list[list[Fix]]:
    if geom.geom_type == "LineString":
        return [[Fix(float(x), float(y)) for x, y, *_ in geom.coords]]
    if geom.geom_type in {"MultiLineString", "GeometryCollection"}:
        return [line for part in geom.geoms for line in _lines_of(part)]
    return []


def _load_geojson_tracks(path: Path) -> list[list[Fix]]:
    tracks: list[list[Fix]] = []
    for index, feature in enumerate(_features(_load_json(path), path)):
        geom = _geometry(feature, path, index)
        if geom.geom_type not in {"LineString", "MultiLineString", "GeometryCollection"}:
            raise TrackFileError(
                f"文件 {path} 第 {index + 1} 个要素不是线（轨迹应为 LineString）。"
            )
        tracks.extend(_lines_of(geom))
    return tracks


def load_tracks(path: Path) -> list[list[Fix]]:
    """Tracks in a GPX file (trk/trkseg/trkpt and rte/rtept) or a GeoJSON line file."""
    suffix = path.suffix.lower()
    if suffix == ".gpx":
        tracks = _load_gpx(path)
    elif suffix in {".geojson", ".json"}:
        tracks = _load_geojson_tracks(path)
    else:
        head = _read_bytes(path)[:512].lstrip()
        tracks = _load_gpx(path) if head.startswith(b"<") else _load_geojson_tracks(path)
    if not tracks:
        raise TrackFileError(f"文件 {path} 中没有任何轨迹点。")
    return tracks
