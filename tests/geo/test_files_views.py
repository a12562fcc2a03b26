"""Geo file pages through the web: upload → preview → commit, and exports of the ledger."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import geopandas as gpd
import openpyxl
import pyproj
import pytest
import shapely
from defusedxml import ElementTree as SafeET
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import Client
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from support.hostile_files import endless_view_gpkg, xlsx_bomb
from zerocrop.geo import crs, uploads
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.models import Plot, UnitBoundary, Zone
from zerocrop.geo.uploads import SESSION_KEY
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
HALF_METRE = 0.5


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test gets its own DATA_DIR, so the staged geo upload folder can be inspected."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads" / uploads.NAMESPACE


def outline(unit_name: str) -> BaseGeometry:
    return shape(UnitBoundary.objects.get(unit__name=unit_name).geometry)


def squares_in(unit_name: str, count: int = 2, size_deg: float = 0.0004) -> list[BaseGeometry]:
    """`count` small squares (~35 × 44 m) next to the unit's representative point, inside it."""
    boundary = outline(unit_name)
    centre = boundary.representative_point()
    squares = []
    for i in range(count):
        x = centre.x + (i - count / 2) * size_deg * 1.5
        squares.append(shapely.box(x, centre.y, x + size_deg, centre.y + size_deg))
    assert all(boundary.contains(s) for s in squares), "test squares must lie inside the unit"
    return squares


def geojson_bytes(geometries: Sequence[BaseGeometry], names: Sequence[str]) -> bytes:
    features = [
        {"type": "Feature", "properties": {"name": n}, "geometry": mapping(g)}
        for g, n in zip(geometries, names, strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def upload(client: Client, name: str, data: bytes, **fields: str) -> HttpResponse:
    return client.post(
        "/geo/import/", {"file": SimpleUploadedFile(name, data), "crs": "auto", **fields}
    )


def token_of(response: HttpResponse) -> str:
    return response.context["form"].initial["token"]


def commit(
    client: Client,
    response: HttpResponse,
    unit: AdminUnit,
    kind: str = "historical",
    risk: str = "key",
) -> HttpResponse:
    return client.post(
        "/geo/import/commit/",
        {"token": token_of(response), "unit": str(unit.pk), "kind": kind, "risk": risk},
    )


def max_vertex_distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Largest distance in metres from a vertex of `a` to the nearest vertex of `b`."""
    ours = shapely.get_coordinates(a)
    theirs = shapely.get_coordinates(b)
    worst = 0.0
    for lon, lat in ours:
        distances = crs.haversine_m(lon, lat, theirs[:, 0], theirs[:, 1])
        worst = max(worst, float(distances.min()))
    return worst


def pending_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------- import round trips


def test_geojson_upload_preview_commit(login_as, unit_named, upload_dir: Path) -> None:
    client = login_as("admin")
    village = unit_named("毛布拉格村")
    squares = squares_in("毛布拉格村")
    point = squares[0].centroid
    data = geojson_bytes([*squares, point], ["张三家地块", "李四家地块", "路口"])
    before = Plot.objects.count()

    preview = upload(client, "地块.geojson", data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "GeoJSON" in page and "WGS84" in page
    assert "3 个" in page and "面 2" in page and "点 1" in page
    assert "1 个点、线要素不是地块边界，导入时将跳过" in page
    assert preview.context["form"].initial["unit"] == str(village.pk)  # suggested from the map
    assert 'id="import-map"' in page and "vendor/leaflet/leaflet.js" in page
    token = token_of(preview)
    assert [p.name for p in pending_files(upload_dir)] == [token]
    assert Plot.objects.count() == before  # a preview saves nothing

    done = commit(client, preview, village)
    assert done.status_code == 302 and done["Location"] == f"/geo/plots/?unit={village.pk}"
    created = Plot.objects.filter(source="地块.geojson").order_by("name")
    assert [p.name for p in created] == ["张三家地块", "李四家地块"]
    assert {(p.unit_id, p.kind, p.risk) for p in created} == {(village.pk, "historical", "key")}
    by_name = {p.name: p for p in created}
    assert shape(by_name["张三家地块"].geometry).hausdorff_distance(squares[0]) < 1e-6
    assert Plot.objects.count() == before + 2
    assert pending_files(upload_dir) == []  # the temp upload is gone after commit
    assert token not in client.session.get(SESSION_KEY, {})
    followed = client.get(done["Location"]).content.decode()
    assert "已导入毛布拉格村：2 个地块" in followed
    again = upload(client, "地块.geojson", data).content.decode()
    assert "已有 2 个地块来自同名文件「地块.geojson」" in again
    assert 'data-testid="import-duplicate"' not in preview.content.decode()


OVITAL_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>奥维互动地图导出</name>
<Style id="s_red"><PolyStyle><color>660000ff</color></PolyStyle></Style>
<Folder><name>毛布拉格村</name>
  <Folder><name>历史种植</name>
    <Placemark><name><![CDATA[王五家后山]]></name>
      <description><![CDATA[2021年曾种植罂粟 12 株]]></description><styleUrl>#s_red</styleUrl>
      <ExtendedData><Data name="户主"><value>王五</value></Data></ExtendedData>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>{ring0}</coordinates></LinearRing>
      </outerBoundaryIs></Polygon></Placemark>
  </Folder>
  <Placemark><name>赵六家庭院</name>
    <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring1}</coordinates>
    </LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>
</Folder>
<Folder><name>标注点</name>
  <Placemark><name>村委会</name><Point><coordinates>{point}</coordinates></Point></Placemark>
</Folder>
</Document></kml>
"""


def kml_ring(geom: BaseGeometry) -> str:
    return " ".join(f"{x:.8f},{y:.8f},1020" for x, y in geom.exterior.coords)


def test_kml_with_ovital_folders_by_the_village_cadre(login_as, unit_named) -> None:
    client = login_as("cadre")
    village = unit_named("毛布拉格村")
    squares = squares_in("毛布拉格村")
    centre = squares[0].centroid
    text = OVITAL_KML.format(
        ring0=kml_ring(squares[0]), ring1=kml_ring(squares[1]), point=f"{centre.x},{centre.y},0"
    )
    preview = upload(client, "奥维收藏.kml", text.encode())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "KML" in page and "3 个" in page
    commit_response = commit(client, preview, village, kind="courtyard", risk="potential")
    assert commit_response.status_code == 302
    created = {p.name: p for p in Plot.objects.filter(source="奥维收藏.kml")}
    assert set(created) == {"王五家后山", "赵六家庭院"}
    assert created["王五家后山"].note == "2021年曾种植罂粟 12 株"
    assert created["赵六家庭院"].kind == "courtyard" and created["赵六家庭院"].risk == "potential"
    assert shape(created["赵六家庭院"].geometry).hausdorff_distance(squares[1]) < 1e-6


def shapefile_zip(tmp_path: Path, geometries: Sequence[BaseGeometry], epsg: int) -> bytes:
    """A real Shapefile (geopandas/pyogrio) with its .prj, zipped as people send them."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame(
        {"名称": [f"测绘地块{i + 1}" for i in range(len(geometries))]},
        geometry=list(geometries),
        crs=f"EPSG:{epsg}",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame.to_file(folder / "地块.shp", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.writestr(part.name, part.read_bytes())
    return buffer.getvalue()


def test_zipped_shapefile_in_cgcs2000_3_degree_zone_36(login_as, unit_named, tmp_path) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    squares = squares_in("王窑湾村")
    to_gk = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4524", always_xy=True)
    projected = [
        shapely.transform(s, lambda x, y: to_gk.transform(x, y), interleaved=False) for s in squares
    ]
    assert projected[0].bounds[0] > 36_000_000  # zone-prefixed eastings: really metres
    data = shapefile_zip(tmp_path, projected, 4524)

    preview = upload(client, "测绘成果.zip", data, crs="epsg", epsg="4524")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert crs.crs_label("EPSG:4524") in page
    assert preview.context["form"].initial["unit"] == str(village.pk)
    assert commit(client, preview, village, kind="key", risk="key").status_code == 302
    created = {p.name: p for p in Plot.objects.filter(source="测绘成果.zip")}
    assert set(created) == {"测绘地块1", "测绘地块2"}
    for i, square in enumerate(squares, start=1):
        stored = shape(created[f"测绘地块{i}"].geometry)
        assert max_vertex_distance_m(square, stored) < HALF_METRE
        assert created[f"测绘地块{i}"].area_m2 == pytest.approx(crs.area_m2(square), rel=1e-3)


def test_gcj02_csv_lands_back_within_half_a_metre(login_as, unit_named) -> None:
    client = login_as("cadre")
    village = unit_named("毛布拉格村")
    square = squares_in("毛布拉格村", count=1)[0]
    shifted = shapely.transform(
        square,
        lambda x, y: crs.wgs84_to_gcj02_arrays(x, y),
        interleaved=False,
    )
    # The map-app offset is hundreds of metres: importing as WGS84 would be visibly wrong.
    assert max_vertex_distance_m(square, shifted) > 100
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["名称", "WKT", "备注"])
    writer.writerow(["高德取点地块", shifted.wkt, "手机取点"])

    preview = upload(client, "高德取点.csv", buffer.getvalue().encode("utf-8"), crs="gcj02")
    assert preview.status_code == 200
    assert "GCJ-02" in preview.content.decode()
    assert commit(client, preview, village).status_code == 302
    stored = shape(Plot.objects.get(source="高德取点.csv").geometry)
    assert max_vertex_distance_m(square, stored) < HALF_METRE


def test_town_admin_imports_zones_for_the_town(login_as, town) -> None:
    client = login_as("admin")
    squares = squares_in("毛布拉格村")
    preview = upload(client, "重点区域.geojson", geojson_bytes(squares, ["北山", "南沟"]))
    kinds = dict(preview.context["form"].fields["kind"].choices)
    assert "区域与边界（仅镇管理员）" in kinds
    before = Zone.objects.count()
    assert commit(client, preview, town, kind="zone:key").status_code == 302
    assert Zone.objects.count() == before + 2
    assert set(Zone.objects.filter(name__in=["北山", "南沟"]).values_list("kind", "unit")) == {
        ("key", town.pk)
    }


def test_town_admin_replaces_a_village_boundary_from_a_file(login_as, unit_named) -> None:
    from zerocrop.geo.models import UnitBoundary

    client = login_as("admin")
    village = unit_named("毛布拉格村")
    old = shape(UnitBoundary.objects.get(unit=village).geometry)
    halves = [
        old.intersection(shapely.box(*old.bounds[:2], old.centroid.x, old.bounds[3])),
        old.difference(shapely.box(*old.bounds[:2], old.centroid.x, old.bounds[3])),
    ]
    preview = upload(client, "村界.geojson", geojson_bytes(halves, ["西半", "东半"]))
    assert commit(client, preview, village, kind="boundary").status_code == 302
    new = shape(UnitBoundary.objects.get(unit=village).geometry)
    assert abs(new.area - old.area) < 1e-6 * old.area  # the two halves are merged again
    cadre = login_as("cadre")
    cadre_preview = upload(cadre, "村界.geojson", geojson_bytes(halves, ["西", "东"]))
    assert commit(cadre, cadre_preview, village, kind="boundary").status_code == 403
    assert shape(UnitBoundary.objects.get(unit=village).geometry).equals(new)


def test_plots_cannot_go_to_the_whole_town(login_as, town) -> None:
    client = login_as("admin")
    preview = upload(client, "a.geojson", geojson_bytes(squares_in("毛布拉格村"), ["甲", "乙"]))
    before = Plot.objects.count()
    response = commit(client, preview, town, kind="historical")
    assert response.status_code == 400
    assert "地块须导入到具体的村（社区）" in response.content.decode()
    assert Plot.objects.count() == before


# --------------------------------------------------------------------------- refusals


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE kml [\n' + "\n".join(entities) + "\n]>\n"
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol9;</name>'
        "<Point><coordinates>108.6,37.9</coordinates></Point></Placemark></kml>"
    ).encode()


def zip_slip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("plots.shp", "plots.shx", "plots.dbf"):
            archive.writestr(name, b"\0" * 100)
        archive.writestr("../../evil.shp", b"x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("炸弹.kml", billion_laughs, "可能是 XML 炸弹或外部实体攻击"),
        ("地块.zip", zip_slip, "含有“..”路径（试图写到压缩包外）"),
        ("图片.kml", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "两者不符"),
        (
            "轨迹.gpkg",
            lambda: endless_view_gpkg("gpkg_spatial_ref_sys"),
            "系统表「gpkg_spatial_ref_sys」被替换成了数据库视图",
        ),
        ("炸弹.xlsx", xlsx_bomb, "解压后太大"),
    ],
)
def test_hostile_file_is_refused_with_its_message(
    login_as, upload_dir: Path, name: str, build: Callable[[], bytes], message: str
) -> None:
    client = login_as("admin")
    before = (Plot.objects.count(), Zone.objects.count())
    response = upload(client, name, build())
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'data-testid="import-error"' in page
    assert (Plot.objects.count(), Zone.objects.count()) == before
    assert pending_files(upload_dir) == []  # the refused file is not kept
    assert client.session.get(SESSION_KEY, {}) == {}


@pytest.mark.parametrize(
    ("code", "kept"),
    [("parse_timeout", False), ("parse_too_complex", False), ("server_busy", True)],
)
def test_a_staged_file_that_fails_to_read_at_commit_is_removed(
    login_as, unit_named, upload_dir: Path, monkeypatch: pytest.MonkeyPatch, code: str, kept: bool
) -> None:
    client = login_as("admin")
    preview = upload(client, "地块.geojson", geojson_bytes(squares_in("毛布拉格村", 1), ["甲"]))
    assert len(pending_files(upload_dir)) == 1

    def fail(*_args: object, **_kwargs: object) -> None:
        raise GeoFileError("文件解析超时或服务器正忙。", code=code)

    monkeypatch.setattr(uploads, "read_geofile", fail)
    response = commit(client, preview, unit_named("毛布拉格村"))
    assert response.status_code == 302
    assert len(pending_files(upload_dir)) == (1 if kept else 0)
    assert bool(client.session.get(SESSION_KEY)) == kept


def test_plot_outside_the_village_refuses_the_whole_file(login_as, unit_named, upload_dir) -> None:
    client = login_as("admin")
    village = unit_named("毛布拉格村")
    inside = squares_in("毛布拉格村", count=1)[0]
    outside = squares_in("王窑湾村", count=1)[0]
    preview = upload(client, "混合.geojson", geojson_bytes([inside, outside], ["本村", "外村"]))
    before = Plot.objects.count()
    response = commit(client, preview, village)
    assert response.status_code == 400
    page = response.content.decode()
    assert "地块「外村」不在毛布拉格村的边界内" in page
    assert Plot.objects.count() == before  # not even the plot that was inside
    assert not Plot.objects.filter(name__in=["本村", "外村"]).exists()
    # The file stays so that the user can pick the right village without uploading again.
    assert len(pending_files(upload_dir)) == 1
    again = commit(client, preview, unit_named("王窑湾村"))
    assert again.status_code == 400 and "地块「本村」不在王窑湾村的边界内" in again.content.decode()


def test_too_large_upload_is_refused_before_reading(login_as, monkeypatch, upload_dir) -> None:
    monkeypatch.setattr("zerocrop.geo.forms_files.MAX_UPLOAD_BYTES", 1000)
    response = upload(login_as("admin"), "big.geojson", b" " * 2000)
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()
    assert pending_files(upload_dir) == []


def test_bad_epsg_code_is_refused(login_as) -> None:
    data = geojson_bytes(squares_in("毛布拉格村", count=1), ["甲"])
    response = upload(login_as("admin"), "a.geojson", data, crs="epsg", epsg="abc")
    assert response.status_code == 400
    assert "请填写投影坐标系的 EPSG 代码" in response.content.decode()


# --------------------------------------------------------------------------- permissions


def test_cadre_cannot_import_into_another_village(login_as, unit_named) -> None:
    client = login_as("cadre")
    preview = upload(client, "a.geojson", geojson_bytes(squares_in("排子湾村", 1), ["越界"]))
    assert preview.status_code == 200
    form = preview.context["form"]
    assert [label for _, label in form.fields["unit"].choices] == ["毛布拉格村"]
    assert "区域（仅镇管理员）" not in dict(form.fields["kind"].choices)
    before = (Plot.objects.count(), Zone.objects.count())
    foreign = commit(client, preview, unit_named("排子湾村"))
    assert foreign.status_code == 403
    zone = commit(client, preview, unit_named("毛布拉格村"), kind="zone:key")
    assert zone.status_code == 403
    assert (Plot.objects.count(), Zone.objects.count()) == before


@pytest.mark.parametrize("username", ["grid", "leader", "police"])
def test_only_managers_may_import(login_as, username: str) -> None:
    client = login_as(username)
    assert client.get("/geo/import/").status_code == 403
    data = geojson_bytes(squares_in("毛布拉格村", 1), ["甲"])
    assert upload(client, "a.geojson", data).status_code == 403
    assert "导入地块" not in client.get("/geo/plots/").content.decode()


def test_a_token_only_works_in_its_own_session(login_as, unit_named) -> None:
    admin = login_as("admin")
    preview = upload(admin, "a.geojson", geojson_bytes(squares_in("毛布拉格村", 1), ["甲"]))
    before = Plot.objects.count()
    other = login_as("cadre")
    response = commit(other, preview, unit_named("毛布拉格村"))
    assert response.status_code == 302 and response["Location"] == "/geo/import/"
    assert Plot.objects.count() == before
    assert "上传的文件已过期" in other.get("/geo/import/").content.decode()


def test_old_uploads_are_swept_on_the_next_upload(login_as, upload_dir: Path) -> None:
    upload_dir.mkdir(parents=True)
    stale = upload_dir / "stale-token-from-yesterday"
    stale.write_bytes(b"{}")
    fresh = upload_dir / "fresh-token-from-this-hour"
    fresh.write_bytes(b"{}")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    upload(login_as("admin"), "a.geojson", geojson_bytes(squares_in("毛布拉格村", 1), ["甲"]))
    names = {p.name for p in pending_files(upload_dir)}
    assert "stale-token-from-yesterday" not in names
    assert "fresh-token-from-this-hour" in names and len(names) == 2


def test_upload_page_and_ledger_buttons(login_as) -> None:
    page = login_as("cadre").get("/geo/import/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "GCJ-02（高德地图、腾讯地图取点，奥维 .ovkml/.ovkmz）" in page
    ledger = login_as("cadre").get("/geo/plots/?kind=historical&q=").content.decode()
    assert 'href="/geo/import/"' in ledger
    assert "/geo/plots/export/?format=xlsx&amp;kind=historical&amp;q=" in ledger


# --------------------------------------------------------------------------- exports


def visible_plots(unit_name: str | None = None) -> QuerySet[Plot]:
    plots = Plot.objects.filter(voided_at__isnull=True)
    return plots.filter(unit__name=unit_name) if unit_name else plots


def parse_geojson(content: bytes) -> list[tuple[str, str]]:
    document = json.loads(content)
    assert document["type"] == "FeatureCollection"
    return [(f["properties"]["name"], f["properties"]["unit"]) for f in document["features"]]


def parse_kml(content: bytes) -> list[tuple[str, str]]:
    root = SafeET.fromstring(content)
    out = []
    for folder in root.iterfind(".//k:Folder", KML_NS):
        unit = folder.findtext("k:name", namespaces=KML_NS)
        for placemark in folder.iterfind("k:Placemark", KML_NS):
            out.append((placemark.findtext("k:name", namespaces=KML_NS), unit))
    return out


def parse_xlsx(content: bytes) -> list[tuple[str, str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[2]]
    rows = []
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] is None or not isinstance(row[0], int):
            continue  # the note under the table
        rows.append((row[header.index("名称")], row[header.index("村（社区）")]))
    return rows


PARSERS = {"geojson": parse_geojson, "kml": parse_kml, "xlsx": parse_xlsx}


@pytest.mark.parametrize("fmt", ["geojson", "kml", "xlsx"])
def test_exports_parse_back_and_stay_in_scope(login_as, fmt: str) -> None:
    everything = PARSERS[fmt](login_as("admin").get(f"/geo/plots/export/?format={fmt}").content)
    assert len(everything) == visible_plots().count()
    assert len({unit for _, unit in everything}) > 5

    response = login_as("cadre").get(f"/geo/plots/export/?format={fmt}")
    assert response.status_code == 200
    own = PARSERS[fmt](response.content)
    assert len(own) == visible_plots("毛布拉格村").count() > 0
    assert {unit for _, unit in own} == {"毛布拉格村"}
    assert sorted(n for n, _ in own) == sorted(
        visible_plots("毛布拉格村").values_list("name", flat=True)
    )
    # A cadre asking for another village through the filter still gets only their own.
    other = AdminUnit.objects.get(name="排子湾村")
    forced = login_as("cadre").get(f"/geo/plots/export/?format={fmt}&unit={other.pk}")
    assert {unit for _, unit in PARSERS[fmt](forced.content)} <= {"毛布拉格村"}


def test_export_headers_and_file_names(login_as) -> None:
    response = login_as("cadre").get("/geo/plots/export/?format=geojson")
    assert response["Content-Type"] == "application/geo+json"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    match = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert match is not None
    name = unquote(match.group(1))
    assert re.fullmatch(r"毛布拉格村地块_\d{4}年\d{1,2}月\d{1,2}日\.geojson", name)
    kml = login_as("admin").get("/geo/plots/export/?format=kml")
    assert kml["Content-Type"] == "application/vnd.google-earth.kml+xml"
    assert "%E6%97%A0%E5%AE%9A%E6%B2%B3%E9%95%87" in kml["Content-Disposition"]  # 无定河镇
    assert login_as("admin").get("/geo/plots/export/?format=pdf").status_code == 400


def test_geojson_properties(login_as) -> None:
    document = json.loads(login_as("cadre").get("/geo/plots/export/?format=geojson").content)
    plot = visible_plots("毛布拉格村").filter(responsible__isnull=False).first()
    assert plot is not None
    feature = next(f for f in document["features"] if f["properties"]["code"] == plot.code)
    props = feature["properties"]
    assert props["name"] == plot.name and props["responsible"] == plot.responsible.name
    assert props["kind"] == plot.get_kind_display() and props["risk"] == plot.get_risk_display()
    assert props["area_m2"] == pytest.approx(plot.area_m2, abs=0.1)
    assert props["area_mu"] == pytest.approx(plot.area_m2 / 666.6667, abs=0.01)
    assert shape(feature["geometry"]).hausdorff_distance(shape(plot.geometry)) < 1e-7


def test_kml_styles_by_risk_and_folders_by_village(login_as) -> None:
    root = SafeET.fromstring(login_as("admin").get("/geo/plots/export/?format=kml").content)
    folders = [
        f.findtext("k:name", namespaces=KML_NS) for f in root.iterfind(".//k:Folder", KML_NS)
    ]
    assert len(folders) == len(set(folders)) == visible_plots().values("unit").distinct().count()
    key_plot = visible_plots().filter(risk="key").first()
    placemark = next(
        p
        for p in root.iterfind(".//k:Placemark", KML_NS)
        if any(
            d.get("name") == "code" and d.findtext("k:value", namespaces=KML_NS) == key_plot.code
            for d in p.iterfind(".//k:Data", KML_NS)
        )
    )
    assert placemark.findtext("k:styleUrl", namespaces=KML_NS) == "#risk-key"


def test_excel_ledger_columns_title_history_and_demo_note(login_as) -> None:
    content = login_as("cadre").get("/geo/plots/export/?format=xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "毛布拉格村地块台账"
    assert [c.value for c in sheet[2]] == [
        "序号",
        "编号",
        "名称",
        "村（社区）",
        "类别",
        "风险等级",
        "面积（亩）",
        "面积（平方米）",
        "包保责任人",
        "历史种植（年份/品种/株数）",
        "经度",
        "纬度",
    ]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1]}
    plot = visible_plots("毛布拉格村").filter(history__isnull=False).first()
    assert plot is not None
    row = rows[plot.code]
    record = plot.history.order_by("-year").first()
    assert row[9].startswith(f"{record.year}年 {record.get_species_display()}")
    centroid = shape(plot.geometry).centroid
    assert (row[10], row[11]) == pytest.approx((centroid.x, centroid.y), abs=1e-6)
    assert row[6] == pytest.approx(plot.area_m2 / 666.6667, abs=0.01)
    texts = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any("示例数据" in t for t in texts)
    admin_sheet = openpyxl.load_workbook(
        io.BytesIO(login_as("admin").get("/geo/plots/export/?format=xlsx").content)
    ).active
    assert admin_sheet["A1"].value == "无定河镇地块台账"


def test_export_follows_the_ledger_filters(login_as) -> None:
    client = login_as("admin")
    query = "kind=historical&unassigned=on"
    page = client.get(f"/geo/plots/?{query}").content.decode()
    listed = int(re.search(r"共 (\d+) 个", page).group(1))
    exported = json.loads(client.get(f"/geo/plots/export/?format=geojson&{query}").content)
    assert len(exported["features"]) == listed > 0
    assert listed < visible_plots().count()
    assert {f["properties"]["kind"] for f in exported["features"]} == {"历史种植地块"}
    assert all(f["properties"]["responsible"] == "" for f in exported["features"])


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_zone_exports(login_as, fmt: str) -> None:
    response = login_as("admin").get(f"/geo/zones/export/?format={fmt}")
    assert response.status_code == 200
    if fmt == "geojson":
        names = [f["properties"]["name"] for f in json.loads(response.content)["features"]]
    else:
        root = SafeET.fromstring(response.content)
        names = [
            p.findtext("k:name", namespaces=KML_NS) for p in root.iterfind(".//k:Placemark", KML_NS)
        ]
    assert sorted(names) == sorted(Zone.objects.values_list("name", flat=True))
    assert names, "the demo town has zones"
    assert login_as("admin").get("/geo/zones/export/?format=xlsx").status_code == 400
