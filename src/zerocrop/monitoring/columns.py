"""Which of a batch file's columns hold our fields, and reading their values.

Pure module (no Django). Headers are guessed from the words people use (靶点编号/图斑编号/ID,
经度/lon/x, 面积（亩）...); the user can change the guess in the preview. Dates come in the
forms people write (2022-07-01, 2022/7/1, 2022年7月1日, 20220701, an Excel serial); coordinates
as decimal degrees or 度分秒 (`geo.readers.tabular.parse_coordinate`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import shapely
from shapely.geometry.base import BaseGeometry

from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.geo import crs as crs_mod
from zerocrop.geo.readers.tabular import parse_coordinate
from zerocrop.monitoring.batch_files import GCJ02, BatchTable, header_key

CODE, LON, LAT, AREA, ISSUED, DUE, CATEGORY, CONFIDENCE, IMAGERY = (
    "code",
    "lon",
    "lat",
    "area",
    "issued",
    "due",
    "category",
    "confidence",
    "imagery",
)
FIELD_LABELS = {
    CODE: "靶点编号",
    LON: "经度",
    LAT: "纬度",
    AREA: "面积",
    ISSUED: "下发日期",
    DUE: "核查时限",
    CATEGORY: "类型",
    CONFIDENCE: "置信度",
    IMAGERY: "影像日期",
}
FIELDS = tuple(FIELD_LABELS)
# Header words per field, best first (compared by `batch_files.header_key`).
ALIASES: dict[str, tuple[str, ...]] = {
    CODE: (
        "靶点编号",
        "靶点id",
        "图斑编号",
        "编号",
        "监测点编号",
        "tbbh",
        "bh",
        "code",
        "id",
        "名称",
        "name",
    ),
    LON: ("经度", "东经", "longitude", "lon", "lng", "long", "x", "x坐标", "中心点经度"),
    LAT: ("纬度", "北纬", "latitude", "lat", "y", "y坐标", "中心点纬度"),
    AREA: ("面积", "面积m2", "面积㎡", "图斑面积", "area", "mj"),
    ISSUED: ("下发日期", "下发时间", "发布日期"),
    DUE: ("核查时限", "反馈截止", "反馈截止日期", "截止日期", "截止时间", "核查截止", "完成时限"),
    CATEGORY: ("类型", "类别", "图斑类型", "疑似类型", "lx"),
    CONFIDENCE: ("置信度", "可信度", "confidence"),
    IMAGERY: ("影像日期", "成像日期", "影像时间", "成像时间", "拍摄日期"),
}
MU_WORDS = ("亩",)
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def guess_columns(columns: Sequence[str]) -> dict[str, str]:
    """Our field -> the file's column, for the fields a header names (each column used once)."""
    keys = {c: header_key(c) for c in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for name in FIELDS:
        for alias in ALIASES[name]:
            match = next((c for c in columns if c not in used and keys[c] == alias), None)
            if match is not None:
                found[name] = match
                used.add(match)
                break
    return found


def clean_map(column_map: Mapping[str, object], columns: Sequence[str]) -> dict[str, str]:
    """Only known fields naming existing columns (a user's choice from the form)."""
    return {
        name: str(value)
        for name, value in column_map.items()
        if name in FIELD_LABELS and value and str(value) in columns
    }


def area_in_mu(header: str) -> bool:
    return any(word in unicodedata.normalize("NFKC", header) for word in MU_WORDS)


def parse_date(value: str) -> date:
    """A date as people write it; ValueError with a Chinese reason otherwise."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueError("为空")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"「{text}」不是有效日期") from exc
    try:
        serial = float(text)
    except ValueError:
        raise ValueError(f"「{text[:30]}」不是可识别的日期") from None
    if 20000 <= serial <= 80000:  # an Excel serial day number (1954 to 2119)
        return EXCEL_EPOCH + timedelta(days=int(serial))
    raise ValueError(f"「{text[:30]}」不是可识别的日期")


def parse_area_m2(value: str, header: str) -> float:
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"面积「{value[:30]}」不是数字") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"面积「{value[:30]}」无效")
    return round(number * SQUARE_METRES_PER_MU, 2) if area_in_mu(header) else number


@dataclass
class MappedRow:
    """One row read through the column map; `error` (Chinese) when it cannot be imported."""

    index: int
    line: int
    cells: dict[str, str]
    code: str = ""
    geometry: BaseGeometry | None = None
    area_m2: float | None = None
    issued_on: date | None = None
    due_on: date | None = None
    imagery_date: date | None = None
    category: str = ""
    confidence: str = ""
    error: str = ""

    @property
    def point(self) -> BaseGeometry | None:
        """The row's position: the point, or a polygon's centroid (inside when it can be)."""
        if self.geometry is None:
            return None
        if self.geometry.geom_type == "Point":
            return self.geometry
        centre = self.geometry.centroid
        return centre if self.geometry.covers(centre) else self.geometry.representative_point()


@dataclass
class Mapped:
    rows: list[MappedRow]
    column_map: dict[str, str]
    missing: list[str] = field(default_factory=list)  # Chinese: what the map lacks

    @property
    def good(self) -> list[MappedRow]:
        return [r for r in self.rows if not r.error]

    @property
    def bad(self) -> list[MappedRow]:
        return [r for r in self.rows if r.error]


def missing_fields(table: BatchTable, column_map: Mapping[str, str]) -> list[str]:
    missing = []
    if CODE not in column_map:
        missing.append("靶点编号列")
    if not table.is_geo and (LON not in column_map or LAT not in column_map):
        missing.append("经度、纬度列")
    return missing


def _point(row: MappedRow, column_map: Mapping[str, str], source_crs: str) -> BaseGeometry:
    if LON not in column_map or LAT not in column_map:
        raise ValueError("未指定经纬度列")
    values = []
    for name in (LON, LAT):
        raw = row.cells.get(column_map[name], "")
        if not raw:
            raise ValueError(f"缺少{FIELD_LABELS[name]}")
        try:
            values.append(parse_coordinate(raw))
        except ValueError as exc:
            raise ValueError(f"{FIELD_LABELS[name]}「{raw[:30]}」无法识别（{exc}）") from exc
    lon, lat = values
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"坐标（{lon:g}，{lat:g}）超出经纬度范围")
    if source_crs == GCJ02:
        lon, lat = crs_mod.gcj02_to_wgs84(lon, lat)
    return shapely.Point(lon, lat)


def _read_row(row: MappedRow, table: BatchTable, column_map: Mapping[str, str], crs: str) -> None:
    row.code = row.cells.get(column_map.get(CODE, ""), "").strip()
    if not row.code:
        raise ValueError("缺少靶点编号")
    if len(row.code) > 80:
        raise ValueError("靶点编号超过 80 个字")
    if table.is_geo and not (LON in column_map and LAT in column_map):
        row.geometry = table.rows[row.index].geometry
    else:
        row.geometry = _point(row, column_map, crs)
    if row.geometry is None or row.geometry.is_empty:
        raise ValueError("没有位置")
    if not row.geometry.geom_type.endswith(("Point", "Polygon")):
        raise ValueError("位置须为点或面")
    if row.geometry.geom_type == "MultiPoint":
        row.geometry = row.geometry.centroid
    for name, attr in ((ISSUED, "issued_on"), (DUE, "due_on"), (IMAGERY, "imagery_date")):
        raw = row.cells.get(column_map.get(name, ""), "")
        if raw:
            try:
                setattr(row, attr, parse_date(raw))
            except ValueError as exc:
                raise ValueError(f"{FIELD_LABELS[name]}{exc}") from exc
    if column_map.get(AREA) and row.cells.get(column_map[AREA]):
        row.area_m2 = parse_area_m2(row.cells[column_map[AREA]], column_map[AREA])
    row.category = row.cells.get(column_map.get(CATEGORY, ""), "")[:50]
    row.confidence = row.cells.get(column_map.get(CONFIDENCE, ""), "")[:50]


def map_rows(table: BatchTable, column_map: Mapping[str, str], *, source_crs: str) -> Mapped:
    """Every row of the table read through the map; bad rows carry their reason."""
    chosen = clean_map(column_map, table.columns)
    result = Mapped(rows=[], column_map=chosen, missing=missing_fields(table, chosen))
    seen: dict[str, int] = {}
    for source in table.rows:
        row = MappedRow(index=source.index, line=source.line, cells=dict(source.cells))
        try:
            _read_row(row, table, chosen, source_crs)
        except ValueError as exc:
            row.error = str(exc)
        if not row.error and row.code in seen:
            row.error = f"靶点编号「{row.code}」与第{seen[row.code]}行重复"
        if not row.error:
            seen[row.code] = row.line
        result.rows.append(row)
    return result
