"""`read_geofile`: detect the format, read, convert to WGS84, validate, summarise.

Pure module (no Django). Format comes from the content (magic bytes / root element) AND the
extension; a disagreement is refused. The source CRS comes from, in order: the `source_crs`
argument, the file (.prj, GeoPackage srs, GeoJSON `crs`, KML/GPX = WGS84 by specification),
or the coordinate magnitudes (lon/lat degrees, or CGCS2000 Gauss–Krüger metres with a zone
prefix).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import shapely

from zerocrop.core.sandbox import SandboxError, register_preload, run_bounded
from zerocrop.geo import crs as crs_mod
from zerocrop.geo.features import (
    GeoFeature,
    GeoFileError,
    GeoPreview,
    count_geometry_types,
    total_bbox,
)
from zerocrop.geo.readers.base import ReadResult
from zerocrop.geo.readers.geojson import read_geojson
from zerocrop.geo.readers.geopackage import read_geopackage
from zerocrop.geo.readers.gpx import read_gpx
from zerocrop.geo.readers.kml import read_kml, read_kmz
from zerocrop.geo.readers.shapefile import read_shapefile_zip
from zerocrop.geo.readers.tabular import read_csv, read_xlsx
from zerocrop.geo.safety import (
    MAX_UPLOAD_BYTES,
    SafeZip,
    check_file_size,
    check_size,
    check_vertex_count,
    read_file_limited,
)
from zerocrop.geo.validation import validate_features

__all__ = [
    "GCJ02_EXTENSIONS",
    "SUPPORTED_EXTENSIONS",
    "default_crs",
    "detect_format",
    "preview_from_result",
    "read_geobytes",
    "read_geobytes_unbounded",
    "read_geofile",
    "read_geofile_unbounded",
    "sniff",
]

register_preload(__name__)

PARSE_TIMEOUT_S = 30.0  # wall clock for one file (a 50 MB Shapefile reads in a few seconds)
PARSE_MEMORY_MB = 1024

# extension -> (reader key, content kinds accepted)
_EXTENSIONS: dict[str, tuple[str, frozenset[str]]] = {
    ".geojson": ("geojson", frozenset({"json"})),
    ".json": ("geojson", frozenset({"json"})),
    ".kml": ("kml", frozenset({"kml"})),
    ".kmz": ("kmz", frozenset({"zip"})),
    ".ovkml": ("kml", frozenset({"kml"})),  # 奥维 9.3.0+: a KML in GCJ-02
    ".ovkmz": ("kmz", frozenset({"zip"})),
    ".gpx": ("gpx", frozenset({"gpx"})),
    ".zip": ("shapefile", frozenset({"zip"})),
    ".gpkg": ("gpkg", frozenset({"sqlite"})),
    ".csv": ("csv", frozenset({"text"})),
    ".txt": ("csv", frozenset({"text"})),
    ".xlsx": ("xlsx", frozenset({"zip"})),
}
SUPPORTED_EXTENSIONS = tuple(_EXTENSIONS)
_SUPPORTED_TEXT = (
    "GeoJSON、KML、KMZ、奥维 .ovkml/.ovkmz、GPX、Shapefile（zip）、GeoPackage、CSV、Excel（.xlsx）"
)
# 奥维 9.3.0 and later export KML only as .ovkml/.ovkmz, shifted to GCJ-02
# (reference/field_and_reporting.md §7.1): read them as GCJ-02 unless the user says otherwise.
GCJ02_EXTENSIONS = frozenset({".ovkml", ".ovkmz"})
OVITAL_GCJ02_NOTE = (
    "奥维 9.3.0 及以后版本导出的 .ovkml/.ovkmz 文件使用 GCJ-02 坐标，已按 GCJ-02 换算为 WGS84；"
    "如果文件来自旧版奥维或已换算过，请在上传时选择 WGS84。"
)


def default_crs(name: str) -> str | None:
    """The coordinate system a file name implies when the user chose none (None: detect)."""
    return crs_mod.GCJ02 if _suffix(name) in GCJ02_EXTENSIONS else None


_KIND_LABELS = {
    "zip": "zip 压缩包",
    "sqlite": "SQLite/GeoPackage 数据库",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "pdf": "PDF 文档",
    "ole2": "旧版 Office 文件（.xls/.doc）",
    "rar": "RAR 压缩包",
    "7z": "7z 压缩包",
    "gzip": "gzip 压缩包",
    "shp": "Shapefile 主文件（.shp）",
    "binary": "无法识别的二进制数据",
    "json": "JSON/GeoJSON",
    "kml": "KML",
    "gpx": "GPX",
    "html": "网页（HTML）",
    "xml": "其他 XML 文档",
    "text": "纯文本/CSV",
}
_FORMAT_LABELS = {
    "geojson": "GeoJSON",
    "kml": "KML",
    "kmz": "KMZ",
    "gpx": "GPX",
    "shapefile": "Shapefile 压缩包",
    "gpkg": "GeoPackage",
    "csv": "CSV",
    "xlsx": "Excel（.xlsx）",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x00\x00\x27\x0a", "shp"),
)
_ROOT = re.compile(r"<(?:[\w.-]+:)?(kml|gpx|html)[\s>/]", re.IGNORECASE)


def sniff(data: bytes) -> str:
    """Content kind from the first bytes (see `_KIND_LABELS`)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        if b"\x00" in head:
            return "binary"
        text = head.decode("utf-8", errors="ignore")
        if not text.strip():
            text = head.decode("gb18030", errors="ignore")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("<"):
        match = _ROOT.search(stripped)
        return match.group(1).lower() if match else "xml"
    return "text"


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def detect_format(data: bytes, name: str) -> str:
    """Reader key for the file, refusing an extension that contradicts the content."""
    kind = sniff(data)
    suffix = _suffix(name)
    if suffix in {".shp", ".shx", ".dbf", ".prj", ".cpg"}:
        raise GeoFileError(
            "Shapefile 由多个文件组成，请把同名的 .shp、.shx、.dbf、.prj 一起打包成 .zip 后上传。",
            code="shp_not_zipped",
        )
    if suffix == ".xls" or (suffix == "" and kind == "ole2"):
        raise GeoFileError(
            "不支持旧版 Excel（.xls），请在 Excel/WPS 中另存为 .xlsx 后上传。", code="xls"
        )
    if suffix in {".rar", ".7z", ".gz", ".tgz"}:
        raise GeoFileError("只支持 zip 格式的压缩包，请用 zip 重新打包。", code="archive_type")
    if suffix == "":
        return _format_from_kind(kind, name)
    if suffix not in _EXTENSIONS:
        raise GeoFileError(
            f"不支持的文件类型「{suffix}」。支持：{_SUPPORTED_TEXT}。", code="unsupported"
        )
    key, kinds = _EXTENSIONS[suffix]
    if kind not in kinds:
        raise GeoFileError(
            f"文件扩展名为 {suffix}（{_FORMAT_LABELS[key]}），"
            f"但内容是{_KIND_LABELS.get(kind, kind)}，两者不符。请确认上传的是原始导出文件。",
            code="format_mismatch",
        )
    return key


def _format_from_kind(kind: str, name: str) -> str:
    by_kind = {"json": "geojson", "kml": "kml", "gpx": "gpx", "sqlite": "gpkg", "text": "csv"}
    if kind in by_kind:
        return by_kind[kind]
    if kind == "zip":
        return "zip-auto"
    raise GeoFileError(
        f"无法识别文件「{name}」的格式（内容是{_KIND_LABELS.get(kind, kind)}）。"
        f"支持：{_SUPPORTED_TEXT}。",
        code="unsupported",
    )


def _read_zip_auto(data: bytes) -> ReadResult:
    """A zip without extension: Excel, KMZ or Shapefile depending on what it holds."""
    names = SafeZip(data).names
    if "xl/workbook.xml" in names:
        return read_xlsx(data)
    if any(n.lower().endswith(".shp") for n in names):
        return read_shapefile_zip(data)
    if any(n.lower().endswith(".kml") for n in names):
        return read_kmz(data)
    return read_shapefile_zip(data)  # raises the "no shapefile" message


_READERS: dict[str, Callable[[bytes], ReadResult]] = {
    "geojson": read_geojson,
    "kml": read_kml,
    "kmz": read_kmz,
    "gpx": read_gpx,
    "shapefile": read_shapefile_zip,
    "gpkg": read_geopackage,
    "csv": read_csv,
    "xlsx": read_xlsx,
    "zip-auto": _read_zip_auto,
}


# --------------------------------------------------------------------------- CRS resolution


def _coords(features: list[GeoFeature]) -> np.ndarray:
    geoms = [f.geometry for f in features if f.geometry is not None and not f.geometry.is_empty]
    if not geoms:
        return np.empty((0, 2))
    coords = shapely.get_coordinates(geoms)
    return coords[np.all(np.isfinite(coords), axis=1)]


def _swap_axes(features: list[GeoFeature]) -> list[GeoFeature]:
    return [
        replace(f, geometry=crs_mod.transform_geometry(f.geometry, lambda x, y: (y, x)))
        for f in features
    ]


def _require_degrees(coords: np.ndarray, label: str) -> None:
    if not crs_mod.looks_like_degrees(coords[:, 0], coords[:, 1]):
        peak = float(np.max(np.abs(coords)))
        raise GeoFileError(
            f"坐标数值（最大 {peak:.0f}）不是经纬度，与{label}不符。"
            "如果是投影坐标（米），请指定对应的 EPSG 坐标系，或附带 .prj 文件。",
            code="crs_mismatch",
        )


def _require_metres(coords: np.ndarray, label: str) -> None:
    if coords.size and crs_mod.looks_like_degrees(coords[:, 0], coords[:, 1]):
        raise GeoFileError(
            f"坐标数值看起来是经纬度（度），与{label}不符，请改选 wgs84/gcj02/bd09 或核对文件。",
            code="crs_mismatch",
        )


def _resolve_crs(
    result: ReadResult, source_crs: str | None
) -> tuple[str, list[GeoFeature], list[str]]:
    """Return (normalised source CRS, features possibly with X/Y swapped, warnings)."""
    features = result.features
    notes: list[str] = []
    coords = _coords(features)
    xs = coords[:, 0]
    if source_crs:
        chosen = crs_mod.normalize_crs(source_crs)
        if result.crs_by_spec and chosen not in (crs_mod.WGS84, crs_mod.GCJ02, crs_mod.BD09):
            raise GeoFileError(
                f"{result.source_format} 文件的坐标总是经纬度，不能指定投影坐标系 {source_crs}。",
                code="crs_mismatch",
            )
        geographic = (
            chosen in (crs_mod.GCJ02, crs_mod.BD09) or crs_mod.get_crs(chosen).is_geographic
        )
        if geographic:
            _require_degrees(coords, f"所选坐标系（{crs_mod.crs_label(chosen)}）")
        else:
            _require_metres(coords, f"所选投影坐标系（{crs_mod.crs_label(chosen)}）")
            features, coords = _maybe_swap_projected(features, coords, notes)
            crs_mod.check_gk_consistency(chosen, coords[:, 0])
        if result.declared_crs and not result.crs_by_spec and result.declared_crs != chosen:
            notes.append(
                f"文件声明的坐标系是{crs_mod.crs_label(result.declared_crs)}，"
                f"已按您指定的{crs_mod.crs_label(chosen)}处理。"
            )
        return chosen, features, notes
    declared = result.declared_crs
    if declared:
        if declared == crs_mod.WGS84 or crs_mod.get_crs(declared).is_geographic:
            _require_degrees(coords, f"文件声明的坐标系（{crs_mod.crs_label(declared)}）")
        else:
            _require_metres(coords, f"文件声明的投影坐标系（{crs_mod.crs_label(declared)}）")
            features, coords = _maybe_swap_projected(features, coords, notes)
            crs_mod.check_gk_consistency(declared, coords[:, 0])
        return declared, features, notes
    if crs_mod.looks_like_degrees(xs, coords[:, 1]):
        if result.source_format in {"CSV", "XLSX"}:
            notes.append(
                "未指定坐标系，已按 WGS84（GPS 原始坐标）处理；若坐标取自高德、腾讯地图请选择 "
                "GCJ-02，取自百度地图请选择 BD-09。"
            )
        return crs_mod.WGS84, features, notes
    guess = crs_mod.guess_gk_zone(xs, coords[:, 1])
    if guess is None:
        peak = float(np.max(np.abs(coords))) if coords.size else 0.0
        raise GeoFileError(
            f"无法判断坐标系：坐标数值（最大 {peak:.0f}）既不是经纬度，也不像带带号的 CGCS2000 "
            "高斯投影坐标。请附带 .prj 文件或在导入时指定坐标系。",
            code="crs_unknown",
        )
    if guess.swapped:
        features = _swap_axes(features)
        notes.append("坐标的 X、Y 按测量习惯（X 为北坐标）排列，已自动交换。")
    code = f"EPSG:{guess.zone.epsg}"
    notes.append(f"文件未说明坐标系，根据坐标数值判断为{guess.zone.label}（{code}），请核对位置。")
    return code, features, notes


def _maybe_swap_projected(
    features: list[GeoFeature], coords: np.ndarray, notes: list[str]
) -> tuple[list[GeoFeature], np.ndarray]:
    """Survey data often writes X = northing: detect it from magnitudes and swap."""
    if crs_mod.axes_swapped(coords[:, 0], coords[:, 1]):
        notes.append("坐标的 X、Y 按测量习惯（X 为北坐标）排列，已自动交换。")
        return _swap_axes(features), coords[:, ::-1]
    return features, coords


# --------------------------------------------------------------------------- pipeline


def _to_wgs84(features: list[GeoFeature], source: str) -> list[GeoFeature]:
    if not features:
        return features
    func = crs_mod.to_wgs84_function(source)
    geoms = np.array([f.geometry for f in features], dtype=object)

    def _apply(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out_x, out_y = func(x, y)
        return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)

    converted = shapely.transform(shapely.force_2d(geoms), _apply, interleaved=False)
    return [replace(f, geometry=g) for f, g in zip(features, converted, strict=True)]


def preview_from_result(result: ReadResult, *, source_crs: str | None = None) -> GeoPreview:
    """Convert, validate and summarise what a reader returned."""
    if not result.features and not result.rejected:
        raise GeoFileError(f"{result.source_format} 文件中没有任何要素。", code="no_features")
    check_vertex_count(f.geometry for f in result.features)
    warnings = list(result.warnings)
    source, features, notes = _resolve_crs(result, source_crs)
    warnings.extend(notes)
    legacy = crs_mod.legacy_datum_warning(source)
    if legacy:
        warnings.append(legacy)
    features = _to_wgs84(features, source)
    outcome = validate_features(features)
    rejected = [*result.rejected, *outcome.rejected]
    warnings.extend(outcome.warnings)
    warnings.extend(rejected)
    if not outcome.features:
        shown = "；".join(rejected[:3]) if rejected else "没有可用的要素"
        more = f"（共 {len(rejected)} 条问题）" if len(rejected) > 3 else ""
        raise GeoFileError(f"文件中没有可导入的要素：{shown}{more}", code="no_valid_features")
    geoms = [f.geometry for f in outcome.features]
    return GeoPreview(
        features=outcome.features,
        crs=source,
        crs_label=crs_mod.crs_label(source),
        bbox=total_bbox(geoms),
        geometry_types=count_geometry_types(geoms),
        warnings=warnings,
        rejected=rejected,
        source_format=result.source_format,
    )


def read_geobytes_unbounded(
    data: bytes,
    *,
    name: str,
    source_crs: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> GeoPreview:
    """`read_geobytes` in this process, with no time or memory bound (runs in the child)."""
    if source_crs is not None:
        crs_mod.normalize_crs(source_crs)  # refuse a bad option before reading anything
    check_size(len(data), max_bytes)
    key = detect_format(data, name)
    result = _READERS[key](data)
    if source_crs is None and default_crs(name):
        source_crs = default_crs(name)
        result.warnings.append(OVITAL_GCJ02_NOTE)
    return preview_from_result(result, source_crs=source_crs)


def read_geofile_unbounded(
    path: Path,
    *,
    source_crs: str | None = None,
    original_name: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> GeoPreview:
    """`read_geofile` in this process, with no time or memory bound (runs in the child)."""
    path = Path(path)
    name = original_name or path.name
    if source_crs is not None:
        crs_mod.normalize_crs(source_crs)
    data = read_file_limited(path, max_bytes, name=name)
    return read_geobytes_unbounded(data, name=name, source_crs=source_crs, max_bytes=max_bytes)


def _bounded(
    fn: Callable[..., GeoPreview],
    source: bytes | Path,
    timeout_s: float,
    memory_mb: int,
    **kwargs: object,
) -> GeoPreview:
    try:
        return run_bounded(fn, source, timeout_s=timeout_s, memory_mb=memory_mb, **kwargs)
    except SandboxError as exc:
        raise GeoFileError(exc.message, code=exc.code) from None


def read_geobytes(
    data: bytes,
    *,
    name: str,
    source_crs: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    timeout_s: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
) -> GeoPreview:
    """Read a geo file held in memory, like `read_geofile` (same checks, same child process).

    `name` is the user's file name: its extension is checked against the content and selects
    the reader. Formats whose library needs a file (GeoPackage, Shapefile zips) write one in
    the child's private temporary folder, removed after the parse.
    """
    if source_crs is not None:
        crs_mod.normalize_crs(source_crs)
    check_size(len(data), max_bytes)  # no child for these
    return _bounded(
        read_geobytes_unbounded,
        data,
        timeout_s,
        memory_mb,
        name=name,
        source_crs=source_crs,
        max_bytes=max_bytes,
    )


def read_geofile(
    path: Path,
    *,
    source_crs: str | None = None,
    original_name: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    timeout_s: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
) -> GeoPreview:
    """Read any supported geo file into a WGS84 `GeoPreview`; raise `GeoFileError` if refused.

    `original_name` is the user's file name (its extension is checked against the content, and
    messages name it rather than `path`, which may be a server-side temporary file);
    `source_crs` ("gcj02", "bd09", "wgs84", "EPSG:4526", ...) overrides CRS detection.
    The parse runs in a child process bounded by `timeout_s` and `memory_mb`
    (`zerocrop.core.sandbox`), so no file can hang or bloat the calling process; the child
    reads the file itself, so a staged upload's bytes never enter the caller.
    """
    path = Path(path)
    if source_crs is not None:
        crs_mod.normalize_crs(source_crs)
    check_file_size(path, max_bytes, name=original_name or path.name)  # no child for these
    return _bounded(
        read_geofile_unbounded,
        path,
        timeout_s,
        memory_mb,
        source_crs=source_crs,
        original_name=original_name,
        max_bytes=max_bytes,
    )
