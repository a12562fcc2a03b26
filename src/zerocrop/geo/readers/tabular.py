"""CSV and Excel (.xlsx) point tables with longitude/latitude columns.

Headers may be Chinese or English (经度/纬度/lon/lng/longitude/x ...), possibly below a title
row. Values may be decimal degrees or 度分秒 (108°36'12.5", 108度36分12.5秒, 108:36:12.5,
with N/S/E/W or 东经/北纬). Projected metres (X/Y of a GK zone) are passed through and the
CRS is worked out later from their magnitude. A WKT column (wkt/geometry/几何) is also read.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import openpyxl
import shapely
from openpyxl.utils.exceptions import InvalidFileException
from shapely.errors import GEOSException

from zerocrop.geo.features import GeoFeature, GeoFileError
from zerocrop.geo.readers.base import ReadResult, clean_value, decode_text, pick_name
from zerocrop.geo.safety import MAX_FEATURES, MAX_XML_BYTES, SafeZip, ZipLimits

XLSX_LIMITS = ZipLimits(max_entries=500, max_total_bytes=150 * 1024 * 1024, max_ratio=300.0)
HEADER_SEARCH_ROWS = 10

# Ordered by preference: an explicit 经度 beats a generic x.
LON_ALIASES = ("经度", "东经", "longitude", "lon", "lng", "long", "x", "x坐标", "坐标x", "横坐标x")
LAT_ALIASES = ("纬度", "北纬", "latitude", "lat", "y", "y坐标", "坐标y", "纵坐标y")
WKT_ALIASES = ("wkt", "geometry", "geom", "几何", "图形", "shape")

_HEMISPHERES = {
    "北纬": 1,
    "南纬": -1,
    "东经": 1,
    "西经": -1,
    "n": 1,
    "s": -1,
    "e": 1,
    "w": -1,
    "北": 1,
    "南": -1,
    "东": 1,
    "西": -1,
}
_HEMI_PATTERN = "北纬|南纬|东经|西经|[NSEWnsew北南东西]"
_LEADING_HEMI = re.compile(rf"^({_HEMI_PATTERN})\s*")
_TRAILING_HEMI = re.compile(rf"\s*({_HEMI_PATTERN})$")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_DMS_ALLOWED = re.compile(r"^[\d.\s°:'\"′″‘’“”度分秒]+$")
_DMS_SPLIT = re.compile(r"[\s°:'\"′″‘’“”度分秒]+")


def parse_coordinate(value: object) -> float:
    """Parse one coordinate: number, decimal text, or 度分秒. Raises ValueError (Chinese)."""
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("不是有限数值")
        return number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise ValueError("为空")
    sign = 1.0
    for pattern in (_LEADING_HEMI, _TRAILING_HEMI):
        match = pattern.search(text)
        if match:
            sign *= _HEMISPHERES[match.group(1).lower()]
            text = (text[: match.start()] + text[match.end() :]).strip()
    if text.startswith(("-", "+")):
        sign *= -1.0 if text[0] == "-" else 1.0
        text = text[1:].strip()
    if _DECIMAL.fullmatch(text):
        return sign * float(text)
    if not text or not _DMS_ALLOWED.match(text):
        raise ValueError("格式无法识别")
    parts = [p for p in _DMS_SPLIT.split(text) if p]
    if not 1 <= len(parts) <= 3 or not all(_DECIMAL.fullmatch(p) for p in parts):
        raise ValueError("度分秒格式无法识别")
    numbers = [float(p) for p in parts]
    for position, number in enumerate(numbers[:-1]):
        if number != int(number):
            raise ValueError("只有最后一项可以带小数" if position else "度数带小数时不能再写分秒")
    if len(numbers) >= 2 and numbers[1] >= 60:
        raise ValueError("分必须小于60")
    if len(numbers) == 3 and numbers[2] >= 60:
        raise ValueError("秒必须小于60")
    degrees = (
        numbers[0]
        + (numbers[1] / 60 if len(numbers) > 1 else 0)
        + (numbers[2] / 3600 if len(numbers) > 2 else 0)
    )
    return sign * degrees


def _normalize_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", text)
    return re.sub(r"[\s_°:：]", "", text)


@dataclass
class _Columns:
    header_row: int
    headers: list[str]
    lon: int | None
    lat: int | None
    wkt: int | None


def _best(headers: list[str], aliases: Sequence[str]) -> int | None:
    normalized = [_normalize_header(h) for h in headers]
    for alias in aliases:
        if alias in normalized:
            return normalized.index(alias)
    for alias in aliases[:3]:  # 经度（E）, 经度值, 东经度 ...
        for position, header in enumerate(normalized):
            if alias in header:
                return position
    return None


def _find_columns(rows: list[list[object]]) -> _Columns:
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = ["" if v is None else str(v).strip() for v in row]
        lon, lat = _best(headers, LON_ALIASES), _best(headers, LAT_ALIASES)
        wkt = _best(headers, WKT_ALIASES)
        if (lon is not None and lat is not None and lon != lat) or wkt is not None:
            return _Columns(number, headers, lon, lat, wkt)
    first = [str(v).strip() for v in (rows[0] if rows else []) if v is not None and str(v).strip()]
    found = "、".join(first[:12]) or "（无）"
    raise GeoFileError(
        "表格中找不到经度/纬度列。支持的列名：经度、纬度、lon、lat、lng、longitude、latitude、"
        f"x、y（或 WKT 几何列）。第一行的列：{found}。",
        code="table_no_columns",
    )


def _unique_keys(headers: list[str]) -> list[str]:
    keys: list[str] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = header or f"列{position + 1}"
        if key in seen:
            seen[key] += 1
            key = f"{key}_{seen[key]}"
        else:
            seen[key] = 1
        keys.append(key)
    return keys


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def rows_to_result(rows: list[list[object]], source_format: str) -> ReadResult:
    columns = _find_columns(rows)
    keys = _unique_keys(columns.headers)
    skip = {c for c in (columns.lon, columns.lat, columns.wkt) if c is not None}
    result = ReadResult(features=[], source_format=source_format)
    data_rows = rows[columns.header_row + 1 :]
    if len(data_rows) > MAX_FEATURES:
        raise GeoFileError(
            f"表格行数太多（{len(data_rows)} 行），上限为 {MAX_FEATURES} 行，请分批导入。",
            code="too_many_features",
        )
    for offset, row in enumerate(data_rows):
        line = columns.header_row + offset + 2  # 1-based sheet row number
        if all(_is_blank(v) for v in row):
            continue
        cells = list(row) + [None] * (len(keys) - len(row))
        props = {
            keys[i]: clean_value(cells[i]) for i in range(len(keys)) if i not in skip and keys[i]
        }
        props = {k: v for k, v in props.items() if not _is_blank(v)}
        name = pick_name(props)
        index = len(result.features)
        try:
            geom = _row_geometry(cells, columns)
        except ValueError as exc:
            who = f"「{name}」" if name else ""
            result.rejected.append(f"第{line}行{who}{exc}，已跳过。")
            continue
        props["row"] = line
        result.features.append(GeoFeature(geom, props, name, index))
    if not result.features and not result.rejected:
        raise GeoFileError("表格中没有数据行。", code="table_empty")
    return result


def _row_geometry(cells: list[object], columns: _Columns) -> shapely.Geometry:
    if columns.wkt is not None and not _is_blank(cells[columns.wkt]):
        try:
            return shapely.force_2d(shapely.from_wkt(str(cells[columns.wkt])))
        except (GEOSException, ValueError) as exc:
            raise ValueError("的 WKT 几何无法解析") from exc
    if columns.lon is None or columns.lat is None:
        raise ValueError("没有坐标")
    raw_lon, raw_lat = cells[columns.lon], cells[columns.lat]
    if _is_blank(raw_lon) or _is_blank(raw_lat):
        raise ValueError("缺少经度或纬度")
    values = []
    for raw, what in ((raw_lon, "经度"), (raw_lat, "纬度")):
        try:
            values.append(parse_coordinate(raw))
        except ValueError as exc:
            raise ValueError(f"的{what}「{str(raw)[:40]}」无法识别（{exc}）") from exc
    return shapely.Point(values[0], values[1])


# --------------------------------------------------------------------------- CSV


def read_csv(data: bytes) -> ReadResult:
    text = decode_text(data, label="CSV")
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text), dialect)
        rows: list[list[object]] = []
        for row in reader:
            rows.append(list(row))
            if len(rows) > MAX_FEATURES + HEADER_SEARCH_ROWS + 1:
                raise GeoFileError(
                    f"表格行数太多，上限为 {MAX_FEATURES} 行，请分批导入。",
                    code="too_many_features",
                )
    except csv.Error as exc:
        raise GeoFileError(f"CSV 格式错误（{exc}）。", code="csv_bad") from exc
    if not rows:
        raise GeoFileError("CSV 文件没有内容。", code="empty")
    return rows_to_result(rows, "CSV")


# --------------------------------------------------------------------------- XLSX


def _sheet_rows(values: Iterable[Sequence[object]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in values:
        rows.append(list(row))
        if len(rows) > MAX_FEATURES + HEADER_SEARCH_ROWS + 1:
            raise GeoFileError(
                f"表格行数太多，上限为 {MAX_FEATURES} 行，请分批导入。", code="too_many_features"
            )
    return rows


def read_xlsx(data: bytes) -> ReadResult:
    archive = SafeZip(data, limits=XLSX_LIMITS, label="Excel 文件")
    if "xl/workbook.xml" not in archive.names:
        raise GeoFileError("文件不是有效的 Excel（.xlsx）表格。", code="xlsx_bad")
    for name in archive.names:
        if name.endswith(".xml") and archive.size_of(name) > MAX_XML_BYTES * 3:
            raise GeoFileError("Excel 文件中的工作表太大，请分批导入。", code="too_large")
    # openpyxl decompresses on its own: prove first that every entry inflates to exactly its
    # declared size (CRC checked), so the caps above really bound what it will read.
    archive.verify_all()
    # openpyxl parses the sheet XML through defusedxml when it is installed (it is a dependency).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise GeoFileError("Excel 文件无法打开，可能已损坏。", code="xlsx_bad") from exc
    try:
        first_error: GeoFileError | None = None
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet.iter_rows(values_only=True))
            if not rows:
                continue
            try:
                result = rows_to_result(rows, "XLSX")
            except GeoFileError as exc:
                if exc.code not in {"table_no_columns", "table_empty"}:
                    raise
                first_error = first_error or exc
                continue
            if len(workbook.worksheets) > 1:
                result.warnings.append(f"读取了工作表「{sheet.title}」（Excel 中有多个工作表）。")
            return result
    finally:
        workbook.close()
    raise first_error or GeoFileError("Excel 文件中没有数据。", code="table_empty")
