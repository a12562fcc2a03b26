"""KML / KMZ reader: Google Earth, 奥维互动地图 (Ovital) and 两步路 exports.

Keeps the folder path ("folder"), description, ExtendedData (Data and SchemaData), the
resolved style colours, TimeStamp/TimeSpan, and per-vertex times of gx:Track / gx:MultiTrack.
KML coordinates are WGS84 lon,lat[,alt] by specification; altitude is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element  # type only: parsing uses defusedxml

import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import WGS84
from zerocrop.geo.features import GeoFeature, GeoFileError, feature_label
from zerocrop.geo.readers.base import (
    ReadResult,
    child,
    child_text,
    children,
    clean_value,
    local_name,
    parse_time,
    parse_xml,
)
from zerocrop.geo.safety import (
    MAX_TOTAL_VERTICES,
    MAX_VERTICES_PER_FEATURE,
    MAX_XML_BYTES,
    SafeZip,
    ZipLimits,
    check_feature_count,
)

GEOMETRY_TAGS = {
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiGeometry",
    "Track",
    "MultiTrack",
}
CONTAINER_TAGS = {"kml", "Document", "Folder"}
KMZ_LIMITS = ZipLimits(max_entries=200, allow_nested_archives=False)

_COMMA_SPACES = re.compile(r"\s*,\s*")


class _VertexBudget:
    """Counts vertices while parsing so a huge file is refused before shapely sees it."""

    def __init__(self) -> None:
        self.total = 0

    def precheck(self, at_least: int) -> None:
        """Refuse from a cheap lower bound before splitting a huge coordinate string."""
        if at_least > MAX_VERTICES_PER_FEATURE or self.total + at_least > MAX_TOTAL_VERTICES:
            raise GeoFileError(
                f"KML 中有一个图形至少有 {at_least} 个顶点，超过上限（单个要素 "
                f"{MAX_VERTICES_PER_FEATURE} 个，全文件 {MAX_TOTAL_VERTICES} 个），"
                "请先抽稀（简化）后再导入。",
                code="too_many_vertices",
            )

    def take(self, count: int) -> None:
        if count > MAX_VERTICES_PER_FEATURE:
            raise GeoFileError(
                f"KML 中有一个图形的顶点太多（{count} 个），单个要素上限为 "
                f"{MAX_VERTICES_PER_FEATURE} 个，请先抽稀（简化）后再导入。",
                code="too_many_vertices",
            )
        self.total += count
        if self.total > MAX_TOTAL_VERTICES:
            raise GeoFileError(
                f"文件的顶点总数超过上限 {MAX_TOTAL_VERTICES} 个，请先抽稀（简化）或分批导入。",
                code="too_many_vertices",
            )


@dataclass
class _Style:
    line_color: str | None = None
    fill_color: str | None = None
    icon: str | None = None


@dataclass
class _Context:
    styles: dict[str, _Style] = field(default_factory=dict)
    style_maps: dict[str, str] = field(default_factory=dict)
    budget: _VertexBudget = field(default_factory=_VertexBudget)
    warnings: list[str] = field(default_factory=list)


def kml_color_to_hex(value: str | None) -> str | None:
    """KML aabbggrr → CSS #rrggbbaa."""
    if not value:
        return None
    text = value.strip().lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{8}", text):
        return None
    aa, bb, gg, rr = text[0:2], text[2:4], text[4:6], text[6:8]
    return f"#{rr}{gg}{bb}{aa}".lower()


def _parse_style(element: Element) -> _Style:
    style = _Style()
    line = child(element, "LineStyle")
    if line is not None:
        style.line_color = kml_color_to_hex(child_text(line, "color"))
    poly = child(element, "PolyStyle")
    if poly is not None:
        style.fill_color = kml_color_to_hex(child_text(poly, "color"))
    icon_style = child(element, "IconStyle")
    if icon_style is not None:
        icon = child(icon_style, "Icon")
        if icon is not None:
            style.icon = child_text(icon, "href")
        if style.line_color is None:
            style.line_color = kml_color_to_hex(child_text(icon_style, "color"))
    return style


def _collect_styles(root: Element, ctx: _Context) -> None:
    for element in root.iter():
        tag = local_name(element.tag)
        style_id = element.get("id")
        if not style_id:
            continue
        if tag == "Style":
            ctx.styles[style_id] = _parse_style(element)
        elif tag == "StyleMap":
            for pair in children(element, "Pair"):
                if child_text(pair, "key") == "normal":
                    url = child_text(pair, "styleUrl")
                    if url:
                        ctx.style_maps[style_id] = url.split("#")[-1]


def _resolve_style(placemark: Element, ctx: _Context) -> tuple[str | None, _Style | None]:
    inline = child(placemark, "Style")
    if inline is not None:
        return inline.get("id"), _parse_style(inline)
    url = child_text(placemark, "styleUrl")
    if not url:
        return None, None
    style_id = url.split("#")[-1]
    style_id = ctx.style_maps.get(style_id, style_id)
    return style_id, ctx.styles.get(style_id)


# --------------------------------------------------------------------------- geometry


def parse_coordinates(text: str | None, ctx: _Context) -> list[tuple[float, float]]:
    if not text:
        return []
    ctx.budget.precheck(text.count(",") // 2)  # at least this many tuples: refuse early
    tuples = _COMMA_SPACES.sub(",", text.strip()).split()
    ctx.budget.take(len(tuples))
    points: list[tuple[float, float]] = []
    for item in tuples:
        parts = item.split(",")
        if len(parts) < 2:
            raise ValueError(f"坐标「{item[:40]}」不完整")
        points.append((float(parts[0]), float(parts[1])))
    return points


def _ring(element: Element | None, ctx: _Context) -> list[tuple[float, float]] | None:
    if element is None:
        return None
    ring = child(element, "LinearRing")
    if ring is None:
        return None
    return parse_coordinates(child_text(ring, "coordinates"), ctx)


def _line(points: list[tuple[float, float]]) -> BaseGeometry:
    if len(points) == 1:
        return shapely.Point(points[0])
    return shapely.LineString(points)


def _track(element: Element, ctx: _Context) -> tuple[BaseGeometry, list[datetime] | None]:
    whens = [parse_time(item.text) for item in children(element, "when")]
    coords = [item.text or "" for item in children(element, "coord")]
    ctx.budget.take(len(coords))
    points = []
    for text in coords:
        parts = text.split()
        if len(parts) < 2:
            raise ValueError(f"轨迹点「{text[:40]}」不完整")
        points.append((float(parts[0]), float(parts[1])))
    if not points:
        return shapely.LineString(), None
    times: list[datetime] | None = None
    if len(whens) == len(points) and all(t is not None for t in whens):
        times = [t for t in whens if t is not None]
    return _line(points), times


def parse_geometry(element: Element, ctx: _Context) -> tuple[BaseGeometry, list[datetime] | None]:
    tag = local_name(element.tag)
    if tag == "Point":
        points = parse_coordinates(child_text(element, "coordinates"), ctx)
        return (shapely.Point(points[0]) if points else shapely.Point()), None
    if tag in {"LineString", "LinearRing"}:
        points = parse_coordinates(child_text(element, "coordinates"), ctx)
        return (_line(points) if points else shapely.LineString()), None
    if tag == "Polygon":
        shell = _ring(child(element, "outerBoundaryIs"), ctx)
        if not shell:
            return shapely.Polygon(), None
        holes: list[list[tuple[float, float]]] = []
        for inner in children(element, "innerBoundaryIs"):
            for ring in children(inner, "LinearRing"):
                hole = parse_coordinates(child_text(ring, "coordinates"), ctx)
                if hole:
                    holes.append(hole)
        return shapely.Polygon(shell, holes), None
    if tag == "Track":
        return _track(element, ctx)
    if tag == "MultiTrack":
        parts = [_track(item, ctx) for item in children(element, "Track")]
        lines = [geom for geom, _ in parts if geom.geom_type == "LineString" and not geom.is_empty]
        times: list[datetime] | None = []
        for geom, part_times in parts:
            if geom.geom_type == "LineString" and not geom.is_empty:
                if part_times is None or times is None:
                    times = None
                else:
                    times.extend(part_times)
        return shapely.MultiLineString(lines), (times or None)
    if tag == "MultiGeometry":
        members = [
            parse_geometry(item, ctx)[0]
            for item in element
            if local_name(item.tag) in GEOMETRY_TAGS
        ]
        return _combine(members), None
    raise ValueError(f"不支持的几何类型 {tag}")


def _combine(members: list[BaseGeometry]) -> BaseGeometry:
    members = [m for m in members if not m.is_empty]
    kinds = {m.geom_type for m in members}
    if not members:
        return shapely.GeometryCollection()
    if kinds == {"Polygon"}:
        return shapely.MultiPolygon(members)
    if kinds == {"LineString"}:
        return shapely.MultiLineString(members)
    if kinds == {"Point"}:
        return shapely.MultiPoint(members)
    return shapely.GeometryCollection(members)


# --------------------------------------------------------------------------- placemarks


def _extended_data(placemark: Element) -> dict[str, object]:
    data: dict[str, object] = {}
    extended = child(placemark, "ExtendedData")
    if extended is None:
        return data
    for item in children(extended, "Data"):
        key = item.get("name") or child_text(item, "displayName")
        if key:
            data[key] = clean_value(child_text(item, "value"))
    for schema_data in children(extended, "SchemaData"):
        for simple in children(schema_data, "SimpleData"):
            key = simple.get("name")
            if key:
                data[key] = clean_value((simple.text or "").strip() or None)
    return data


def _placemark(
    placemark: Element, folder: list[str], index: int, ctx: _Context, result: ReadResult
) -> None:
    name = child_text(placemark, "name")
    properties: dict[str, object] = {}
    if folder:
        properties["folder"] = "/".join(folder)
    description = child_text(placemark, "description")
    if description:
        properties["description"] = description[:10000]
    properties.update(_extended_data(placemark))
    style_id, style = _resolve_style(placemark, ctx)
    if style_id:
        properties["style_id"] = style_id
    if style is not None:
        for key in ("line_color", "fill_color", "icon"):
            value = getattr(style, key)
            if value:
                properties[key] = value
    stamp = child(placemark, "TimeStamp")
    if stamp is not None and child_text(stamp, "when"):
        properties["time"] = child_text(stamp, "when")
    span = child(placemark, "TimeSpan")
    if span is not None:
        for key in ("begin", "end"):
            if child_text(span, key):
                properties[f"time_{key}"] = child_text(span, key)
    geometry_el = next((item for item in placemark if local_name(item.tag) in GEOMETRY_TAGS), None)
    label = feature_label(index, name)
    if geometry_el is None:
        geom: BaseGeometry = shapely.GeometryCollection()
        times = None
    else:
        try:
            geom, times = parse_geometry(geometry_el, ctx)
        except (ValueError, TypeError, IndexError, GEOSException) as exc:
            result.rejected.append(f"{label}的坐标无法解析（{exc}），已跳过。")
            return
    if times:
        properties["start_time"] = times[0].isoformat()
        properties["end_time"] = times[-1].isoformat()
    result.features.append(
        GeoFeature(geometry=geom, properties=properties, name=name, index=index, times=times)
    )


def read_kml(data: bytes, *, source_format: str = "KML") -> ReadResult:
    root = parse_xml(data, label="KML")
    if local_name(root.tag) != "kml":
        raise GeoFileError(
            f"文件不是 KML：根元素是「{local_name(root.tag)[:40]}」而不是 kml。", code="kml_bad"
        )
    ctx = _Context()
    _collect_styles(root, ctx)
    result = ReadResult(
        features=[], source_format=source_format, declared_crs=WGS84, crs_by_spec=True
    )
    skipped: dict[str, int] = {}
    # Depth-first in document order with an explicit stack (folders may nest deeply), so
    # feature numbers match what the user sees in Google Earth / 奥维.
    stack: list[tuple[Element, list[str]]] = [(root, [])]
    index = 0
    while stack:
        element, folder = stack.pop()
        tag = local_name(element.tag)
        if tag == "Placemark":
            _placemark(element, folder, index, ctx, result)
            index += 1
            check_feature_count(index)
            continue
        name = child_text(element, "name")
        path = [*folder, name] if (tag == "Folder" and name) else folder
        for item in reversed(list(element)):
            item_tag = local_name(item.tag)
            if item_tag in CONTAINER_TAGS or item_tag == "Placemark":
                stack.append((item, path))
            elif item_tag in {"NetworkLink", "GroundOverlay", "ScreenOverlay", "PhotoOverlay"}:
                skipped[item_tag] = skipped.get(item_tag, 0) + 1
    for tag, count in skipped.items():
        result.warnings.append(f"忽略了 {count} 个 {tag}（网络链接或叠加图片不导入）。")
    return result


def read_kmz(data: bytes) -> ReadResult:
    archive = SafeZip(data, limits=KMZ_LIMITS, label="KMZ 压缩包")
    names = archive.names
    if any(n.startswith("xl/") for n in names) and "[Content_Types].xml" in names:
        raise GeoFileError("文件扩展名为 .kmz，但内容是 Excel 表格。", code="format_mismatch")
    kml_names = sorted(
        (n for n in names if n.lower().endswith((".kml", ".ovkml"))),
        key=lambda n: (n.count("/"), n),
    )
    if not kml_names:
        raise GeoFileError("KMZ 压缩包中没有 .kml 文件。", code="kmz_no_kml")
    main = "doc.kml" if "doc.kml" in kml_names else kml_names[0]
    result = read_kml(archive.read(main, MAX_XML_BYTES), source_format="KMZ")
    if len(kml_names) > 1:
        result.warnings.append(f"KMZ 中有 {len(kml_names)} 个 KML 文件，只读取了「{main}」。")
    return result
