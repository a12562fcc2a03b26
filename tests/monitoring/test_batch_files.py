"""Every accepted batch file format read into one table: columns in order, all cells kept."""

from __future__ import annotations

import pytest
import shapely
from tests.monitoring.batch_builders import (
    HEADER,
    csv_bytes,
    geojson_bytes,
    kml_bytes,
    kmz_bytes,
    shapefile_zip,
    xlsx_bytes,
)

from zerocrop.geo import crs
from zerocrop.geo.features import GeoFileError
from zerocrop.monitoring.batch_files import read_batch
from zerocrop.monitoring.columns import guess_columns, map_rows

LIMIT = 50 * 1024 * 1024
ROWS = [
    HEADER + ["备注"],
    [
        "JB-01",
        "靖边县",
        "杨桥畔镇",
        "108°36'15\"",
        "37.9",
        "1.5",
        "罂粟",
        "高",
        "2022/7/1",
        "20220715",
        "房后",
    ],
    ["JB-02", "靖边县", "杨桥畔镇", "108.61", "37.91", "", "大麻", "", "", "", ""],
]


def read(data: bytes, name: str, source_crs: str = "wgs84"):
    table = read_batch(data, name=name, source_crs=source_crs, max_bytes=LIMIT)
    return table, map_rows(table, guess_columns(table.columns), source_crs=source_crs)


def test_a_gbk_csv():
    table, mapped = read(csv_bytes(ROWS, encoding="gbk"), "靶点.csv")
    assert (table.file_format, table.encoding) == ("csv", "gbk")
    assert table.columns == ROWS[0]
    first = mapped.rows[0]
    assert first.cells["乡镇"] == "杨桥畔镇" and first.cells["备注"] == "房后"
    assert first.geometry.x == pytest.approx(108 + 36 / 60 + 15 / 3600)
    assert first.area_m2 == pytest.approx(1000.0)
    assert str(first.issued_on) == "2022-07-01" and str(first.due_on) == "2022-07-15"
    assert not mapped.bad


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_a_utf8_bom_csv_with_any_separator(sep):
    table, mapped = read(csv_bytes(ROWS, encoding="utf-8-sig", sep=sep), "targets.csv")
    assert table.encoding == "utf-8-sig"
    assert [r.code for r in mapped.good] == ["JB-01", "JB-02"]
    assert table.columns[0] == "靶点编号"  # no BOM left in the first header


def test_an_xlsx_with_a_title_row_above_the_header():
    table, mapped = read(xlsx_bytes(ROWS, title="2022年第3批监测靶点下发表"), "靶点.xlsx")
    assert table.file_format == "xlsx"
    assert table.columns == ROWS[0]
    assert [r.line for r in mapped.rows] == [3, 4]
    assert any("第2行" in w for w in table.warnings)
    assert mapped.rows[1].category == "大麻"


def test_kml_points_and_the_same_in_a_kmz():
    kml = kml_bytes(
        [("KM-1", 108.6, 37.9, {"类型": "罂粟"}), ("KM-2", 108.61, 37.9, {"类型": "大麻"})]
    )
    for data, name, fmt in ((kml, "a.kml", "kml"), (kmz_bytes(kml), "a.kmz", "kmz")):
        table, mapped = read(data, name)
        assert table.file_format == fmt
        assert table.columns == ["名称", "类型"]
        assert [r.code for r in mapped.good] == ["KM-1", "KM-2"]
        assert mapped.rows[0].geometry.equals(shapely.Point(108.6, 37.9))


def test_a_shapefile_zip_of_polygons_with_a_gbk_dbf(tmp_path):
    squares = [shapely.box(108.6, 37.9, 108.601, 37.901), shapely.box(108.7, 37.9, 108.701, 37.901)]
    data = shapefile_zip(
        tmp_path,
        squares,
        {"TBBH": ["S-1", "S-2"], "村名": ["毛布拉格村", "王窑湾村"], "LX": ["罂粟", "大麻"]},
        encoding="GBK",
    )
    table, mapped = read(data, "靶点图斑.zip")
    assert table.file_format == "shp"
    assert [r.cells["村名"] for r in table.rows] == ["毛布拉格村", "王窑湾村"]
    assert [r.code for r in mapped.good] == ["S-1", "S-2"]
    assert mapped.rows[0].geometry.geom_type == "Polygon"
    assert squares[0].contains(mapped.rows[0].point)
    assert mapped.rows[1].category == "大麻"


def test_geojson_points_and_polygons():
    data = geojson_bytes(
        [
            (shapely.Point(108.6, 37.9), {"图斑编号": "GJ-1", "置信度": 0.92}),
            (shapely.box(108.6, 37.9, 108.601, 37.901), {"图斑编号": "GJ-2", "面积_m2": 1200}),
        ]
    )
    table, mapped = read(data, "targets.geojson")
    assert table.file_format == "geojson"
    assert table.columns == ["图斑编号", "置信度", "面积_m2"]
    assert mapped.rows[0].confidence == "0.92"
    assert mapped.rows[1].area_m2 == 1200
    assert mapped.rows[1].geometry.geom_type == "Polygon"


def test_a_kml_declared_gcj02_is_converted():
    lon, lat = crs.wgs84_to_gcj02(108.6, 37.9)
    _, mapped = read(kml_bytes([("K", lon, lat, {})]), "a.kml", source_crs="gcj02")
    point = mapped.rows[0].geometry
    assert crs.haversine_m(point.x, point.y, 108.6, 37.9) < 1


def test_odd_column_names_are_guessed():
    header = ["序号", "ID", "X", "Y", "面积（亩）", "类别", "成像日期", "截止日期", "县名"]
    table, mapped = read(
        csv_bytes(
            [header, ["1", "Q-7", "108.6", "37.9", "2", "罂粟", "2022年6月20日", "44757", "靖边"]]
        ),
        "odd.csv",
    )
    found = guess_columns(table.columns)
    assert found == {
        "code": "ID",
        "lon": "X",
        "lat": "Y",
        "area": "面积（亩）",
        "due": "截止日期",
        "category": "类别",
        "imagery": "成像日期",
    }
    row = mapped.rows[0]
    assert str(row.imagery_date) == "2022-06-20"
    assert str(row.due_on) == "2022-07-15"  # Excel serial 44757
    assert row.area_m2 == pytest.approx(1333.33, abs=0.01)


def test_bad_rows_are_listed_with_their_line_and_reason():
    rows = [
        HEADER,
        ["B-1", "", "", "108.6", "37.9", "", "", "", "", ""],
        ["", "", "", "108.6", "37.9", "", "", "", "", ""],
        ["B-3", "", "", "东经一百度", "37.9", "", "", "", "", ""],
        ["B-4", "", "", "108.6", "", "", "", "", "", ""],
        ["B-1", "", "", "108.7", "37.9", "", "", "", "", ""],
        ["B-6", "", "", "108.6", "37.9", "", "", "", "2022-02-30", ""],
        ["B-7", "", "", "208.6", "37.9", "", "", "", "", ""],
    ]
    _, mapped = read(csv_bytes(rows), "bad.csv")
    reasons = {r.line: r.error for r in mapped.bad}
    assert [r.code for r in mapped.good] == ["B-1"]
    assert reasons[3] == "缺少靶点编号"
    assert reasons[4].startswith("经度「东经一百度」无法识别")
    assert reasons[5] == "缺少纬度"
    assert reasons[6] == "靶点编号「B-1」与第2行重复"
    assert "不是有效日期" in reasons[7]
    assert "超出经纬度范围" in reasons[8]


def test_unsupported_and_empty_files_are_refused():
    with pytest.raises(GeoFileError, match="不支持"):
        read_batch(b"<gpx></gpx>", name="track.gpx", max_bytes=LIMIT)
    with pytest.raises(GeoFileError, match="空的"):
        read_batch(b"", name="a.csv", max_bytes=LIMIT)
    with pytest.raises(GeoFileError, match="只有表头"):
        read_batch(csv_bytes([HEADER]), name="a.csv", max_bytes=LIMIT)
    with pytest.raises(GeoFileError, match="太大"):
        read_batch(csv_bytes(ROWS), name="a.csv", max_bytes=10)
