"""GPX 1.0/1.1 reader: waypoints (Point), routes (LineString), tracks (Multi/LineString).

Track and route point times are kept per vertex in `GeoFeature.times` (patrol-track proof);
`start_time`, `end_time` and `point_count` are also put in the properties.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element  # type only: parsing uses defusedxml

import shapely
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import WGS84
from zerocrop.geo.features import GeoFeature, GeoFileError, feature_label
from zerocrop.geo.readers.base import (
    ReadResult,
    child_text,
    children,
    local_name,
    parse_time,
    parse_xml,
)
from zerocrop.geo.safety import MAX_TOTAL_VERTICES, MAX_VERTICES_PER_FEATURE, check_feature_count

_TEXT_FIELDS = ("desc", "cmt", "type", "sym", "src")


def _point(element: Element) -> tuple[float, float, datetime | None]:
    lat = element.get("lat")
    lon = element.get("lon")
    if lat is None or lon is None:
        raise ValueError("缺少 lat/lon 属性")
    return float(lon), float(lat), parse_time(child_text(element, "time"))


def _text_props(element: Element) -> dict[str, object]:
    props: dict[str, object] = {}
    for key in _TEXT_FIELDS:
        value = child_text(element, key)
        if value:
            props[key] = value[:10000]
    return props


def _times_or_none(
    times: list[datetime | None], label: str, warnings: list[str]
) -> list[datetime] | None:
    present = [t for t in times if t is not None]
    if not present:
        return None
    if len(present) != len(times):
        warnings.append(f"{label}有 {len(times) - len(present)} 个点缺少时间，未保留逐点时间。")
        return None
    return present


def _line_feature(
    segments: list[list[Element]],
    index: int,
    name: str | None,
    props: dict[str, object],
    result: ReadResult,
) -> None:
    label = feature_label(index, name)
    lines: list[list[tuple[float, float]]] = []
    times: list[datetime | None] = []
    for segment in segments:
        coords = []
        for element in segment:
            lon, lat, when = _point(element)
            coords.append((lon, lat))
            times.append(when)
        if coords:
            lines.append(coords)
    count = sum(len(line) for line in lines)
    geom: BaseGeometry
    if count == 0:
        geom = shapely.LineString()
    elif count == 1:
        geom = shapely.Point(lines[0][0])
    else:
        usable = [line for line in lines if len(line) >= 2]
        if len(usable) != len(lines):
            # A one-point segment cannot be a line; keep vertex/time alignment by dropping it.
            kept_times: list[datetime | None] = []
            offset = 0
            for line in lines:
                if len(line) >= 2:
                    kept_times.extend(times[offset : offset + len(line)])
                offset += len(line)
            times = kept_times
            result.warnings.append(f"{label}有只含一个点的轨迹段，已忽略该段。")
        geom = (
            shapely.LineString(usable[0]) if len(usable) == 1 else shapely.MultiLineString(usable)
        )
    kept = _times_or_none(times, label, result.warnings)
    props["point_count"] = int(shapely.get_num_coordinates(geom))
    if kept:
        props["start_time"] = kept[0].isoformat()
        props["end_time"] = kept[-1].isoformat()
    result.features.append(GeoFeature(geom, props, name, index, kept))


def read_gpx(data: bytes) -> ReadResult:
    root = parse_xml(data, label="GPX")
    if local_name(root.tag) != "gpx":
        raise GeoFileError(
            f"文件不是 GPX：根元素是「{local_name(root.tag)[:40]}」而不是 gpx。", code="gpx_bad"
        )
    points_total = sum(1 for e in root.iter() if local_name(e.tag) in {"wpt", "rtept", "trkpt"})
    if points_total > MAX_TOTAL_VERTICES:
        raise GeoFileError(
            f"GPX 的点数（{points_total}）超过上限 {MAX_TOTAL_VERTICES} 个，请分段导出。",
            code="too_many_vertices",
        )
    result = ReadResult(features=[], source_format="GPX", declared_crs=WGS84, crs_by_spec=True)
    index = 0
    for element in root:
        tag = local_name(element.tag)
        if tag not in {"wpt", "rte", "trk"}:
            continue
        check_feature_count(index + 1)
        name = child_text(element, "name")
        props = _text_props(element)
        props["gpx_type"] = {"wpt": "waypoint", "rte": "route", "trk": "track"}[tag]
        try:
            if tag == "wpt":
                lon, lat, when = _point(element)
                ele = child_text(element, "ele")
                if ele is not None:
                    props["ele"] = float(ele)
                if when is not None:
                    props["time"] = when.isoformat()
                result.features.append(
                    GeoFeature(
                        shapely.Point(lon, lat), props, name, index, [when] if when else None
                    )
                )
            elif tag == "rte":
                _line_feature([children(element, "rtept")], index, name, props, result)
            else:
                segments = [children(seg, "trkpt") for seg in children(element, "trkseg")]
                if any(len(seg) > MAX_VERTICES_PER_FEATURE for seg in segments):
                    raise GeoFileError(
                        f"{feature_label(index, name)}的点太多，单个要素上限为 "
                        f"{MAX_VERTICES_PER_FEATURE} 个。",
                        code="too_many_vertices",
                    )
                _line_feature(segments, index, name, props, result)
        except ValueError as exc:
            result.rejected.append(f"{feature_label(index, name)}的坐标无法解析（{exc}），已跳过。")
        index += 1
    return result
