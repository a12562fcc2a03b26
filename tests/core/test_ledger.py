"""The ledger house style, read back from the workbook openpyxl wrote."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from zerocrop.core.ledger import Column, Ledger, Note, ledger_xlsx, write_excel_ledger

COLUMNS = [
    Column("_seq", "序号"),
    Column("name", "地块名称"),
    Column("area_mu", "面积（亩）"),
    Column("count", "株数", width=9, number_format="#,##0"),
    Column("day", "日期"),
    Column("when", "时间"),
]
ROWS = [
    {"name": "张三家", "area_mu": 1.5, "count": 1200, "day": date(2022, 5, 25)},
    {"name": '=HYPERLINK("http://x","点我")', "when": datetime(2022, 5, 25, 9, 30)},  # noqa: DTZ001
    {"name": "李四家\x07", "area_mu": None, "count": ["甲", "乙"]},
]


def sheet_of(ledger: Ledger) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(ledger_xlsx(ledger))).active


@pytest.fixture
def sheet() -> openpyxl.worksheet.worksheet.Worksheet:
    return sheet_of(
        Ledger(
            title="毛布拉格村地块台账",
            sheet="地块台账",
            columns=COLUMNS,
            rows=ROWS,
            unit_name="毛布拉格村",
            filled_by="王建军",
            reported_on=date(2022, 5, 25),
            notes=[Note("注：含示例数据", warning=True), Note("审计检查点：…")],
        )
    )


def test_title_row_is_merged_bold_and_centred(sheet) -> None:
    assert sheet.title == "地块台账"
    assert sheet["A1"].value == "毛布拉格村地块台账"
    assert sheet["A1"].font.bold and sheet["A1"].alignment.horizontal == "center"
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}


def test_header_is_bold_frozen_and_filtered(sheet) -> None:
    assert [c.value for c in sheet[2]] == ["序号", "地块名称", "面积（亩）", "株数", "日期", "时间"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:F5"


def test_rows_numbers_formats_and_widths(sheet) -> None:
    assert [sheet.cell(row=r, column=1).value for r in range(3, 6)] == [1, 2, 3]
    assert sheet["C3"].value == 1.5 and sheet["C3"].number_format == "0.00"  # known key
    assert sheet["D3"].number_format == "#,##0"  # named by the column
    assert sheet.column_dimensions["D"].width == 9
    assert sheet.column_dimensions["B"].width >= 10  # "地块名称" is 4 wide characters
    assert "年" in sheet["E3"].number_format and "hh:mm" in sheet["F4"].number_format
    assert sheet["B4"].data_type == "s" and sheet["B4"].value.startswith("=HYPERLINK")
    assert sheet["B5"].value == "李四家"  # control characters dropped
    assert sheet["D5"].value == "甲、乙"


def test_footer_row_and_notes_under_the_table(sheet) -> None:
    footer = [c.value for c in sheet[6] if c.value]
    assert footer == ["填报单位：毛布拉格村", "填表人：王建军", "报出日期：2022年5月25日"]
    assert {"A6:B6", "C6:D6", "E6:F6"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A7"].value == "注：含示例数据" and sheet["A7"].font.bold
    assert sheet["A8"].value == "审计检查点：…" and sheet.max_row == 8


def test_print_setup(sheet) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.print_area.endswith("$A$1:$F$8")
    assert "&P" in sheet.oddFooter.center.text


def test_blank_footer_leaves_room_to_write_by_hand() -> None:
    sheet = sheet_of(Ledger(title="", sheet="表", columns=COLUMNS[:2], rows=[{"name": "甲"}]))
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"
    assert sheet.print_title_rows == "$1:$1"
    # Fewer columns than footer parts: one merged line.
    assert sheet["A3"].value == "填报单位：　　填表人：　　报出日期："
    assert "A3:B3" in {str(r) for r in sheet.merged_cells.ranges}


def test_a_ledger_needs_columns() -> None:
    with pytest.raises(ValueError, match="column"):
        ledger_xlsx(Ledger(title="t", sheet="s", columns=[], rows=[]))


def test_pairs_of_key_and_header_still_work() -> None:
    data = write_excel_ledger([{"name": "甲"}], [("_seq", "序号"), ("name", "名称")], title="表")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]] == ["序号", "名称"] and sheet["B3"].value == "甲"
