"""A target batch file's bytes as a table: columns in file order, rows with all their cells.

Pure module (no Django). Tables (CSV, XLSX) keep every cell as text, as written; which columns
are the code, the longitude, the latitude ... is decided afterwards (`monitoring.columns`), so
the user can change the guess in the preview. Geo files (KML, KMZ, Shapefile zip, GeoJSON) are
read by `zerocrop.geo.readers` (conversion to WGS84 included: GCJ-02 when declared) and each
feature's attributes become the row's cells, its geometry the row's geometry.
Run `read_batch` through `core.sandbox.run_bounded` (the service does): it parses untrusted
bytes.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from shapely.geometry.base import BaseGeometry

from zerocrop.geo import crs as crs_mod
from zerocrop.geo.attributes import value_text
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers import detect_format, read_geobytes_unbounded
from zerocrop.geo.readers.tabular import XLSX_LIMITS
from zerocrop.geo.safety import MAX_FEATURES, MAX_XML_BYTES, SafeZip, check_size

HEADER_SEARCH_ROWS = 10
NAME_COLUMN = "名称"  # a KML placemark's <name> (often the target code)
TABLE_FORMATS = {"csv": "csv", "xlsx": "xlsx"}
GEO_FORMATS = {"kml": "kml", "kmz": "kmz", "shapefile": "shp", "geojson": "geojson"}
SUPPORTED_TEXT = "CSV、Excel（.xlsx）、KML、KMZ、Shapefile（zip）、GeoJSON"
WGS84 = "wgs84"
GCJ02 = "gcj02"
CRS_CHOICES = (WGS84, GCJ02)

# Header words that make a row the header row (compared as `header_key` does).
HEADER_WORDS = frozenset(
    {
        "靶点编号",
        "编号",
        "图斑编号",
        "id",
        "经度",
        "纬度",
        "lon",
        "lat",
        "lng",
        "x",
        "y",
        "longitude",
        "latitude",
        "面积",
        "下发日期",
        "核查时限",
        "反馈截止",
        "截止日期",
        "类型",
        "类别",
        "置信度",
        "影像日期",
        "成像日期",
    }
)


@dataclass
class BatchRow:
    index: int  # 0-based among the data rows
    line: int  # as a person counts it: the sheet row, or the feature's number
    cells: dict[str, str]  # every column, text as written ("" when empty)
    geometry: BaseGeometry | None = None  # geo files only, WGS84


@dataclass
class BatchTable:
    columns: list[str]
    rows: list[BatchRow]
    file_format: str  # a monitoring BatchFormat value
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # features the geo reader left out

    @property
    def is_geo(self) -> bool:
        return self.file_format in GEO_FORMATS.values()


def header_key(text: object) -> str:
    """A header compared loosely: NFKC, lower case, without spaces, units in brackets, _ ."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    for opening, closing in ("()", "[]", "【】", "（）"):
        start = value.find(opening)
        end = value.find(closing, start + 1)
        if start >= 0 and end > start:
            value = value[:start] + value[end + 1 :]
    return "".join(ch for ch in value if ch not in " \t_-:：")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unique(headers: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = header.strip() or f"列{position + 1}"
        if key in seen:
            seen[key] += 1
            key = f"{key}_{seen[key]}"
        else:
            seen[key] = 1
        out.append(key)
    return out


def _header_row(rows: list[list[str]]) -> int:
    """The first of the first rows naming a known column; else the first with 2+ cells."""
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(header_key(cell) in HEADER_WORDS for cell in row):
            return number
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if cell) >= 2:
            return number
    return 0


def rows_to_table(
    raw: Iterable[Sequence[object]], *, file_format: str, encoding: str = ""
) -> BatchTable:
    rows: list[list[str]] = []
    for row in raw:
        rows.append([_cell(v) for v in row])
        if len(rows) > MAX_FEATURES + HEADER_SEARCH_ROWS + 1:
            raise GeoFileError(
                f"表格行数太多，上限为 {MAX_FEATURES} 行，请分批导入。", code="too_many_features"
            )
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise GeoFileError("文件中没有内容。", code="empty")
    start = _header_row(rows)
    width = max(len(r) for r in rows[start:])
    headers = rows[start] + [""] * (width - len(rows[start]))
    while (
        headers
        and not headers[-1]
        and all(len(r) < len(headers) or not r[len(headers) - 1] for r in rows[start + 1 :])
    ):
        headers.pop()
    columns = _unique(headers)
    table = BatchTable(columns=columns, rows=[], file_format=file_format, encoding=encoding)
    if start:
        table.warnings.append(f"表头在第{start + 1}行，上面的标题行已略过。")
    for offset, row in enumerate(rows[start + 1 :]):
        if not any(row):
            continue
        cells = row + [""] * (len(columns) - len(row))
        table.rows.append(
            BatchRow(
                index=len(table.rows),
                line=start + offset + 2,
                cells=dict(zip(columns, cells[: len(columns)], strict=True)),
            )
        )
    if not table.rows:
        raise GeoFileError("表格中只有表头，没有数据行。", code="table_empty")
    return table


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with BOM, UTF-8, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise GeoFileError(
            "文件的文字编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV。", code="encoding"
        ) from exc


def read_csv_table(data: bytes) -> BatchTable:
    text, encoding = decode(data)
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return rows_to_table(
            csv.reader(io.StringIO(text), dialect), file_format="csv", encoding=encoding
        )
    except csv.Error as exc:
        raise GeoFileError(f"CSV 格式错误（{exc}）。", code="csv_bad") from exc


def read_xlsx_table(data: bytes) -> BatchTable:
    archive = SafeZip(data, limits=XLSX_LIMITS, label="Excel 文件")
    if "xl/workbook.xml" not in archive.names:
        raise GeoFileError("文件不是有效的 Excel（.xlsx）表格。", code="xlsx_bad")
    for name in archive.names:
        if name.endswith(".xml") and archive.size_of(name) > MAX_XML_BYTES * 3:
            raise GeoFileError("Excel 文件中的工作表太大，请分批导入。", code="too_large")
    archive.verify_all()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise GeoFileError("Excel 文件无法打开，可能已损坏。", code="xlsx_bad") from exc
    try:
        sheet = workbook.worksheets[0]
        table = rows_to_table(sheet.iter_rows(values_only=True), file_format="xlsx")
        if len(workbook.worksheets) > 1:
            table.warnings.append(f"只读取了第一个工作表「{sheet.title}」。")
        return table
    finally:
        workbook.close()


def read_geo_table(data: bytes, *, name: str, key: str, source_crs: str) -> BatchTable:
    chosen = crs_mod.GCJ02 if source_crs == GCJ02 else None
    preview = read_geobytes_unbounded(data, name=name, source_crs=chosen)
    columns: list[str] = []
    has_names = any(f.name for f in preview.features)
    if has_names:
        columns.append(NAME_COLUMN)
    for feature in preview.features:
        for column in feature.properties:
            if str(column) not in columns:
                columns.append(str(column))
    table = BatchTable(
        columns=columns,
        rows=[],
        file_format=GEO_FORMATS[key],
        encoding="utf-8" if key == "geojson" else "",
        warnings=list(preview.warnings),
        rejected=list(preview.rejected),
    )
    for feature in preview.features:
        cells = {c: value_text(feature.properties.get(c)) for c in columns}
        if has_names:
            cells[NAME_COLUMN] = feature.name or ""
        table.rows.append(
            BatchRow(
                index=len(table.rows),
                line=feature.index + 1,
                cells=cells,
                geometry=feature.geometry,
            )
        )
    return table


def read_batch(data: bytes, *, name: str, source_crs: str = WGS84, max_bytes: int) -> BatchTable:
    """Read a batch file (format from its content and extension); raise GeoFileError (Chinese)."""
    check_size(len(data), max_bytes)
    suffix = Path(name).suffix.lower()
    if suffix in {".gpx", ".gpkg", ".ovkml", ".ovkmz"}:
        raise GeoFileError(f"靶点批次不支持「{suffix}」文件。支持：{SUPPORTED_TEXT}。")
    key = detect_format(data, name)
    if key == "zip-auto":
        names = SafeZip(data).names
        key = "xlsx" if "xl/workbook.xml" in names else "shapefile"
        if any(n.lower().endswith(".kml") for n in names):
            key = "kmz"
    if key == "csv":
        return read_csv_table(data)
    if key == "xlsx":
        return read_xlsx_table(data)
    if key in GEO_FORMATS:
        return read_geo_table(data, name=name, key=key, source_crs=source_crs)
    raise GeoFileError(f"靶点批次不支持此文件类型。支持：{SUPPORTED_TEXT}。", code="unsupported")


def read_batch_path(
    path: Path, *, name: str, source_crs: str = WGS84, max_bytes: int
) -> BatchTable:
    """`read_batch` of a file on disk (the bounded child reads it itself)."""
    check_size(Path(path).stat().st_size, max_bytes)
    return read_batch(
        Path(path).read_bytes(), name=name, source_crs=source_crs, max_bytes=max_bytes
    )
