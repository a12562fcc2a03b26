"""Import a batch in each format, verify, export the feedback, read the export back.

The export must give back the batch's own columns and values, in order, followed by the
feedback columns, and be recognised by the importer as the same batch (same fingerprint).
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from shapely.geometry import Point
from tests.monitoring.batch_builders import (
    HEADER,
    csv_bytes,
    geojson_bytes,
    kml_bytes,
    kmz_bytes,
    shapefile_zip,
    xlsx_bytes,
)

from zerocrop.core.clock import today
from zerocrop.geo import crs as crs_mod
from zerocrop.monitoring import feedback_files as ff
from zerocrop.monitoring import services_batches
from zerocrop.monitoring import services_feedback as sf
from zerocrop.monitoring.columns import guess_columns
from zerocrop.org.models import AdminUnit, User


@pytest.fixture
def admin(demo_campaign) -> User:
    return User.objects.get(username="admin")


@pytest.fixture
def points(village, inside, town):
    other = AdminUnit.objects.get(parent=town, name="王窑湾村")
    return [inside(village), inside(other)]


def _row(code: str, p: Point) -> list[str]:
    return [code, "靖边县", "某镇", f"{p.x:.7f}", f"{p.y:.7f}", "1.5", "罂粟", "0012", "", ""]


def _import(data, name, *, town, admin, campaign, crs_name="wgs84"):
    table = services_batches.batch_read_bytes(data=data, name=name, source_crs=crs_name)
    return services_batches.batch_import(
        town=town,
        table=table,
        column_map=guess_columns(table.columns),
        file_bytes=data,
        original_name=name,
        name="县禁毒办第3批",
        issuer="县禁毒办",
        issuer_level="county",
        issued_on=today() - timedelta(days=3),
        due_on=today() + timedelta(days=7),
        source_crs=crs_name,
        campaign=campaign,
        actor=admin,
    )


def _verify_first(batch, cadre_person, grid_person):
    target = batch.targets.order_by("row_index").first()
    target.status, target.result = "approved", "true"
    target.verified_at = timezone.now()
    target.plant_count = 25
    target.save()
    target.verifiers.set([cadre_person, grid_person])
    return target


def _files(points, tmp_path):
    a, b = points
    rows = [HEADER, _row("JB-001", a), _row("JB-002", b)]
    kml = kml_bytes(
        [
            ("JB-001", a.x, a.y, {"靶点编号": "JB-001", "类型": "罂粟"}),
            ("JB-002", b.x, b.y, {"靶点编号": "JB-002", "类型": "疑似"}),
        ]
    )
    return {
        "gbk.csv": csv_bytes(rows, encoding="gbk"),
        "bom.csv": csv_bytes(rows, encoding="utf-8-sig"),
        "表.xlsx": xlsx_bytes(rows, title="县禁毒办下发靶点"),
        "点.kml": kml,
        "点.kmz": kmz_bytes(kml),
        "点.geojson": geojson_bytes(
            [(a, {"靶点编号": "JB-001", "面积": 1.5}), (b, {"靶点编号": "JB-002", "面积": 2})]
        ),
        "点.zip": shapefile_zip(
            tmp_path, [a, b], {"BH": ["JB-001", "JB-002"], "MJ": [1.5, 2.25], "MC": ["沟", "坡"]}
        ),
    }


@pytest.mark.parametrize(
    "name", ["gbk.csv", "bom.csv", "表.xlsx", "点.kml", "点.kmz", "点.geojson", "点.zip"]
)
def test_export_reads_back_as_the_same_batch(
    name, points, tmp_path, town, admin, demo_campaign, cadre_person, grid_person
):
    data = _files(points, tmp_path)[name]
    batch = _import(data, name, town=town, admin=admin, campaign=demo_campaign)
    target = _verify_first(batch, cadre_person, grid_person)
    package, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = zipfile.ZipFile(io.BytesIO(package))
    inner_name = archive.namelist()[0]
    assert inner_name == f"县禁毒办第3批_核查反馈.{ff.extension(batch.file_format)}"
    inner = archive.read(inner_name)
    if batch.encoding == "gbk":
        assert inner.decode("gbk")  # still GBK, no BOM
        assert not inner.startswith(b"\xef\xbb\xbf")
    if batch.encoding == "utf-8-sig":
        assert inner.startswith(b"\xef\xbb\xbf")
    if batch.file_format == "shp":  # the builder writes GBK: the .cpg says so again
        cpg = next(n for n in zipfile.ZipFile(io.BytesIO(inner)).namelist() if n.endswith(".cpg"))
        assert zipfile.ZipFile(io.BytesIO(inner)).read(cpg).strip().upper() in {b"GBK", b"936"}
        dbf = next(n for n in zipfile.ZipFile(io.BytesIO(inner)).namelist() if n.endswith(".dbf"))
        assert "沟".encode("gbk") in zipfile.ZipFile(io.BytesIO(inner)).read(dbf)

    back = services_batches.batch_read_bytes(data=inner, name=inner_name, source_crs="wgs84")
    added = (
        list(ff.shapefile_field_names(batch.columns).values())
        if batch.file_format == "shp"
        else list(ff.FEEDBACK_COLUMNS)
    )
    assert back.columns == [*batch.columns, *added]
    originals = [t.attributes for t in batch.targets.order_by("row_index")]
    assert [{c: r.cells[c] for c in batch.columns} for r in back.rows] == originals
    result_column = added[0]
    assert back.rows[0].cells[result_column] == "属实"
    assert back.rows[1].cells[result_column] == ""
    # Same geometry (WGS84 batch).
    if back.rows[0].geometry is not None:
        got = back.rows[0].geometry
        assert crs_mod.haversine_m(got.x, got.y, target.lon, target.lat) < 0.05
    # The importer recognises it as this batch.
    plan = services_batches.batch_plan(
        town=town,
        table=back,
        column_map=guess_columns(back.columns),
        source_crs="wgs84",
    )
    assert plan.fingerprint == batch.fingerprint
    assert plan.existing == batch


def test_gcj02_kml_batch_comes_back_in_gcj02(
    points, tmp_path, town, admin, demo_campaign, cadre_person, grid_person
):
    a, b = points
    gcj = [crs_mod.wgs84_to_gcj02(p.x, p.y) for p in (a, b)]
    kml = kml_bytes(
        [
            ("JB-101", *gcj[0], {"靶点编号": "JB-101"}),
            ("JB-102", *gcj[1], {"靶点编号": "JB-102"}),
        ]
    )
    batch = _import(kml, "点.kml", town=town, admin=admin, campaign=demo_campaign, crs_name="gcj02")
    package, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = zipfile.ZipFile(io.BytesIO(package))
    inner = archive.read(archive.namelist()[0])
    from zerocrop.geo.readers.kml import read_kml

    raw = read_kml(inner).features  # as written in the file
    first = min(raw, key=lambda f: f.name)
    assert (first.geometry.x, first.geometry.y) == pytest.approx(gcj[0], abs=1e-6)
    back = services_batches.batch_read_bytes(data=inner, name="x.kml", source_crs="gcj02")
    plan = services_batches.batch_plan(
        town=town, table=back, column_map=guess_columns(back.columns), source_crs="gcj02"
    )
    assert plan.existing == batch


def test_the_demo_batch_exports_and_is_recognised(town, admin):
    from zerocrop.demo.monitoring import DEMO_BATCH_NAME
    from zerocrop.monitoring.models import TargetBatch

    batch = TargetBatch.objects.get(unit=town, name=DEMO_BATCH_NAME)
    package, filename = sf.batch_feedback_build(user=admin, batch=batch)
    assert filename == f"{DEMO_BATCH_NAME}_核查反馈.zip"
    archive = zipfile.ZipFile(io.BytesIO(package))
    inner_name = f"{DEMO_BATCH_NAME}_核查反馈.csv"
    inner = archive.read(inner_name)
    assert batch.encoding == "gbk"
    inner.decode("gbk")
    back = services_batches.batch_read_bytes(data=inner, name=inner_name, source_crs="wgs84")
    assert back.columns == [*batch.columns, *ff.FEEDBACK_COLUMNS]
    rows = len(back.rows)
    assert rows == sum(1 + len(t.merged_codes) for t in batch.targets.all())
    plan = services_batches.batch_plan(
        town=town, table=back, column_map=guess_columns(back.columns), source_crs="wgs84"
    )
    assert plan.existing == batch
