"""Hostile and broken uploads: each one is refused quickly with a Chinese GeoFileError."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import struct
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from support.hostile_files import (
    GPKG_SYSTEM_TABLES,
    endless_view_gpkg,
    kmz_bomb,
    shapefile_zip_bomb,
    xlsx_bomb,
)
from zerocrop.core.sandbox import ParseTimeout, run_bounded
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers import geopackage, read_geofile
from zerocrop.geo.readers.geopackage import check_geopackage_tables
from zerocrop.geo.safety import MiB, SafeZip, ZipLimits, check_vertex_count

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MAX_SECONDS = 2.0

KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
KML_BODY = (
    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>{name}</name>'
    "<Point><coordinates>108.6,37.9</coordinates></Point></Placemark></Document></kml>"
)


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    dtd = "<!DOCTYPE kml [\n" + "\n".join(entities) + "\n]>\n"
    return (KML_HEAD + dtd + KML_BODY.format(name="&lol9;")).encode()


def xxe_kml() -> bytes:
    dtd = '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return (KML_HEAD + dtd + KML_BODY.format(name="&xxe;")).encode()


def xxe_gpx() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        b'<wpt lat="37.9" lon="108.6"><name>&xxe;</name></wpt></gpx>'
    )


def dtd_after_long_comment() -> bytes:
    """The DTD sits past the 4 KB pre-screen: defusedxml itself must refuse it."""
    comment = "<!-- " + "x" * 8000 + " -->\n"
    dtd = '<!DOCTYPE kml [<!ENTITY a "aaaa">]>\n'
    return (KML_HEAD + comment + dtd + KML_BODY.format(name="&a;")).encode()


def make_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


SHP_PARTS = [("plots.shp", b"\0" * 100), ("plots.shx", b"\0" * 100), ("plots.dbf", b"\0" * 33)]


def zip_slip() -> bytes:
    return make_zip([*SHP_PARTS, ("../../evil.shp", b"x")])


def absolute_entry() -> bytes:
    return make_zip([*SHP_PARTS, ("/etc/cron.d/evil", b"x")])


def symlink_entry() -> bytes:
    info = zipfile.ZipInfo("plots.prj")
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return make_zip([*SHP_PARTS[:2], ("plots.dbf", b"\0" * 33), (info, b"/etc/passwd")])


def ratio_bomb() -> bytes:
    return make_zip([*SHP_PARTS[:2], ("plots.dbf", b"\0" * (60 * MiB))])


def size_lie_bomb() -> bytes:
    """Central directory and local header claim 1000 bytes; the data inflates to 20 MB."""
    data = bytearray(make_zip([("plots.dbf", b"\0" * (20 * MiB)), *SHP_PARTS[:2]]))
    struct.pack_into("<I", data, 22, 1000)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)  # central directory: uncompressed size
    return bytes(data)


def encrypted_flag() -> bytes:
    data = bytearray(make_zip(SHP_PARTS))
    central = data.find(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, central + 8)[0]
    struct.pack_into("<H", data, central + 8, flags | 0x1)
    return bytes(data)


def too_many_entries() -> bytes:
    return make_zip([*SHP_PARTS, *((f"junk/{i}.txt", b"") for i in range(3000))])


def nested_kmz() -> bytes:
    return make_zip([("doc.kml", KML_BODY.format(name="a").encode()), ("inner.zip", b"PK\x05\x06")])


def valid_kml() -> bytes:
    return (KML_HEAD + KML_BODY.format(name="正常")).encode()


def valid_zip() -> bytes:
    return make_zip([(name, data * 200) for name, data in SHP_PARTS])


# A 1,000,001-vertex ring (a square traced 250,000 times): cheap to build, costly to accept.
RING_STEP = [
    "108.600000,37.900000",
    "108.610000,37.900000",
    "108.610000,37.910000",
    "108.600000,37.910000",
]


def huge_polygon_geojson() -> bytes:
    step = ",".join(f"[{p}]" for p in RING_STEP)
    coords = ",".join([step] * 250_000) + f",[{RING_STEP[0]}]"
    return ('{"type":"Polygon","coordinates":[[' + coords + "]]}").encode()


def huge_polygon_kml() -> bytes:
    text = " ".join([" ".join(RING_STEP)] * 250_000) + " " + RING_STEP[0]
    body = (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon><outerBoundaryIs>'
        f"<LinearRing><coordinates>{text}</coordinates></LinearRing></outerBoundaryIs>"
        "</Polygon></Placemark></kml>"
    )
    return (KML_HEAD + body).encode()


def _gpkg_bytes(extra_sql: str = "") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.gpkg"
        frame = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(108.6, 37.9)], crs=4326)
        frame.to_file(path, layer="plots")
        if extra_sql:
            connection = sqlite3.connect(path)
            connection.executescript(extra_sql)
            connection.commit()
            connection.close()
        return path.read_bytes()


ENDLESS_VIEW = """
CREATE VIEW trap AS
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r)
  SELECT i AS fid, NULL AS geom FROM r;
INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
  VALUES ('trap', 'features', 'trap', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('trap', 'geom', 'POINT', 4326, 0, 0);
"""


def plain_sqlite() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE t (a)")
        connection.commit()
        connection.close()
        return path.read_bytes()


def half_gpkg() -> bytes:
    data = _gpkg_bytes()
    return data[: len(data) // 2]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64

# (file name, builder, expected GeoFileError.code)
HOSTILE: list[tuple[str, Callable[[], bytes], str]] = [
    ("billion_laughs.kml", billion_laughs, "xml_dtd"),
    ("xxe.kml", xxe_kml, "xml_dtd"),
    ("xxe.gpx", xxe_gpx, "xml_dtd"),
    ("late_dtd.kml", dtd_after_long_comment, "xml_dtd"),
    ("zip_slip.zip", zip_slip, "zip_path"),
    ("absolute.zip", absolute_entry, "zip_path"),
    ("symlink.zip", symlink_entry, "zip_symlink"),
    ("ratio_bomb.zip", ratio_bomb, "zip_ratio"),
    ("size_lie.zip", size_lie_bomb, "zip_bad|zip_size_lie"),  # CRC or byte count trips
    ("encrypted.zip", encrypted_flag, "zip_encrypted"),
    ("many_entries.zip", too_many_entries, "zip_entries"),
    ("nested.kmz", nested_kmz, "zip_nested"),
    ("empty.geojson", lambda: b"", "empty"),
    ("half.zip", lambda: valid_zip()[: len(valid_zip()) // 2], "zip_bad"),
    ("half.kml", lambda: valid_kml()[: len(valid_kml()) // 2], "xml_bad"),
    ("half.geojson", lambda: b'{"type":"FeatureCollection","features":[{"type":', "json_bad"),
    ("picture.kml", lambda: PNG, "format_mismatch"),
    ("picture.gpx", lambda: b"<html><body>not gpx</body></html>", "format_mismatch"),
    ("photos.zip", lambda: make_zip([("readme.txt", b"hi"), ("a.jpg", PNG)]), "zip_no_shapefile"),
    ("huge_polygon.geojson", huge_polygon_geojson, "too_many_vertices"),
    ("huge_polygon.kml", huge_polygon_kml, "too_many_vertices"),
    ("deep.json", lambda: b"[" * 200_000 + b"]" * 200_000, "json_depth"),
    ("nan.geojson", lambda: b'{"type":"Point","coordinates":[NaN,37.9]}', "json_bad"),
    ("plots.shp", lambda: b"\x00\x00\x27\x0a" + b"\0" * 96, "shp_not_zipped"),
    ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "xls"),
    ("data.docx", lambda: make_zip([("word/document.xml", b"<w/>")]), "unsupported"),
    ("fake.xlsx", lambda: make_zip([("hello.txt", b"hi")]), "xlsx_bad"),
    ("garbage_shp.zip", lambda: make_zip(SHP_PARTS), "ogr_bad"),
    ("view.gpkg", lambda: _gpkg_bytes(ENDLESS_VIEW), "gpkg_view"),
    ("half.gpkg", half_gpkg, "gpkg_bad"),
    ("not_geopackage.gpkg", plain_sqlite, "gpkg_bad"),
    (
        "sheet.zip",
        lambda: make_zip([("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<x/>")]),
        "format_mismatch",
    ),
]


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    files = []
    for name, build, code in HOSTILE:
        path = folder / name
        path.write_bytes(build())
        files.append((path, code))
    return files


def test_every_hostile_file_is_refused_quickly_in_chinese(
    hostile_files: list[tuple[Path, str]],
) -> None:
    timings: dict[str, float] = {}
    for path, code in hostile_files:
        start = time.perf_counter()
        with pytest.raises(GeoFileError) as info:
            read_geofile(path)
        elapsed = time.perf_counter() - start
        timings[path.name] = elapsed
        message = str(info.value)
        assert info.value.code in code.split("|"), (path.name, info.value.code, message)
        assert CHINESE.search(message), (path.name, message)
        assert "Traceback" not in message and "/etc/passwd" not in message
        assert elapsed < MAX_SECONDS, (path.name, elapsed)
    assert len(timings) == len(HOSTILE)


def test_messages_name_the_problem(hostile_files: list[tuple[Path, str]]) -> None:
    messages = {}
    for path, _ in hostile_files:
        with pytest.raises(GeoFileError) as info:
            read_geofile(path)
        messages[path.name] = str(info.value)
    assert "DTD" in messages["billion_laughs.kml"]
    assert "..‘" not in messages["zip_slip.zip"] and "“..”" in messages["zip_slip.zip"]
    assert "绝对路径" in messages["absolute.zip"]
    assert "符号链接" in messages["symlink.zip"]
    assert "压缩炸弹" in messages["ratio_bomb.zip"]
    assert "文件太多" in messages["many_entries.zip"]
    assert "空的" in messages["empty.geojson"]
    assert "PNG 图片" in messages["picture.kml"] and ".kml" in messages["picture.kml"]
    assert "readme.txt" in messages["photos.zip"]
    assert "顶点" in messages["huge_polygon.geojson"]
    assert ".xlsx" in messages["old.xls"]


def test_size_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.geojson"
    path.write_bytes(b" " * 2048)
    with pytest.raises(GeoFileError, match="文件太大") as info:
        read_geofile(path, max_bytes=1024)
    assert info.value.code == "too_large"
    with pytest.raises(GeoFileError, match="找不到文件"):
        read_geofile(tmp_path / "missing.kml")


def gbk_named_zip() -> bytes:
    """A zip as Chinese Windows tools write it: GBK file names, no UTF-8 flag."""
    gbk = "地块.shp".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".shp"
    data = make_zip([(placeholder.decode(), b"abc")])
    assert data.count(placeholder) == 2  # local header + central directory
    return data.replace(placeholder, gbk)


def test_safe_zip_counts_real_bytes_and_decodes_gbk_names() -> None:
    archive = SafeZip(gbk_named_zip())
    assert archive.names == ["地块.shp"]
    assert archive.read("地块.shp") == b"abc"
    with pytest.raises(GeoFileError, match="太大"):
        archive.read("地块.shp", max_bytes=2)
    small = ZipLimits(max_total_bytes=10)
    with pytest.raises(GeoFileError, match="解压后太大"):
        SafeZip(make_zip([("a.txt", b"x" * 11)]), limits=small)


def test_vertex_caps() -> None:
    square = shapely.box(0, 0, 1, 1)
    assert check_vertex_count([square, square]) == 10
    with pytest.raises(GeoFileError, match="第2个要素的顶点太多"):
        check_vertex_count([square, shapely.LineString(np.zeros((50, 2)))], per_feature=20)
    with pytest.raises(GeoFileError, match="顶点总数"):
        check_vertex_count([square] * 5, total=20)


def test_valid_controls_are_accepted(tmp_path: Path) -> None:
    """The same builders without the attack must pass: the guards are not just refusing all."""
    (tmp_path / "ok.kml").write_bytes(valid_kml())
    assert read_geofile(tmp_path / "ok.kml").features[0].name == "正常"
    doc = {"type": "Point", "coordinates": [108.6, 37.9]}
    (tmp_path / "ok.geojson").write_text(json.dumps(doc))
    assert len(read_geofile(tmp_path / "ok.geojson").features) == 1


# --------------------------------------------------------------------------- issue 7: hangs


@pytest.mark.parametrize("table", GPKG_SYSTEM_TABLES)
def test_geopackage_with_an_endless_view_as_system_table_is_refused(
    tmp_path: Path, table: str
) -> None:
    path = tmp_path / "upload-token"
    path.write_bytes(endless_view_gpkg(table))
    assert path.stat().st_size < 120_000  # the attack's 98 KB file
    start = time.perf_counter()
    with pytest.raises(GeoFileError) as info:
        read_geofile(path, original_name="巡查轨迹.gpkg")
    assert time.perf_counter() - start < MAX_SECONDS
    assert info.value.code == "gpkg_view"
    assert f"系统表「{table}」" in str(info.value) and "视图" in str(info.value)


def test_gdal_itself_hangs_on_that_file_and_the_sandbox_stops_it(tmp_path: Path) -> None:
    """The second line: should a file get past the checks, the child is killed on time."""
    path = tmp_path / "trap.gpkg"
    path.write_bytes(endless_view_gpkg("gpkg_geometry_columns"))
    start = time.perf_counter()
    with pytest.raises(ParseTimeout, match="文件解析超时"):
        run_bounded(pyogrio.list_layers, path, timeout_s=1.5)
    assert time.perf_counter() - start < 1.5 + MAX_SECONDS


def test_read_geofile_turns_a_timeout_into_a_chinese_geo_error(tmp_path: Path) -> None:
    path = tmp_path / "big.kml"
    path.write_bytes(huge_polygon_kml())
    with pytest.raises(GeoFileError) as info:
        read_geofile(path, timeout_s=0.01)
    assert info.value.code == "parse_timeout" and "文件解析超时" in str(info.value)


def test_sqlite_precheck_has_a_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.gpkg"
    path.write_bytes(_gpkg_bytes())
    check_geopackage_tables(path)  # a normal file passes
    monkeypatch.setattr(geopackage, "_PROGRESS_EVERY", 1)
    monkeypatch.setattr(geopackage, "_SQLITE_STEP_BUDGET", 10)
    with pytest.raises(GeoFileError) as info:
        check_geopackage_tables(path)
    assert info.value.code == "gpkg_too_complex"


def test_a_view_anywhere_in_a_geopackage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    path.write_bytes(_gpkg_bytes("CREATE VIEW extra AS SELECT 1;"))
    with pytest.raises(GeoFileError, match="数据库视图「extra」") as info:
        read_geofile(path)
    assert info.value.code == "gpkg_view"


def test_a_normal_geopackage_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.gpkg"
    path.write_bytes(_gpkg_bytes())
    preview = read_geofile(path)
    assert preview.source_format == "GeoPackage" and len(preview.features) == 1


# --------------------------------------------------------------------------- issue 7: archives

BOMBS = [
    ("bomb.xlsx", xlsx_bomb),
    ("bomb.kmz", kmz_bomb),
    ("bomb.zip", shapefile_zip_bomb),
]


@pytest.mark.parametrize(("name", "build"), BOMBS)
@pytest.mark.parametrize("lie", [False, True], ids=["honest-header", "lying-header"])
def test_a_4_gb_zip_bomb_is_refused_quickly(
    tmp_path: Path, name: str, build: Callable[..., bytes], lie: bool
) -> None:
    path = tmp_path / name
    path.write_bytes(build(declared_bytes=1000 if lie else None))
    start = time.perf_counter()
    with pytest.raises(GeoFileError) as info:
        read_geofile(path)
    assert time.perf_counter() - start < MAX_SECONDS
    message = str(info.value)
    assert CHINESE.search(message) and "Error" not in message
    if lie:
        assert info.value.code in {"zip_bad", "zip_size_lie"}
        assert "篡改" in message or "超过声明" in message
    else:
        assert info.value.code in {"zip_too_large", "zip_ratio"}


def test_safe_zip_stops_a_lying_member_after_at_most_one_chunk() -> None:
    """Without zipfile's own truncation the byte count still trips right after the cap."""
    data = kmz_bomb(inflated_mib=64, declared_bytes=1000)
    archive = SafeZip(data)
    tracemalloc.start()
    try:
        with pytest.raises(GeoFileError):
            archive.verify_all()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB


# --------------------------------------------------------------------------- issue 7: names


def test_messages_name_the_upload_not_the_server_path(tmp_path: Path) -> None:
    path = tmp_path / "Xq3kT0kenOnTheServer"
    path.write_bytes(b"")
    with pytest.raises(GeoFileError) as info:
        read_geofile(path, original_name="地块.geojson")
    assert "Xq3kT0ken" not in str(info.value) and str(tmp_path) not in str(info.value)
    path.unlink()
    with pytest.raises(GeoFileError, match="找不到文件「地块.geojson」"):
        read_geofile(path, original_name="地块.geojson")
    path.write_bytes(PNG)
    with pytest.raises(GeoFileError) as info:
        read_geofile(path, original_name="地块.kml")
    assert ".kml" in str(info.value) and "Xq3kT0ken" not in str(info.value)
