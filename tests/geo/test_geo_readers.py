"""Round trips through every supported format: write a real file, read it back as WGS84."""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyproj
import pytest
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from zerocrop.geo import crs
from zerocrop.geo.features import GeoFeature, GeoFileError
from zerocrop.geo.readers import (
    detect_format,
    read_geobytes,
    read_geobytes_unbounded,
    read_geofile,
    sniff,
)
from zerocrop.geo.readers.tabular import parse_coordinate
from zerocrop.geo.writers import to_geojson, to_kml

# Around 108.6°E 37.9°N (陕北, CGCS2000 3° zone 36 / 6° zone 19).
BASE_LON = 108.6
BASE_LAT = 37.9


def square(lon: float, lat: float, size_deg: float = 0.001) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + size_deg, lat + size_deg)


def project(geom: BaseGeometry, dst: str, src: str = "EPSG:4326") -> BaseGeometry:
    transformer = pyproj.Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda x, y: transformer.transform(x, y), interleaved=False)


def shapefile_zip(
    tmp_path: Path,
    geometries: Sequence[BaseGeometry],
    crs: str | None,
    *,
    name: str = "地块",
    attributes: dict[str, list[object]] | None = None,
    include_prj: bool = True,
    include_cpg: bool = True,
    encoding: str = "UTF-8",
    folder: str = "",
) -> bytes:
    """Write a real Shapefile with geopandas/pyogrio and zip its parts."""
    out = tmp_path / f"shp-{name}-{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    frame = gpd.GeoDataFrame(attributes or {}, geometry=list(geometries), crs=crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "crs was not provided": on purpose
        frame.to_file(out / "layer.shp", encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(out.iterdir()):
            suffix = part.suffix.lower()
            if suffix == ".prj" and not include_prj:
                continue
            if suffix == ".cpg" and not include_cpg:
                continue
            archive.writestr(f"{folder}{name}{suffix}", part.read_bytes())
    return buffer.getvalue()


def write_bytes(tmp_path: Path, filename: str, data: bytes) -> Path:
    path = tmp_path / filename
    path.write_bytes(data)
    return path


OVITAL_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>奥维互动地图导出</name>
  <Style id="s_red"><LineStyle><color>ff0000ff</color><width>2</width></LineStyle>
    <PolyStyle><color>660000ff</color></PolyStyle></Style>
  <Style id="s_pin"><IconStyle><color>ff00ffff</color>
    <Icon><href>files/pin.png</href></Icon></IconStyle></Style>
  <StyleMap id="m_red"><Pair><key>normal</key><styleUrl>#s_red</styleUrl></Pair>
    <Pair><key>highlight</key><styleUrl>#s_pin</styleUrl></Pair></StyleMap>
  <Folder>
    <name>地块</name>
    <Folder>
      <name>重点</name>
      <Placemark>
        <name><![CDATA[张三家地块]]></name>
        <description><![CDATA[2021年曾种植罂粟 <b>12</b> 株]]></description>
        <styleUrl>#m_red</styleUrl>
        <ExtendedData>
          <Data name="户主"><value>张三</value></Data>
          <Data name="面积亩"><value>1.5</value></Data>
        </ExtendedData>
        <Polygon><tessellate>1</tessellate>
          <outerBoundaryIs><LinearRing><coordinates>
            108.600000,37.900000,1020 108.601000,37.900000,1020 108.601000,37.901000,1020
            108.600000,37.901000,1020 108.600000,37.900000,1020
          </coordinates></LinearRing></outerBoundaryIs>
          <innerBoundaryIs><LinearRing><coordinates>
            108.6004,37.9004 108.6006,37.9004 108.6006,37.9006 108.6004,37.9006 108.6004,37.9004
          </coordinates></LinearRing></innerBoundaryIs>
        </Polygon>
      </Placemark>
    </Folder>
    <Placemark>
      <name>李四家大棚</name>
      <Style><PolyStyle><color>7f00ff00</color></PolyStyle></Style>
      <MultiGeometry>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>
          108.610,37.910 108.611,37.910 108.611,37.911 108.610,37.910
        </coordinates></LinearRing></outerBoundaryIs></Polygon>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>
          108.620,37.920 108.621,37.920 108.621,37.921 108.620,37.920
        </coordinates></LinearRing></outerBoundaryIs></Polygon>
      </MultiGeometry>
    </Placemark>
  </Folder>
  <Folder>
    <name>标注点</name>
    <Placemark>
      <name>村委会</name>
      <styleUrl>#s_pin</styleUrl>
      <TimeStamp><when>2022-05-25T08:30:00+08:00</when></TimeStamp>
      <Point><coordinates>108.605, 37.905, 0</coordinates></Point>
    </Placemark>
    <Placemark>
      <name>河边小路</name>
      <LineString><coordinates>108.60,37.90 108.61,37.91 108.62,37.90</coordinates></LineString>
    </Placemark>
  </Folder>
</Document>
</kml>
"""

TWOSTEP_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>两步路轨迹</name>
  <Schema name="track_schema" id="track_schema">
    <SimpleField name="里程" type="float"/>
  </Schema>
  <Folder><name>巡查轨迹</name>
  <Placemark>
    <name>5月25日巡山</name>
    <ExtendedData><SchemaData schemaUrl="#track_schema">
      <SimpleData name="里程">1.2</SimpleData>
      <SimpleData name="巡查人">王五</SimpleData>
    </SchemaData></ExtendedData>
    <gx:Track>
      <altitudeMode>absolute</altitudeMode>
      <when>2022-05-25T00:30:00Z</when>
      <when>2022-05-25T00:31:00Z</when>
      <when>2022-05-25T00:32:00.500Z</when>
      <gx:coord>108.600 37.900 1100</gx:coord>
      <gx:coord>108.601 37.901 1105</gx:coord>
      <gx:coord>108.602 37.903 1110</gx:coord>
    </gx:Track>
  </Placemark>
  <Placemark>
    <name>两段轨迹</name>
    <gx:MultiTrack>
      <gx:Track>
        <when>2022-05-26T01:00:00Z</when><when>2022-05-26T01:01:00Z</when>
        <gx:coord>108.61 37.91 0</gx:coord><gx:coord>108.62 37.92 0</gx:coord>
      </gx:Track>
      <gx:Track>
        <when>2022-05-26T02:00:00Z</when><when>2022-05-26T02:01:00Z</when>
        <gx:coord>108.63 37.93 0</gx:coord><gx:coord>108.64 37.94 0</gx:coord>
      </gx:Track>
    </gx:MultiTrack>
  </Placemark>
  </Folder>
</Document>
</kml>
"""

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="两步路" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>巡查</name></metadata>
  <wpt lat="37.9001" lon="108.6001">
    <ele>1101.5</ele><time>2022-05-25T08:00:00Z</time>
    <name>疑似种植点</name><desc>路边发现</desc><sym>Flag</sym>
  </wpt>
  <wpt lat="37.9101" lon="108.6101"><name>无时间点</name></wpt>
  <rte>
    <name>计划路线</name>
    <rtept lat="37.90" lon="108.60"/><rtept lat="37.91" lon="108.61"/>
    <rtept lat="37.92" lon="108.60"/>
  </rte>
  <trk>
    <name>实际轨迹</name><type>巡查</type>
    <trkseg>
      <trkpt lat="37.900" lon="108.600"><ele>1100</ele><time>2022-05-25T00:30:00Z</time></trkpt>
      <trkpt lat="37.901" lon="108.601"><time>2022-05-25T00:31:00Z</time></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="37.905" lon="108.605"><time>2022-05-25T01:00:00Z</time></trkpt>
      <trkpt lat="37.906" lon="108.606"><time>2022-05-25T01:01:00Z</time></trkpt>
      <trkpt lat="37.907" lon="108.607"><time>2022-05-25T01:02:00Z</time></trkpt>
    </trkseg>
  </trk>
</gpx>
"""


DEG_TOL = 1e-7  # ~1 cm


def coords_close(a: shapely.Geometry, b: shapely.Geometry, tol: float = DEG_TOL) -> bool:
    """Same type and vertex count, every vertex within `tol` degrees of the other shape.

    Hausdorff distance, not vertex-by-vertex: Shapefiles store outer rings clockwise, so the
    vertex order may differ from what was written.
    """
    return (
        a.geom_type == b.geom_type
        and shapely.get_num_coordinates(a) == shapely.get_num_coordinates(b)
        and a.hausdorff_distance(b) < tol
    )


PLOTS = [
    square(BASE_LON, BASE_LAT),
    square(BASE_LON + 0.01, BASE_LAT + 0.005, 0.002),
    shapely.Point(BASE_LON + 0.02, BASE_LAT - 0.01),
]


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_round_trip(tmp_path: Path) -> None:
    features = [
        GeoFeature(geom, {"户主": f"村民{i}", "risk": "重点"}, f"地块{i}", i)
        for i, geom in enumerate(PLOTS)
    ]
    path = write_bytes(tmp_path, "plots.geojson", to_geojson(features))
    preview = read_geofile(path)
    assert preview.crs == "EPSG:4326" and preview.crs_label == "WGS84"
    assert preview.source_format == "GeoJSON"
    assert [f.name for f in preview.features] == ["地块0", "地块1", "地块2"]
    assert preview.features[1].properties["户主"] == "村民1"
    for original, read in zip(PLOTS, preview.features, strict=True):
        assert coords_close(original, read.geometry)
    assert preview.geometry_types == {"Point": 1, "Polygon": 2}
    assert preview.bbox == pytest.approx(shapely.total_bounds(PLOTS).tolist())
    assert preview.to_dict() == {
        "features": 3,
        "crs": "EPSG:4326",
        "crs_label": "WGS84",
        "bbox": list(preview.bbox),
        "geometry_types": {"Point": 1, "Polygon": 2},
        "warnings": [],
    }


def test_geojson_with_legacy_crs_member_in_gk_metres(tmp_path: Path) -> None:
    gk = project(PLOTS[0], "EPSG:4524")
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4524"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(gk)}],
    }
    preview = read_geofile(write_bytes(tmp_path, "gk.json", json.dumps(doc).encode()))
    assert preview.crs == "EPSG:4524"
    assert preview.crs_label == "CGCS2000 3度带 第36带"
    assert coords_close(PLOTS[0], preview.features[0].geometry)


def test_geojson_gk_without_crs_is_guessed_from_zone_prefix(tmp_path: Path) -> None:
    gk = project(PLOTS[1], "EPSG:4497")
    doc = {
        "type": "Feature",
        "properties": {"名称": "六度带"},
        "geometry": mapping(gk),
    }
    preview = read_geofile(write_bytes(tmp_path, "gk6.geojson", json.dumps(doc).encode()))
    assert preview.crs == "EPSG:4497"
    assert preview.features[0].name == "六度带"
    assert any("根据坐标数值判断" in w for w in preview.warnings)
    assert coords_close(PLOTS[1], preview.features[0].geometry)


def test_geojson_gcj02_source_is_converted(tmp_path: Path) -> None:
    gcj = crs.transform_geometry(PLOTS[0], crs.wgs84_to_gcj02_arrays)
    assert not coords_close(PLOTS[0], gcj, 1e-4)  # GCJ-02 really is hundreds of metres off
    path = write_bytes(tmp_path, "amap.geojson", to_geojson([GeoFeature(gcj, {}, "高德", 0)]))
    preview = read_geofile(path, source_crs="gcj02")
    assert preview.crs == "GCJ02" and "高德" in preview.crs_label
    assert coords_close(PLOTS[0], preview.features[0].geometry, 2e-8)  # writer rounds to 1e-8


# --------------------------------------------------------------------------- KML / KMZ


def check_ovital(preview) -> None:
    names = [f.name for f in preview.features]
    assert names == ["张三家地块", "李四家大棚", "村委会", "河边小路"]  # document order
    plot = preview.features[0]
    assert plot.properties["folder"] == "地块/重点"
    assert plot.properties["户主"] == "张三" and plot.properties["面积亩"] == "1.5"
    assert plot.properties["line_color"] == "#ff0000ff"  # StyleMap -> normal style
    assert plot.properties["fill_color"] == "#ff000066"
    assert "12" in str(plot.properties["description"])
    assert len(plot.geometry.interiors) == 1
    assert plot.geometry.exterior.coords[1] == pytest.approx((108.601, 37.9))
    assert preview.features[1].geometry.geom_type == "MultiPolygon"
    assert preview.features[1].properties["fill_color"] == "#00ff007f"  # inline style
    pin = preview.features[2]
    assert pin.properties["folder"] == "标注点" and pin.properties["icon"] == "files/pin.png"
    assert pin.properties["time"] == "2022-05-25T08:30:00+08:00"
    assert pin.geometry.coords[0] == pytest.approx((108.605, 37.905))
    assert preview.geometry_types == {
        "LineString": 1,
        "MultiPolygon": 1,
        "Point": 1,
        "Polygon": 1,
    }


def test_kml_ovital_export(tmp_path: Path) -> None:
    preview = read_geofile(write_bytes(tmp_path, "奥维.kml", OVITAL_KML.encode()))
    assert preview.source_format == "KML" and preview.crs == "EPSG:4326"
    check_ovital(preview)


def test_kmz_with_icons(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", OVITAL_KML)
        archive.writestr("files/pin.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    preview = read_geofile(write_bytes(tmp_path, "export.kmz", buffer.getvalue()))
    assert preview.source_format == "KMZ"
    check_ovital(preview)


def test_kml_twostep_tracks_keep_times(tmp_path: Path) -> None:
    preview = read_geofile(write_bytes(tmp_path, "两步路.kml", TWOSTEP_KML.encode()))
    track, multi = preview.features
    assert track.name == "5月25日巡山" and track.properties["folder"] == "巡查轨迹"
    assert track.properties["巡查人"] == "王五" and track.properties["里程"] == "1.2"
    assert track.geometry.geom_type == "LineString" and len(track.geometry.coords) == 3
    assert track.times == [
        datetime(2022, 5, 25, 0, 30, tzinfo=UTC),
        datetime(2022, 5, 25, 0, 31, tzinfo=UTC),
        datetime(2022, 5, 25, 0, 32, 0, 500000, tzinfo=UTC),
    ]
    assert track.properties["start_time"] == "2022-05-25T00:30:00+00:00"
    assert multi.geometry.geom_type == "MultiLineString"
    assert multi.times is not None and len(multi.times) == 4
    assert multi.times[2] == datetime(2022, 5, 26, 2, 0, tzinfo=UTC)


def test_kml_writer_round_trip_groups_and_styles(tmp_path: Path) -> None:
    features = [
        GeoFeature(PLOTS[0], {"group": "一组", "risk": "key", "户主": "张三"}, "甲", 0),
        GeoFeature(PLOTS[1], {"group": "二组", "risk": "潜在", "面积": 2.5}, "乙", 1),
        GeoFeature(PLOTS[2], {"group": "一组", "risk": None}, "丙", 2),
    ]
    preview = read_geofile(write_bytes(tmp_path, "out.kml", to_kml(features)))
    by_name = {f.name: f for f in preview.features}
    assert set(by_name) == {"甲", "乙", "丙"}
    assert by_name["甲"].properties["folder"] == "一组"
    assert by_name["乙"].properties["folder"] == "二组"
    assert by_name["甲"].properties["style_id"] == "risk-key"
    assert by_name["乙"].properties["style_id"] == "risk-potential"
    assert by_name["丙"].properties["style_id"] == "risk-none"
    assert by_name["甲"].properties["户主"] == "张三"
    assert by_name["乙"].properties["面积"] == "2.5"
    for feature in features:
        assert coords_close(feature.geometry, by_name[feature.name].geometry, 1e-8)


# --------------------------------------------------------------------------- GPX


def test_gpx_waypoints_routes_tracks(tmp_path: Path) -> None:
    preview = read_geofile(write_bytes(tmp_path, "patrol.gpx", GPX.encode()))
    assert preview.source_format == "GPX"
    wpt, bare, route, track = preview.features
    assert wpt.name == "疑似种植点" and wpt.properties["desc"] == "路边发现"
    assert wpt.properties["ele"] == 1101.5
    assert wpt.geometry.coords[0] == pytest.approx((108.6001, 37.9001))
    assert wpt.times == [datetime(2022, 5, 25, 8, 0, tzinfo=UTC)]
    assert bare.times is None
    assert route.geometry.geom_type == "LineString" and route.times is None
    assert route.properties["gpx_type"] == "route"
    assert track.geometry.geom_type == "MultiLineString"
    assert track.properties["point_count"] == 5
    assert track.times is not None and len(track.times) == 5
    assert track.times[0] < track.times[-1]
    assert track.properties["end_time"] == "2022-05-25T01:02:00+00:00"
    coords = shapely.get_coordinates(track.geometry)
    assert coords[2] == pytest.approx((108.605, 37.905))


# --------------------------------------------------------------------------- Shapefile


@pytest.mark.parametrize(
    ("epsg", "label"),
    [
        (4524, "CGCS2000 3度带 第36带"),
        (4497, "CGCS2000 6度带 第19带"),
        (4545, "CGCS2000 3度带 第36带（中央经线108°，X坐标不含带号）"),
    ],
)
def test_shapefile_zip_gauss_kruger_with_prj(tmp_path: Path, epsg: int, label: str) -> None:
    geoms = [project(g, f"EPSG:{epsg}") for g in PLOTS[:2]]
    data = shapefile_zip(
        tmp_path, geoms, f"EPSG:{epsg}", attributes={"名称": ["张三家", "李四家"], "亩": [1.5, 2.0]}
    )
    preview = read_geofile(write_bytes(tmp_path, "土地调查.zip", data))
    assert preview.source_format == "Shapefile"
    assert preview.crs == f"EPSG:{epsg}" and preview.crs_label == label
    assert [f.name for f in preview.features] == ["张三家", "李四家"]
    assert preview.features[0].properties["亩"] == 1.5
    for original, read in zip(PLOTS[:2], preview.features, strict=True):
        assert coords_close(original, read.geometry)


def test_shapefile_without_prj_guesses_prefixed_zone(tmp_path: Path) -> None:
    geoms = [project(g, "EPSG:4524") for g in PLOTS]
    data = shapefile_zip(tmp_path, geoms[:2], "EPSG:4524", include_prj=False)
    preview = read_geofile(write_bytes(tmp_path, "noprj.zip", data))
    assert preview.crs == "EPSG:4524"
    assert any(".prj" in w for w in preview.warnings)
    assert coords_close(PLOTS[0], preview.features[0].geometry)


def test_shapefile_without_prj_or_prefix_needs_a_crs(tmp_path: Path) -> None:
    geoms = [project(g, "EPSG:4545") for g in PLOTS[:2]]
    path = write_bytes(
        tmp_path, "plain.zip", shapefile_zip(tmp_path, geoms, "EPSG:4545", include_prj=False)
    )
    with pytest.raises(GeoFileError, match="不含带号") as info:
        read_geofile(path)
    assert info.value.code == "gk_no_zone"
    preview = read_geofile(path, source_crs="EPSG:4545")
    assert coords_close(PLOTS[0], preview.features[0].geometry)
    with pytest.raises(GeoFileError, match="EPSG:4545"):
        read_geofile(path, source_crs="EPSG:4524")  # prefixed code for unprefixed data


def test_shapefile_survey_xy_order_is_swapped(tmp_path: Path) -> None:
    geoms = [project(g, "EPSG:4524") for g in PLOTS[:2]]
    flipped = [shapely.transform(g, lambda c: c[:, ::-1]) for g in geoms]
    data = shapefile_zip(tmp_path, flipped, None, include_prj=False)
    preview = read_geofile(write_bytes(tmp_path, "xy.zip", data))
    assert preview.crs == "EPSG:4524"
    assert any("X 为北坐标" in w for w in preview.warnings)
    assert coords_close(PLOTS[1], preview.features[1].geometry)


def test_shapefile_survey_xy_order_with_prj_and_no_prefix(tmp_path: Path) -> None:
    geoms = [project(g, "EPSG:4545") for g in PLOTS[:2]]
    flipped = [shapely.transform(g, lambda c: c[:, ::-1]) for g in geoms]
    data = shapefile_zip(tmp_path, flipped, "EPSG:4545")
    preview = read_geofile(write_bytes(tmp_path, "xy-prj.zip", data))
    assert preview.crs == "EPSG:4545"
    assert any("X 为北坐标" in w for w in preview.warnings)
    assert coords_close(PLOTS[0], preview.features[0].geometry)


def test_shapefile_gbk_dbf_without_cpg(tmp_path: Path) -> None:
    data = shapefile_zip(
        tmp_path,
        PLOTS[:2],
        "EPSG:4326",
        attributes={"户主": ["张三", "李四"]},
        encoding="GBK",
        include_cpg=False,
    )
    # Zero the DBF language-driver byte, as many Chinese tools leave it.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".dbf"):
                content = content[:29] + b"\x00" + content[30:]
            target.writestr(info.filename, content)
    preview = read_geofile(write_bytes(tmp_path, "gbk.zip", buffer.getvalue()))
    assert [f.properties["户主"] for f in preview.features] == ["张三", "李四"]


def test_shapefile_zip_with_two_layers_in_a_folder(tmp_path: Path) -> None:
    first = shapefile_zip(tmp_path, PLOTS[:1], "EPSG:4326", name="地块", folder="数据/")
    second = shapefile_zip(tmp_path, PLOTS[2:], "EPSG:4326", name="标注", folder="数据/")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for data in (first, second):
            with zipfile.ZipFile(io.BytesIO(data)) as source:
                for info in source.infolist():
                    target.writestr(info.filename, source.read(info))
        target.writestr("__MACOSX/数据/._地块.shp", b"junk")
    preview = read_geofile(write_bytes(tmp_path, "two.zip", buffer.getvalue()))
    assert sorted(f.properties["layer"] for f in preview.features) == ["地块", "标注"]
    assert preview.geometry_types == {"Point": 1, "Polygon": 1}


# --------------------------------------------------------------------------- GeoPackage


def test_geopackage_layers_in_gk_zone(tmp_path: Path) -> None:
    path = tmp_path / "survey.gpkg"
    plots = gpd.GeoDataFrame(
        {"名称": ["甲", "乙"]}, geometry=[project(g, "EPSG:4497") for g in PLOTS[:2]], crs=4497
    )
    points = gpd.GeoDataFrame({"名称": ["丙"]}, geometry=[project(PLOTS[2], "EPSG:4497")], crs=4497)
    plots.to_file(path, layer="plots")
    points.to_file(path, layer="points")
    preview = read_geofile(path)
    assert preview.source_format == "GeoPackage"
    assert preview.crs == "EPSG:4497"
    assert sorted(f.name for f in preview.features) == ["丙", "乙", "甲"]
    by_name = {f.name: f for f in preview.features}
    assert by_name["丙"].properties["layer"] == "points"
    assert coords_close(PLOTS[0], by_name["甲"].geometry)
    assert coords_close(PLOTS[2], by_name["丙"].geometry)


def test_geopackage_uploaded_under_a_temporary_name(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[PLOTS[0]], crs=4326).to_file(path)
    upload = write_bytes(tmp_path, "upload-1234.tmp", path.read_bytes())
    preview = read_geofile(upload, original_name="地块.gpkg")
    assert coords_close(PLOTS[0], preview.features[0].geometry)


# --------------------------------------------------------------------------- CSV / XLSX


POINTS = [(108.603472, 37.903472), (108.61, 37.91), (108.62, 37.92)]
FOUND_ON = datetime(2022, 5, 25, tzinfo=UTC).replace(tzinfo=None)  # Excel: naive
DMS_LON = 108 + 36 / 60 + 12.5 / 3600  # 108°36'12.5"
DMS_LAT = 37 + 54 / 60 + 12.5 / 3600


def test_csv_decimal_and_dms_with_chinese_headers_gbk(tmp_path: Path) -> None:
    text = (
        "无定河镇疑似点位台账,,,\n"
        "名称,经度(°),纬度（°）,备注\n"
        "一号点,108°36'12.5\",37°54'12.5\",路边\n"
        "二号点,108.61,37.91,\n"
        "三号点,108度37分12秒,北纬37度55分12秒,坡地\n"
        ",,,\n"
    )
    preview = read_geofile(write_bytes(tmp_path, "点位.csv", text.encode("gbk")))
    assert preview.source_format == "CSV"
    assert [f.name for f in preview.features] == ["一号点", "二号点", "三号点"]
    one = preview.features[0].geometry
    assert (one.x, one.y) == pytest.approx((DMS_LON, DMS_LAT))
    assert preview.features[2].geometry.coords[0] == pytest.approx((108.62, 37.92))
    assert preview.features[0].properties["备注"] == "路边"
    assert preview.features[0].properties["row"] == 3
    assert any("WGS84" in w for w in preview.warnings)  # no CRS said: assumed GPS


def test_csv_english_headers_gcj02(tmp_path: Path) -> None:
    rows = ["name,lng,lat"]
    for i, (lon, lat) in enumerate(POINTS):
        g_lon, g_lat = crs.wgs84_to_gcj02(lon, lat)
        rows.append(f"p{i},{g_lon:.10f},{g_lat:.10f}")
    path = write_bytes(tmp_path, "amap.csv", "\n".join(rows).encode())
    preview = read_geofile(path, source_crs="gcj02")
    for (lon, lat), feature in zip(POINTS, preview.features, strict=True):
        assert feature.geometry.coords[0] == pytest.approx((lon, lat), abs=1e-9)
    raw = read_geofile(path)  # without saying GCJ-02 the points stay shifted
    assert float(crs.haversine_m(*POINTS[0], *raw.features[0].geometry.coords[0])) > 100


def test_csv_survey_xy_columns_in_gk_metres(tmp_path: Path) -> None:
    gk = [project(shapely.Point(p), "EPSG:4524") for p in POINTS]
    lines = ["点号,X,Y"] + [f"J{i},{g.y:.3f},{g.x:.3f}" for i, g in enumerate(gk)]  # X = north
    preview = read_geofile(write_bytes(tmp_path, "界址点.csv", "\n".join(lines).encode()))
    assert preview.crs == "EPSG:4524"
    for (lon, lat), feature in zip(POINTS, preview.features, strict=True):
        assert feature.geometry.coords[0] == pytest.approx((lon, lat), abs=1e-7)


def test_csv_with_swapped_columns_is_refused(tmp_path: Path) -> None:
    lines = ["经度,纬度"] + [f"{lat},{lon}" for lon, lat in POINTS]
    with pytest.raises(GeoFileError, match="经纬度可能颠倒"):
        read_geofile(write_bytes(tmp_path, "swap.csv", "\n".join(lines).encode()))


def test_csv_without_coordinate_columns(tmp_path: Path) -> None:
    with pytest.raises(GeoFileError, match="找不到经度/纬度列.*姓名"):
        read_geofile(write_bytes(tmp_path, "x.csv", "姓名,电话\n张三,1\n".encode()))


def test_csv_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    text = "名称,经度,纬度\n好点,108.6,37.9\n坏点,abc,37.9\n缺点,108.6,\n"
    preview = read_geofile(write_bytes(tmp_path, "bad.csv", text.encode()))
    assert [f.name for f in preview.features] == ["好点"]
    assert any("第3行「坏点」的经度「abc」无法识别" in w for w in preview.rejected)
    assert any("第4行「缺点」缺少经度或纬度" in w for w in preview.rejected)


def test_csv_wkt_polygons(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["名称", "WKT"])
    writer.writerow(["甲", PLOTS[0].wkt])
    preview = read_geofile(write_bytes(tmp_path, "wkt.csv", buffer.getvalue().encode()))
    assert coords_close(PLOTS[0], preview.features[0].geometry)


def test_xlsx_title_row_dms_and_bd09(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2022年疑似点位（百度地图取点）"])
    sheet.append(["序号", "地点", "经度", "纬度", "发现日期"])
    for i, (lon, lat) in enumerate(POINTS, start=1):
        b_lon, b_lat = crs.wgs84_to_bd09(lon, lat)
        lon_cell: object = b_lon if i != 2 else f"{b_lon:.10f}"
        sheet.append(
            [i, f"点{i}", lon_cell, b_lat, datetime(2022, 5, 25, tzinfo=UTC).replace(tzinfo=None)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = read_geofile(write_bytes(tmp_path, "百度.xlsx", buffer.getvalue()), source_crs="bd09")
    assert preview.source_format == "XLSX" and preview.crs == "BD09"
    assert [f.name for f in preview.features] == ["点1", "点2", "点3"]
    assert preview.features[0].properties["发现日期"] == "2022-05-25T00:00:00"
    for (lon, lat), feature in zip(POINTS, preview.features, strict=True):
        assert feature.geometry.coords[0] == pytest.approx((lon, lat), abs=1e-8)


def test_xlsx_dms_strings_second_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["说明"])
    workbook.active.append(["这一页没有坐标"])
    sheet = workbook.create_sheet("点位")
    sheet.append(["name", "longitude", "latitude"])
    sheet.append(["a", "E108°36′12.5″", "N37°54′12.5″"])
    sheet.append(["b", "108:36:00", "37:54:00"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = read_geofile(write_bytes(tmp_path, "dms.xlsx", buffer.getvalue()))
    assert preview.features[0].geometry.coords[0] == pytest.approx((DMS_LON, DMS_LAT))
    assert preview.features[1].geometry.coords[0] == pytest.approx((108.6, 37.9))
    assert any("点位" in w for w in preview.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("108°36'12.5\"", 108.60347222),
        ("108度36分12.5秒", 108.60347222),
        ("108:36:12.5", 108.60347222),
        ("108°36′12.5″E", 108.60347222),
        ("东经108°36'", 108.6),
        ("108° 36.5'", 108.60833333),
        ("S 37°54'00\"", -37.9),
        ("西经 2°21'", -2.35),
        ("-108.5", -108.5),
        ("１０８．６", 108.6),  # full-width digits from Chinese input methods
        (108.6, 108.6),
        (" 37.9 ", 37.9),
    ],
)
def test_parse_coordinate(text: object, expected: float) -> None:
    assert parse_coordinate(text) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize(
    "text", ["", "abc", "108°60'00\"", "108°30'61\"", "108.5°30'", "1,2", True]
)
def test_parse_coordinate_refuses(text: object) -> None:
    with pytest.raises(ValueError, match=".+"):
        parse_coordinate(text)


# --------------------------------------------------------------------------- detection


def test_sniff_and_detect_format() -> None:
    assert sniff(b'\xef\xbb\xbf  {"type": "Feature"}') == "json"
    assert sniff(b'<?xml version="1.0"?>\n<kml xmlns="x">') == "kml"
    assert sniff(b"<gpx:gpx>") == "gpx"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"SQLite format 3\x00...") == "sqlite"
    assert sniff("名称,经度,纬度\n".encode("gbk")) == "text"
    assert detect_format(b"PK\x03\x04", "a.KMZ") == "kmz"
    assert detect_format(b"<kml>", "noext") == "kml"
    with pytest.raises(GeoFileError, match="不支持的文件类型"):
        detect_format(b"hello", "a.docx")


def test_gpx_1_0_namespace_and_kml_prefixed_elements(tmp_path: Path) -> None:
    gpx10 = (
        '<?xml version="1.0"?><gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0">'
        '<wpt lat="37.9" lon="108.6"><name>旧版</name></wpt></gpx>'
    )
    preview = read_geofile(write_bytes(tmp_path, "old.gpx", gpx10.encode()))
    assert preview.features[0].name == "旧版"
    prefixed = (
        '<?xml version="1.0"?><kml:kml xmlns:kml="http://www.opengis.net/kml/2.2"><kml:Document>'
        "<kml:Placemark><kml:name>前缀</kml:name><kml:Point><kml:coordinates>108.6,37.9"
        "</kml:coordinates></kml:Point></kml:Placemark></kml:Document></kml:kml>"
    )
    preview = read_geofile(write_bytes(tmp_path, "prefixed.kml", prefixed.encode()))
    assert preview.features[0].name == "前缀"


def test_projected_crs_cannot_be_forced_on_kml(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.kml", OVITAL_KML.encode())
    with pytest.raises(GeoFileError, match="总是经纬度"):
        read_geofile(path, source_crs="EPSG:4524")
    assert read_geofile(path, source_crs="gcj02").crs == "GCJ02"  # 高德-origin KML is allowed


def test_degrees_refused_when_a_projected_crs_is_declared(tmp_path: Path) -> None:
    data = shapefile_zip(tmp_path, PLOTS[:1], "EPSG:4326")
    path = write_bytes(tmp_path, "deg.zip", data)
    with pytest.raises(GeoFileError, match="看起来是经纬度.*第36带"):
        read_geofile(path, source_crs="EPSG:4524")  # degrees are not GK metres
    with pytest.raises(GeoFileError, match="无法识别的坐标系"):
        read_geofile(path, source_crs="EPSG:0")


# --------------------------------------------------------------------------- bytes in hand


def _summary(preview) -> dict[str, object]:
    """Everything a preview says, with geometries as WKB so that equal means identical."""
    return {
        "features": [
            (f.name, f.index, shapely.to_wkb(f.geometry), f.properties, f.times)
            for f in preview.features
        ],
        "crs": preview.crs,
        "bbox": list(preview.bbox),
        "types": preview.geometry_types,
        "warnings": preview.warnings,
        "rejected": preview.rejected,
        "format": preview.source_format,
    }


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "经度", "纬度"])
    for i, (lon, lat) in enumerate(POINTS):
        sheet.append([f"点{i}", lon, lat])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _gpkg_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "bytes-source.gpkg"
    frame = gpd.GeoDataFrame({"名称": ["甲", "乙"]}, geometry=PLOTS[:2], crs=4326)
    frame.to_file(path, layer="plots")
    return path.read_bytes()


def _kmz_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", OVITAL_KML)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build", "source_crs"),
    [
        ("plots.geojson", lambda _: to_geojson([GeoFeature(PLOTS[0], {}, "甲", 0)]), None),
        ("奥维.kml", lambda _: OVITAL_KML.encode(), None),
        ("export.kmz", lambda _: _kmz_bytes(), None),
        ("两步路.kml", lambda _: TWOSTEP_KML.encode(), None),
        ("patrol.gpx", lambda _: GPX.encode(), None),
        (
            "地块.zip",
            lambda tmp: shapefile_zip(
                tmp, [project(g, "EPSG:4526") for g in PLOTS[:2]], "EPSG:4526"
            ),
            None,
        ),
        ("survey.gpkg", _gpkg_bytes, None),
        ("amap.csv", lambda _: b"name,lng,lat\np,108.61,37.91\n", "gcj02"),
        ("点位.xlsx", lambda _: _xlsx_bytes(), None),
    ],
)
def test_bytes_read_exactly_like_the_file(tmp_path: Path, name: str, build, source_crs) -> None:
    data = build(tmp_path)
    from_file = read_geofile(write_bytes(tmp_path, name, data), source_crs=source_crs)
    from_bytes = read_geobytes(data, name=name, source_crs=source_crs)
    assert _summary(from_bytes) == _summary(from_file)
    in_process = read_geobytes_unbounded(data, name=name, source_crs=source_crs)
    assert _summary(in_process) == _summary(from_file)


def test_bytes_are_checked_like_a_file() -> None:
    with pytest.raises(GeoFileError, match="文件是空的") as empty:
        read_geobytes(b"", name="a.kml")
    assert empty.value.code == "empty"
    with pytest.raises(GeoFileError, match="文件太大") as big:
        read_geobytes(b" " * 2000, name="a.geojson", max_bytes=1000)
    assert big.value.code == "too_large"
    with pytest.raises(GeoFileError, match="两者不符"):
        read_geobytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, name="图片.kml")
    with pytest.raises(GeoFileError) as slow:
        read_geobytes(GPX.encode(), name="patrol.gpx", timeout_s=0.001)
    assert slow.value.code == "parse_timeout"
