"""The house style of every Excel 台账: a `Ledger` in, workbook bytes out.

Pure module (no Django).

Layout: a merged bold title row, the Chinese header row (frozen, with filters), the rows, then
one footer row 填报单位：… 填表人：… 报出日期：… and any notes. Printed landscape on A4, fitted
to the page width, the title and header repeated on every page. Strings that start with "="
are stored as text, never as formulas.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Above this many rows an export is built by a background job instead of in the request.
EXPORT_INLINE_MAX_ROWS = 5000

SEQ = "_seq"  # the column key that numbers the rows 1..n
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
# Number formats of keys several ledgers share, used when a column names none.
KNOWN_FORMATS = {
    "area_mu": "0.00",
    "area_m2": "0.0",
    "center_lon": "0.000000",
    "center_lat": "0.000000",
}
MIN_WIDTH, MAX_WIDTH = 6, 60
WARNING_FONT = Font(bold=True, color="B02A37")
FINE_PRINT_FONT = Font(size=8, color="6C757D")

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as printed
    width: float | None = None  # in characters; None sizes the column to its content
    number_format: str | None = None  # None: KNOWN_FORMATS by key, dates get a Chinese format


@dataclass(frozen=True)
class Note:
    """A line under the ledger: a warning (bold red) or fine print (small grey)."""

    text: str
    warning: bool = False


@dataclass(frozen=True)
class Ledger:
    title: str  # "" for no title row
    sheet: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, object]]
    unit_name: str = ""
    filled_by: str = ""
    reported_on: date | None = None
    notes: Sequence[Note] = field(default_factory=tuple)


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xml_safe(value: object) -> str:
    """`value` as text without the control characters XML (and so xlsx) cannot hold."""
    return _XML_INVALID.sub("", text(value))


def display_width(value: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text(value))


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cell_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str | datetime | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return "、".join(text(v) for v in value)
    return text(value)


def footer_text(ledger: Ledger) -> tuple[str, str, str]:
    day = chinese_date(ledger.reported_on) if ledger.reported_on else ""
    return (f"填报单位：{ledger.unit_name}", f"填表人：{ledger.filled_by}", f"报出日期：{day}")


def _merged_line(sheet: Worksheet, row: int, first: int, last: int, value: str) -> None:
    sheet.cell(row=row, column=first, value=xml_safe(value))
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _write_footer(sheet: Worksheet, ledger: Ledger, row: int) -> None:
    parts = footer_text(ledger)
    count = len(ledger.columns)
    if count < len(parts):
        _merged_line(sheet, row, 1, count, "　　".join(parts))
        return
    # Three stretches of about a third of the width each, so the line prints inside the page.
    bounds = [0, count // 3, 2 * count // 3, count]
    for index, part in enumerate(parts):
        _merged_line(sheet, row, bounds[index] + 1, bounds[index + 1], part)


def _print_setup(sheet: Worksheet, *, header_row: int, last_row: int, last_column: str) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"1:{header_row}"
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def ledger_xlsx(ledger: Ledger) -> bytes:
    """The ledger as an .xlsx workbook in the house style."""
    columns = list(ledger.columns)
    if not columns:
        raise ValueError("a ledger needs at least one column")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xml_safe(ledger.sheet)[:31] or "Sheet1"
    last_column = get_column_letter(len(columns))
    header_row = 1
    if ledger.title:
        _merged_line(sheet, 1, 1, len(columns), ledger.title)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 24
        header_row = 2
    widths = [display_width(c.header) for c in columns]
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(ledger.rows, start=1):
        excel_row = header_row + number
        for position, column in enumerate(columns, start=1):
            value = _cell_value(number if column.key == SEQ else row.get(column.key))
            if isinstance(value, str):
                value = xml_safe(value)
            cell = sheet.cell(row=excel_row, column=position, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # never a formula (CSV/Excel injection)
            number_format = column.number_format or KNOWN_FORMATS.get(column.key)
            if number_format:
                cell.number_format = number_format
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            widths[position - 1] = max(widths[position - 1], display_width(value))
    for position, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        chosen = (
            column.width if column.width is not None else min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        )
        sheet.column_dimensions[get_column_letter(position)].width = chosen
    last_data_row = header_row + len(ledger.rows)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_data_row}"
    footer_row = last_data_row + 1
    _write_footer(sheet, ledger, footer_row)
    for offset, note in enumerate(ledger.notes, start=1):
        cell = sheet.cell(row=footer_row + offset, column=1, value=xml_safe(note.text))
        cell.font = (
            Font(bold=True, color="B02A37") if note.warning else Font(size=8, color="6C757D")
        )
    _print_setup(
        sheet,
        header_row=header_row,
        last_row=footer_row + len(ledger.notes),
        last_column=last_column,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_excel_ledger(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[tuple[str, str]],
    *,
    sheet_title: str = "地块台账",
    title: str | None = None,
) -> bytes:
    """`ledger_xlsx` from [(key, 中文表头)] pairs, for callers without footer or notes."""
    return ledger_xlsx(
        Ledger(
            title=title or "",
            sheet=sheet_title,
            columns=[Column(key, header) for key, header in columns],
            rows=rows,
        )
    )
