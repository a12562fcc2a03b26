"""The feedback ZIP of a batch: its file in the batch's own format, the photos, the summary."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from zerocrop.core.clock import today
from zerocrop.core.errors import NotPermitted
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.geo import crs as crs_mod
from zerocrop.geo.readers import read_geobytes_unbounded
from zerocrop.monitoring import services_feedback as sf
from zerocrop.monitoring.models import TargetPhoto


def _attrs(target):
    return {"靶点编号": target.code, "经度": f"{target.lon:.6f}", "纬度": f"{target.lat:.6f}"}


@pytest.fixture
def verified(make_target, cadre_person, grid_person, photo):
    """A target verified true with three photos, by two people."""

    def make(batch, **fields):
        target = make_target(batch=batch, **fields)
        target.attributes = {**_attrs(target), **fields.get("attributes", {})}
        target.status = fields.get("status", "approved")
        target.result = fields.get("result", "true")
        target.verified_at = timezone.now() - timedelta(days=1)
        target.arrival_lon, target.arrival_lat = target.lon + 0.0001, target.lat
        target.distance_m = 8.54
        target.plant_count = 40
        target.save()
        target.verifiers.set([cadre_person, grid_person])
        for seq, role in enumerate(["far", "near", "feature"], start=1):
            name, data = photo()
            evidence = evidence_store(
                file=data, kind=EvidenceKind.TARGET_PHOTO, actor=None, original_name=name
            )
            TargetPhoto.objects.create(target=target, evidence=evidence, role=role, seq=seq * 10)
        return target

    return make


@pytest.fixture
def admin(user_named):
    return user_named("admin")


def _zip(data):
    return zipfile.ZipFile(io.BytesIO(data))


def test_zip_holds_the_file_photos_summary_and_readme(
    make_batch, make_target, verified, admin, cadre_person, grid_person
):
    batch = make_batch(name="县禁毒办2022第3批")
    true_target = verified(batch, row_index=0)
    pending = make_target(batch=batch, row_index=1)
    pending.attributes = _attrs(pending)
    pending.save()
    data, filename = sf.batch_feedback_build(user=admin, batch=batch)
    assert filename == "县禁毒办2022第3批_核查反馈.zip"
    archive = _zip(data)
    names = archive.namelist()
    code = true_target.code
    assert names[0] == "县禁毒办2022第3批_核查反馈.csv"
    photo_names = [f"照片/{code}_{n}.jpg" for n in (1, 2, 3)]
    assert set(photo_names) <= set(names)
    assert {"核查情况汇总.docx", "说明.txt"} <= set(names)
    # The town admin may have originals: the stored bytes, unchanged.
    first = TargetPhoto.objects.filter(target=true_target).order_by("seq").first()
    assert hashlib.sha256(archive.read(photo_names[0])).hexdigest() == first.evidence.sha256
    assert "存证原件" in archive.read("说明.txt").decode("utf-8")

    text = archive.read(names[0]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["靶点编号"] for r in rows] == [code, pending.code]
    assert rows[0]["结论"] == "属实"
    assert rows[0]["照片文件名"] == ";".join(p.removeprefix("照片/") for p in photo_names)
    assert rows[0]["偏离距离(米)"] == "8.5"
    assert rows[0]["株数"] == "40"
    assert rows[0]["核查人"] == ";".join(sorted([cadre_person.name, grid_person.name]))
    assert rows[0]["审核状态"] == "已核查"
    assert rows[0]["铲除情况"] == "待登记发现点"
    assert rows[1]["结论"] == "" and rows[1]["审核状态"] == "待核查"


def test_export_re_reads_as_the_original_rows_and_fingerprint(
    make_batch, make_target, verified, admin
):
    batch = make_batch(columns=["靶点编号", "经度", "纬度", "备注"])
    targets = [verified(batch, row_index=0, attributes={"备注": "沟边"})]
    plain = make_target(batch=batch, row_index=1)
    plain.attributes = {**_attrs(plain), "备注": ""}
    plain.merged_codes = ["BDX-2"]
    plain.save()
    targets.append(plain)
    data, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = _zip(data)
    inner = archive.read(archive.namelist()[0])
    rows = list(csv.reader(io.StringIO(inner.decode("utf-8-sig"))))
    assert rows[0][:4] == ["靶点编号", "经度", "纬度", "备注"]
    assert rows[0][4:] == list(sf.ff.FEEDBACK_COLUMNS)
    originals = [[t.attributes[c] for c in ["靶点编号", "经度", "纬度", "备注"]] for t in targets]
    assert [r[:4] for r in rows[1:3]] == originals
    # The merged code has its own row with the target's result.
    assert rows[3][0] == "BDX-2" and rows[3][4:] == rows[2][4:]
    codes = sorted({r[0] for r in rows[1:]})
    expected = sorted({t.code for t in targets} | {"BDX-2"})
    assert (
        hashlib.sha256("\n".join(codes).encode()).hexdigest()
        == hashlib.sha256("\n".join(expected).encode()).hexdigest()
    )
    preview = read_geobytes_unbounded(inner, name="x.csv")
    assert len(preview.features) == 3


def test_gbk_csv_batch_comes_back_gbk(make_batch, verified, admin):
    batch = make_batch(encoding="gbk")
    verified(batch)
    data, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = _zip(data)
    inner = archive.read(archive.namelist()[0])
    assert not inner.startswith(b"\xef\xbb\xbf")
    assert inner.decode("gbk").startswith("靶点编号,经度,纬度,结论")


def test_geojson_gcj02_batch_writes_geometry_and_arrival_in_gcj02(make_batch, verified, admin):
    batch = make_batch(file_format="geojson", source_crs="gcj02", columns=["靶点编号"])
    target = verified(batch, attributes={})
    target.attributes = {"靶点编号": target.code}
    target.save()
    data, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = _zip(data)
    name = archive.namelist()[0]
    assert name.endswith("_核查反馈.geojson")
    feature = json.loads(archive.read(name))["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(crs_mod.wgs84_to_gcj02(target.lon, target.lat), abs=1e-7)
    arrival = crs_mod.wgs84_to_gcj02(target.arrival_lon, target.arrival_lat)
    assert feature["properties"]["到达经度"] == pytest.approx(arrival[0], abs=1e-6)
    assert "GCJ-02" in archive.read("说明.txt").decode("utf-8")


def test_user_without_originals_gets_previews(make_batch, verified, user_named):
    batch = make_batch()
    target = verified(batch)
    leader = user_named("leader")
    entries = sf.target_photos(user=leader, target=target)
    assert [e.name for e in entries] == [f"{target.code}_{n}.jpg" for n in (1, 2, 3)]
    assert not any(e.original for e in entries)
    preview = sf._photo_bytes(entries[0])
    assert preview[:3] == b"\xff\xd8\xff"
    assert hashlib.sha256(preview).hexdigest() != entries[0].evidence.sha256
    admin_entries = sf.target_photos(user=user_named("admin"), target=target)
    assert all(e.original for e in admin_entries)


def test_only_the_town_admin_may_build(make_batch, user_named):
    batch = make_batch()
    with pytest.raises(NotPermitted):
        sf.batch_feedback_build(user=user_named("leader"), batch=batch)


def test_summary_docx_reads_back_with_the_figures(make_batch, make_target, verified, admin):
    batch = make_batch(
        name="市级第1批",
        doc_number="县禁毒办〔2022〕12号",
        issued_on=today() - timedelta(days=20),
        due_on=today() - timedelta(days=2),
    )
    known = verified(batch, locally_known=True)
    known.verified_at = timezone.now() - timedelta(days=5)
    known.save()
    false_one = make_target(batch=batch)
    false_one.status, false_one.result, false_one.reason = "submitted", "false", "lawn"
    false_one.verified_at = timezone.now() - timedelta(days=10)
    false_one.save()
    late = make_target(batch=batch)
    data, _ = sf.batch_feedback_build(user=admin, batch=batch)
    document = Document(io.BytesIO(_zip(data).read("核查情况汇总.docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "市级第1批 核查情况汇总" in text
    assert "县禁毒办〔2022〕12号" in text and "县禁毒办" in text
    # 3 issued, 2 verified; 1 true of 2 decided; the true one was known.
    assert "66.7%" in cells  # 核查率
    assert "50.0%" in cells  # 属实率
    assert "100.0%" in cells  # 本地已掌握率
    assert late.code in cells
    assert "草坪" in cells
    assert "情况说明" in text and "已核查 2 个" in text


def test_summary_lists_at_most_a_page_of_overdue_targets():
    from datetime import date

    from zerocrop.monitoring import feedback_summary as fs
    from zerocrop.monitoring import kpis

    day = date(2022, 7, 10)
    records = [
        kpis.TargetRecord(
            f"T{n:02d}", "pending", "", "", date(2022, 6, 1), date(2022, 6, 10), None, False
        )
        for n in range(20)
    ]
    facts = fs.SummaryFacts(
        batch_name="甲批",
        issuer="省禁毒办",
        doc_number="",
        issued_on=date(2022, 6, 1),
        due_on=date(2022, 6, 10),
        town="无定河镇",
        today=day,
        result_labels={"true": "属实"},
        reason_labels={},
        overdue=[fs.OverdueItem(r.code, "甲村", r.due_on, "待核查") for r in records],
    )
    document = Document(io.BytesIO(fs.summary_docx(facts, kpis.compute(records, today=day))))
    overdue_table = document.tables[-1]
    assert len(overdue_table.rows) == 1 + fs.MAX_OVERDUE_ROWS
    text = "\n".join(p.text for p in document.paragraphs)
    assert "另有 5 个超期靶点未列出" in text
    assert "四、超期未核查靶点（20 个）" in text
    assert "核查率 0.0%" in text and "文号：无" in text


def test_queries_do_not_grow_with_the_batch(
    make_batch, verified, admin, django_assert_max_num_queries
):
    batch = make_batch()
    for n in range(12):
        verified(batch, row_index=n)
    with django_assert_max_num_queries(25):
        data, _ = sf.batch_feedback_build(user=admin, batch=batch)
    assert len([n for n in _zip(data).namelist() if n.startswith("照片/")]) == 36
