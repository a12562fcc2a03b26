"""Geo files keep their identity: codes and names from chosen columns, all attributes kept,
natural order, the file's own village column, 奥维 .ovkml/.ovkmz in GCJ-02."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from shapely.geometry import mapping, shape

from support.survey_files import parcels_in, survey_code, survey_shapefile_zip
from zerocrop.geo import crs, services
from zerocrop.geo.models import Plot
from zerocrop.geo.readers import read_geobytes_unbounded
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def upload(client: Client, name: str, data: bytes, crs_choice: str = "auto") -> HttpResponse:
    return client.post("/geo/import/", {"file": SimpleUploadedFile(name, data), "crs": crs_choice})


def target(response: HttpResponse, unit: AdminUnit, **fields: str) -> dict[str, str]:
    form = response.context["form"]
    data = {
        "token": form.initial["token"],
        "unit": str(unit.pk),
        "kind": "historical",
        "risk": "key",
        "code_column": form.initial.get("code_column", ""),
        "name_column": form.initial.get("name_column", ""),
    }
    return {**data, **fields}


def test_survey_shapefile_keeps_codes_and_all_attributes(login_as, unit_named) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    data = survey_shapefile_zip(parcels_in("王窑湾村"), owner="王窑湾村")

    preview = upload(client, "确权地块.zip", data)
    assert preview.status_code == 200
    form = preview.context["form"]
    assert form.initial["code_column"] == "DKBH"
    assert form.initial["name_column"] == ""  # QSDWMC names the owner, not the parcel
    assert form.initial["unit"] == str(village.pk)
    assert [r["code"] for r in preview.context["rows"]] == [survey_code(i) for i in range(1, 13)]
    page = preview.content.decode()
    assert 'data-testid="import-columns"' in page
    for column in ("DKBH", "QSDWMC", "DKMJ", "DKLB"):
        assert f'<option value="{column}"' in page
    assert "王窑湾村村民委员会" in page  # a sample value of QSDWMC
    assert 'data-testid="import-file-notes"' not in page  # the file names the chosen village

    done = client.post("/geo/import/commit/", target(preview, village))
    assert done.status_code == 302
    plots = list(Plot.objects.filter(source="确权地块.zip"))  # default (natural) order
    assert [p.code for p in plots] == [survey_code(i) for i in range(1, 13)]
    assert [p.name for p in plots] == [f"王窑湾村{i}号" for i in range(1, 13)]
    first = plots[0].source_attributes
    assert first == {
        "DKBH": survey_code(1),
        "QSDWMC": "王窑湾村村民委员会",
        "DKMJ": 0.5,
        "DKLB": "承包地块",
    }
    detail = client.get(f"/geo/plots/{plots[0].pk}/").content.decode()
    assert 'data-testid="plot-source-attributes"' in detail
    assert "原始属性" in detail and "QSDWMC" in detail and "承包地块" in detail


def test_choosing_other_columns_renders_the_preview_again(login_as, unit_named) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    data = survey_shapefile_zip(parcels_in("王窑湾村", count=3), owner="王窑湾村")
    preview = upload(client, "地块.zip", data)
    before = Plot.objects.count()

    again = client.post(
        "/geo/import/commit/",
        target(preview, village, code_column="", name_column="DKLB", action="refresh"),
    )
    assert again.status_code == 200
    assert Plot.objects.count() == before  # a re-rendered preview saves nothing
    assert [(r["code"], r["name"]) for r in again.context["rows"]] == [("", "承包地块")] * 3
    assert again.context["form"].initial["name_column"] == "DKLB"

    bad = client.post("/geo/import/commit/", target(preview, village, code_column="不存在"))
    assert bad.status_code == 400
    assert "文件中没有「不存在」列" in bad.content.decode()
    assert Plot.objects.count() == before


def test_unit_column_naming_another_village_is_said(login_as, unit_named) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    data = survey_shapefile_zip(parcels_in("王窑湾村", count=2), owner="毛布拉格村")
    preview = upload(client, "地块.zip", data)
    assert preview.context["form"].initial["unit"] == str(village.pk)  # the map says so
    notes = preview.context["file_notes"]
    assert len(notes) == 1
    assert "「QSDWMC」" in notes[0] and "「毛布拉格村」" in notes[0] and "「王窑湾村」" in notes[0]
    assert 'data-testid="import-file-notes"' in preview.content.decode()


def test_repeated_codes_refuse_the_file_with_a_message(login_as, unit_named) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    data = survey_shapefile_zip(parcels_in("王窑湾村", count=2), owner="王窑湾村")
    preview = upload(client, "地块.zip", data)
    before = Plot.objects.count()
    # QSDWMC as the code: the same value twice.
    done = client.post("/geo/import/commit/", target(preview, village, code_column="QSDWMC"))
    assert done.status_code == 400
    assert "出现了不止一次" in done.content.decode()
    assert Plot.objects.count() == before


def test_uncoded_plots_list_in_natural_order(login_as, unit_named) -> None:
    client = login_as("admin")
    village = unit_named("王窑湾村")
    squares = parcels_in("王窑湾村")
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {}, "geometry": mapping(s)} for s in squares
            ],
        }
    ).encode()
    preview = upload(client, "无编号.geojson", data)
    assert client.post("/geo/import/commit/", target(preview, village)).status_code == 302
    listed = client.get(f"/geo/plots/?unit={village.pk}&q=王窑湾村").context["page"].object_list
    names = [p.name for p in listed if p.source == "无编号.geojson"]
    assert names == [f"王窑湾村{i}号" for i in range(1, 13)]


def test_renaming_a_plot_keeps_its_natural_place(unit_named) -> None:
    village = unit_named("王窑湾村")
    squares = parcels_in("王窑湾村", count=3)
    made = [
        services.plot_create(
            unit=village, name=n, kind="historical", risk="key", geometry=s, code=f"Z-{n}"
        )
        for n, s in zip(["10", "9", "8"], squares, strict=True)
    ]
    services.plot_update(plot=made[2], code="Z-11")
    codes = list(
        Plot.objects.filter(unit=village, code__startswith="Z-").values_list("code", flat=True)
    )
    assert codes == ["Z-9", "Z-10", "Z-11"]


def ring(geom: shapely.Polygon) -> str:
    return " ".join(f"{x:.8f},{y:.8f}" for x, y in geom.exterior.coords)


def ovital_kml(square: shapely.Polygon) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Placemark><name>奥维地块</name><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring(square)}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>"
    ).encode()


def test_ovital_ovkml_and_ovkmz_default_to_gcj02() -> None:
    square = shapely.box(110.90, 39.40, 110.901, 39.401)
    data = ovital_kml(square)
    preview = read_geobytes_unbounded(data, name="收藏夹.ovkml")
    assert preview.crs == crs.GCJ02
    assert any("GCJ-02" in w and ".ovkml" in w for w in preview.warnings)
    stored = preview.features[0].geometry
    shift = crs.haversine_m(
        square.centroid.x, square.centroid.y, stored.centroid.x, stored.centroid.y
    )
    assert 100 < float(shift) < 1000  # GCJ-02 is offset by hundreds of metres

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.ovkml", data)
    zipped = read_geobytes_unbounded(buffer.getvalue(), name="收藏夹.ovkmz")
    assert zipped.crs == crs.GCJ02
    assert shape(mapping(zipped.features[0].geometry)).equals_exact(stored, 1e-9)

    chosen = read_geobytes_unbounded(data, name="收藏夹.ovkml", source_crs="wgs84")
    assert chosen.crs == crs.WGS84  # the user's choice wins
    plain = read_geobytes_unbounded(data, name="收藏夹.kml")
    assert plain.crs == crs.WGS84
