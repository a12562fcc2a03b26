"""The batch written back in its own file type and columns, read back with the real readers."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from shapely.geometry import Point, Polygon, mapping, shape

from zerocrop.geo import crs as crs_mod
from zerocrop.geo.readers import read_geobytes_unbounded
from zerocrop.geo.readers.geojson import read_geojson
from zerocrop.geo.readers.kml import read_kml, read_kmz
from zerocrop.monitoring import feedback_files as ff

LON, LAT = 108.612345, 37.512345
COLUMNS = ["靶点编号", "经度", "纬度", "类型", "备注说明"]


def _rows() -> list[ff.FeedbackRow]:
    first = {
        "靶点编号": "BD0001",
        "经度": f"{LON}",
        "纬度": f"{LAT}",
        "类型": "疑似罂粟",
        "备注说明": "",
    }
    second = {
        "靶点编号": "BD0002",
        "经度": f"{LON + 0.01}",
        "纬度": f"{LAT}",
        "类型": "疑似",
        "备注说明": "沟边",
    }
    return [
        ff.FeedbackRow(
            attributes=first,
            geometry=mapping(Point(LON, LAT)),
            feedback={
                ff.RESULT: "属实",
                ff.VERIFIED_AT: "2022-06-01 10:30",
                ff.VERIFIERS: "张三;李四",
                ff.DISTANCE: 12.5,
                ff.PLANTS: 30,
                ff.PHOTOS: "BD0001_1.jpg;BD0001_2.jpg;BD0001_3.jpg",
                ff.REVIEW: "已核查",
            },
        ),
        ff.FeedbackRow(
            attributes=second,
            geometry=mapping(Point(LON + 0.01, LAT)),
            feedback={ff.RESULT: "不属实", ff.REASON: "观赏花卉（如虞美人）", ff.REVIEW: "待审核"},
        ),
    ]


def _doc(file_format: str, **kw) -> ff.FeedbackFile:
    return ff.FeedbackFile(file_format=file_format, columns=COLUMNS, rows=_rows(), **kw)


EXPECTED_HEADER = [*COLUMNS, *ff.FEEDBACK_COLUMNS]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_keeps_its_encoding_columns_and_values(encoding):
    data = ff.write_feedback(_doc("csv", encoding=encoding))
    if encoding == "gbk":
        assert not data.startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("gbk")
    else:
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == EXPECTED_HEADER
    assert rows[1][:5] == ["BD0001", f"{LON}", f"{LAT}", "疑似罂粟", ""]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["结论"] == "属实"
    assert record["照片文件名"] == "BD0001_1.jpg;BD0001_2.jpg;BD0001_3.jpg"
    assert record["偏离距离(米)"] == "12.5"
    assert dict(zip(rows[0], rows[2], strict=True))["原因"] == "观赏花卉（如虞美人）"
    # The real reader finds the points where they were.
    preview = read_geobytes_unbounded(data, name="反馈.csv")
    assert [round(f.geometry.x, 6) for f in preview.features] == [LON, round(LON + 0.01, 6)]


def test_csv_gbk_writes_a_rare_name_instead_of_failing():
    rows = [
        ff.FeedbackRow(
            attributes=_rows()[0].attributes, geometry=None, feedback={ff.VERIFIERS: "王䶮"}
        )
    ]
    data = ff.write_feedback(
        ff.FeedbackFile(file_format="csv", columns=COLUMNS, encoding="gbk", rows=rows)
    )
    assert "王䶮" in data.decode("gb18030")
    assert data.decode("gb18030").splitlines()[1].startswith("BD0001,")


def test_xlsx_keeps_header_order_and_values():
    data = ff.write_feedback(_doc("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == EXPECTED_HEADER
    # Plain numbers are numbers again (the batch reader keeps cells as text); codes stay text.
    assert list(values[1][:5]) == ["BD0001", LON, LAT, "疑似罂粟", None]
    assert values[1][EXPECTED_HEADER.index("株数")] == 30
    assert values[2][EXPECTED_HEADER.index("结论")] == "不属实"


def test_geojson_wgs84_round_trip_keeps_property_order():
    data = ff.write_feedback(_doc("geojson"))
    document = json.loads(data)
    assert "crs" not in document
    assert list(document["features"][0]["properties"]) == EXPECTED_HEADER
    preview = read_geobytes_unbounded(data, name="反馈.geojson")
    assert preview.features[0].properties["靶点编号"] == "BD0001"
    assert preview.features[0].properties["结论"] == "属实"
    assert preview.features[0].geometry.equals_exact(Point(LON, LAT), 1e-7)


def test_geojson_in_gcj02_stays_gcj02():
    data = ff.write_feedback(_doc("geojson", source_crs="gcj02"))
    raw = read_geojson(data)  # coordinates as in the file
    expected = crs_mod.wgs84_to_gcj02(LON, LAT)
    got = raw.features[0].geometry
    assert got.x == pytest.approx(expected[0], abs=1e-7)
    assert got.y == pytest.approx(expected[1], abs=1e-7)
    assert abs(got.x - LON) > 1e-4  # really offset, not written as WGS84
    # Read back declaring GCJ-02, the point is where it was.
    preview = read_geobytes_unbounded(data, name="反馈.geojson", source_crs="gcj02")
    assert (
        crs_mod.haversine_m(
            preview.features[0].geometry.x, preview.features[0].geometry.y, LON, LAT
        )
        < 0.01
    )


def test_geojson_gauss_kruger_declares_its_crs():
    data = ff.write_feedback(_doc("geojson", source_crs="EPSG:4524"))
    document = json.loads(data)
    assert document["crs"]["properties"]["name"].endswith("4524")
    assert document["features"][0]["geometry"]["coordinates"][0] > 36_000_000
    preview = read_geobytes_unbounded(data, name="反馈.geojson")
    point = preview.features[0].geometry
    assert crs_mod.haversine_m(point.x, point.y, LON, LAT) < 0.01


@pytest.mark.parametrize("file_format", ["kml", "kmz"])
def test_kml_placemarks_carry_every_column(file_format):
    data = ff.write_feedback(_doc(file_format))
    result = read_kml(data) if file_format == "kml" else read_kmz(data)
    first = result.features[0]
    keys = [k for k in first.properties if k != "style_id"]
    assert keys == EXPECTED_HEADER
    assert first.properties["靶点编号"] == "BD0001"
    assert first.properties["照片文件名"] == "BD0001_1.jpg;BD0001_2.jpg;BD0001_3.jpg"
    assert first.geometry.equals_exact(Point(LON, LAT), 1e-7)


def test_kml_declared_gcj02_is_written_in_gcj02():
    data = ff.write_feedback(_doc("kml", source_crs="gcj02"))
    point = read_kml(data).features[0].geometry
    expected = crs_mod.wgs84_to_gcj02(LON, LAT)
    assert (point.x, point.y) == pytest.approx(expected, abs=1e-7)


def test_kml_name_column_becomes_the_placemark_name():
    point = mapping(Point(LON, LAT))
    rows = [ff.FeedbackRow(attributes={"名称": "BD9", "面积": "3.5"}, geometry=point)]
    data = ff.write_feedback(
        ff.FeedbackFile(file_format="kml", columns=["名称", "面积"], rows=rows)
    )
    feature = read_kml(data).features[0]
    assert feature.name == "BD9"
    assert "名称" not in feature.properties
    assert feature.properties["面积"] == "3.5"


def test_geojson_drops_a_name_column_made_from_another_property():
    point = mapping(Point(LON, LAT))
    rows = [ff.FeedbackRow(attributes={"名称": "甲", "name": "甲", "编号": "1"}, geometry=point)]
    made = ff.FeedbackFile(file_format="geojson", columns=["名称", "name", "编号"], rows=rows)
    props = json.loads(ff.write_feedback(made))["features"][0]["properties"]
    assert list(props)[:2] == ["name", "编号"]
    # A real 名称 property (no other name property) is kept.
    rows = [ff.FeedbackRow(attributes={"名称": "甲", "编号": "1"}, geometry=point)]
    real = ff.FeedbackFile(file_format="geojson", columns=["名称", "编号"], rows=rows)
    props = json.loads(ff.write_feedback(real))["features"][0]["properties"]
    assert list(props)[:2] == ["名称", "编号"]


def test_typed_column_only_turns_plain_numbers_back():
    assert ff.typed_column(["1", "20", ""]) == [1, 20, None]
    assert ff.typed_column(["1.5", "2"]) == [1.5, 2.0]
    assert ff.typed_column(["0012", "3"]) == ["0012", "3"]
    assert ff.typed_column(["37.9228400"]) == ["37.9228400"]
    assert ff.typed_column(["JB-1", ""]) == ["JB-1", None]


@pytest.mark.parametrize("encoding,cpg", [("gbk", "GBK"), ("utf-8", "UTF-8")])
def test_shapefile_keeps_field_names_encoding_and_explains_short_names(encoding, cpg):
    columns = ["BH", "MC", "MJ"]
    square = Polygon(
        [(LON, LAT), (LON + 0.001, LAT), (LON + 0.001, LAT + 0.001), (LON, LAT + 0.001)]
    )
    rows = [
        ff.FeedbackRow(
            attributes={"BH": "BD0001", "MC": "疑似地块", "MJ": 120.5},
            geometry=mapping(square),
            feedback={ff.RESULT: "属实", ff.PLANTS: 12},
        ),
        ff.FeedbackRow(
            attributes={"BH": "BD0002", "MC": "坡地", "MJ": 80.0},
            geometry=mapping(square),
            feedback={ff.RESULT: "不属实", ff.REASON: "草坪"},
        ),
    ]
    data = ff.write_feedback(
        ff.FeedbackFile(
            file_format="shp", columns=columns, encoding=encoding, rows=rows, source_crs="cgcs2000"
        )
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert {"核查反馈.shp", "核查反馈.dbf", "核查反馈.shx", "核查反馈.prj", "核查反馈.cpg"} <= set(
        names
    )
    assert archive.read("核查反馈.cpg").decode().strip().upper().replace("-", "") == cpg.replace(
        "-", ""
    )
    note = archive.read(ff.SHAPEFILE_NOTE_NAME).decode("utf-8")
    assert "HC_JL\t结论" in note and "ZP_WJM\t照片文件名" in note
    assert all(len(n.encode()) <= 10 for n in ff.SHAPEFILE_NAMES.values())
    dbf = archive.read("核查反馈.dbf")
    assert "疑似地块".encode(encoding) in dbf
    preview = read_geobytes_unbounded(data, name="反馈.zip")
    props = preview.features[0].properties
    assert list(props)[:3] == columns
    assert props["BH"] == "BD0001" and props["MC"] == "疑似地块" and props["MJ"] == 120.5
    assert props["HC_JL"] == "属实" and props["ZS"] == 12
    assert preview.features[1].properties["HC_YY"] == "草坪"
    assert shape(mapping(preview.features[0].geometry)).equals_exact(square, 1e-7) or (
        preview.features[0].geometry.difference(square).area < 1e-12
    )


def test_shapefile_short_name_avoids_an_existing_field():
    names = ff.shapefile_field_names(["HC_JL", "BH"])
    assert names["结论"] != "HC_JL" and len(names["结论"].encode()) <= 10


def test_unknown_format_is_refused_in_chinese():
    from zerocrop.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="不支持"):
        ff.write_feedback(ff.FeedbackFile(file_format="dxf", columns=[]))


@pytest.mark.parametrize("encoding,expected", [("gbk", "gbk"), ("utf-8", "utf-8")])
def test_shapefile_source_encoding_from_cpg_or_dbf(encoding, expected):
    rows = [ff.FeedbackRow(attributes={"MC": "疑似地块"}, geometry=mapping(Point(LON, LAT)))]
    data = ff.write_feedback(
        ff.FeedbackFile(file_format="shp", columns=["MC"], encoding=encoding, rows=rows)
    )
    assert ff.shapefile_source_encoding(data) == expected
    # Without the .cpg, the DBF itself tells.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bare:
        for name in source.namelist():
            if not name.endswith(".cpg"):
                bare.writestr(name, source.read(name))
    assert ff.shapefile_source_encoding(out.getvalue()) == expected
