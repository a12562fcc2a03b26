"""Exports: GeoJSON, KML for 奥维/Google Earth, Excel 地块台账."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import defusedxml.ElementTree as SafeET
import openpyxl
import pytest
import shapely

from zerocrop.core.ledger import write_excel_ledger
from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.geo.crs import from_utm
from zerocrop.geo.features import GeoFeature
from zerocrop.geo.writers import ledger_rows, to_excel_ledger, to_geojson, to_kml

NS = {"k": "http://www.opengis.net/kml/2.2"}
# 100 m x 100 m in UTM 49N near 108.6°E 37.9°N: 10 000 m² = 15 亩
HECTARE = from_utm(shapely.box(289_300, 4_197_300, 289_400, 4_197_400), "EPSG:32649")
HOLED = shapely.Polygon(
    [(108.60, 37.90), (108.61, 37.90), (108.61, 37.91), (108.60, 37.91)],
    [[(108.603, 37.903), (108.606, 37.903), (108.606, 37.906)]],
)


def sample() -> list[GeoFeature]:
    return [
        GeoFeature(HECTARE, {"group": "毛布拉格村", "risk": "重点", "户主": "张三"}, "张三家", 0),
        GeoFeature(HOLED, {"group": "毛布拉格村", "risk": "potential", "备注": "a\x0bb"}, "洞", 1),
        GeoFeature(
            shapely.MultiPoint([(108.62, 37.92), (108.63, 37.93)]),
            {"group": "排子湾村", "risk": "traditional", "when": datetime(2022, 5, 25, tzinfo=UTC)},
            "两点",
            2,
        ),
        GeoFeature(shapely.LineString([(108.6, 37.9), (108.7, 38.0)]), {}, None, 3),
    ]


def test_geojson_export() -> None:
    features = sample()
    features[0].properties["money"] = Decimal("1.50")
    document = json.loads(to_geojson(features))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 4
    first = document["features"][0]
    assert first["properties"]["name"] == "张三家" and first["properties"]["money"] == 1.5
    assert document["features"][2]["properties"]["when"] == "2022-05-25T00:00:00+00:00"
    assert shapely.geometry.shape(document["features"][1]["geometry"]).equals_exact(HOLED, 1e-8)
    assert "crs" not in document  # RFC 7946: WGS84 implied


def test_kml_export_structure() -> None:
    root = SafeET.fromstring(to_kml(sample(), document_name="毛布拉格村地块"))
    document = root.find("k:Document", NS)
    assert document.find("k:name", NS).text == "毛布拉格村地块"
    styles = {s.get("id") for s in document.findall("k:Style", NS)}
    assert styles == {"risk-key", "risk-traditional", "risk-potential", "risk-none"}
    folders = {f.find("k:name", NS).text: f for f in document.findall("k:Folder", NS)}
    assert list(folders) == ["毛布拉格村", "排子湾村", "未分组"]
    first = folders["毛布拉格村"].find("k:Placemark", NS)
    assert first.find("k:name", NS).text == "张三家"
    assert first.find("k:styleUrl", NS).text == "#risk-key"
    data = {d.get("name"): d.find("k:value", NS).text for d in first.iter(f"{{{NS['k']}}}Data")}
    assert data["户主"] == "张三" and data["group"] == "毛布拉格村"
    holed = folders["毛布拉格村"].findall("k:Placemark", NS)[1]
    assert holed.find(".//k:innerBoundaryIs", NS) is not None
    notes = {d.get("name"): d.find("k:value", NS).text for d in holed.iter(f"{{{NS['k']}}}Data")}
    assert notes["备注"] == "ab"  # control character dropped: the file stays valid XML
    multi = folders["排子湾村"].find("k:Placemark", NS)
    assert len(multi.findall("k:MultiGeometry/k:Point", NS)) == 2
    assert multi.find("k:styleUrl", NS).text == "#risk-traditional"


def test_kml_without_groups() -> None:
    root = SafeET.fromstring(to_kml(sample(), group_key=None))
    assert root.find("k:Document/k:Folder", NS) is None
    assert len(root.findall("k:Document/k:Placemark", NS)) == 4


def test_ledger_rows_compute_area_in_mu_and_square_metres() -> None:
    rows = ledger_rows(sample())
    assert rows[0]["area_m2"] == pytest.approx(10_000, rel=1e-4)
    assert rows[0]["area_mu"] == pytest.approx(15.0, abs=0.01)
    assert rows[0]["name"] == "张三家"
    assert rows[2]["area_m2"] == 0.0
    assert rows[0]["center_lon"] == pytest.approx(108.6, abs=0.01)
    assert pytest.approx(666.667, abs=0.001) == SQUARE_METRES_PER_MU


def test_excel_ledger_layout() -> None:
    columns = [("_seq", "序号"), ("name", "地块名称"), ("户主", "户主"), ("when", "日期")]
    data = to_excel_ledger(sample(), columns, title="毛布拉格村地块台账")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "地块台账"
    assert sheet["A1"].value == "毛布拉格村地块台账" and sheet["A1"].font.bold
    headers = [c.value for c in sheet[2]]
    assert headers == ["序号", "地块名称", "户主", "日期", "面积（亩）", "面积（平方米）"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert [sheet.cell(row=r, column=1).value for r in range(3, 7)] == [1, 2, 3, 4]
    assert sheet["E3"].value == pytest.approx(15.0, abs=0.01)
    assert sheet["F3"].value == pytest.approx(10_000, rel=1e-4)
    assert sheet["E3"].number_format == "0.00"
    assert sheet["D5"].value == datetime(2022, 5, 25)  # noqa: DTZ001 - Excel stores naive
    assert "年" in sheet["D5"].number_format
    assert sheet.column_dimensions["B"].width >= 10  # "地块名称" is 4 wide characters


def test_excel_ledger_never_writes_formulas() -> None:
    rows = [{"name": '=HYPERLINK("http://x","点我")', "day": date(2022, 5, 25)}]
    data = write_excel_ledger(rows, [("name", "名称"), ("day", "日期")])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert "日" in sheet["B2"].number_format
