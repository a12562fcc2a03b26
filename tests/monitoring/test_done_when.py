# ruff: noqa: F811 (the fixtures imported from sampling_helpers are used as arguments)
"""Issue 11's "Done when", end to end through the services.

A town admin imports an upper-level batch (a GBK CSV with odd columns; a Shapefile zip of
polygons), every target is verified (every result, three photos with roles) and reviewed or
left and listed overdue after the deadline; the feedback ZIP comes back in the batch's own
type and columns with the photos named `<靶点编号>_<n>.jpg`, and re-importing it is the same
batch. A 抽测 design is drawn, its round's cells all get results, and the estimate with its
interval equals what `zerocrop sample-estimate` prints from the downloaded files with no
database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point, box, shape
from tests.monitoring.batch_builders import csv_bytes, shapefile_zip
from tests.monitoring.sampling_helpers import (  # noqa: F401
    admin_user,
    make_design,
    sample_frame,
    village_zone,
)

from zerocrop.core.clock import today
from zerocrop.geo.models import UnitBoundary
from zerocrop.monitoring import feedback_files as ff
from zerocrop.monitoring import indicators, sampling, selectors_sampling, services_sampling
from zerocrop.monitoring import services_batches as sb
from zerocrop.monitoring import services_feedback as sf
from zerocrop.monitoring import services_targets as st
from zerocrop.monitoring.columns import guess_columns
from zerocrop.monitoring.models import Target, TargetBatch, TargetPhoto
from zerocrop.monitoring.sampling_models import SampleCell
from zerocrop.org.models import Person, User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SPACING_DEG = 0.002  # ~200 m: far beyond the 50 m merge distance
# (code, result, extra keyword arguments of target_verify); the last one is left unverified.
PLAN: list[tuple[str, str, dict[str, Any]]] = [
    (
        "true",
        "true",
        {
            "plant_count": 85,
            "found_area_m2": 24.0,
            "species": "poppy",
            "stage": "flowering",
            "setting": "courtyard",
        },
    ),
    ("false", "false", {"reason": "ornamental"}),
    ("other", "false", {"reason": "other", "reason_text": "向日葵地"}),
    ("unreachable", "unreachable", {"reason_text": "山体滑坡道路中断"}),
    (
        "removed",
        "self_removed",
        {
            "plant_count": 12,
            "found_area_m2": 3.0,
            "species": "poppy",
            "stage": "fruiting",
            "setting": "field_edge",
        },
    ),
    ("duplicate", "duplicate", {}),
]


@pytest.fixture
def admin(demo_campaign) -> User:
    return User.objects.select_related("unit").get(username="admin")


@pytest.fixture
def cadre_user(demo_campaign) -> User:
    return User.objects.select_related("unit", "person").get(username="cadre")


def _spots(village, count: int) -> list[Point]:
    """`count` points inside the village's boundary, at least ~200 m apart."""
    outline = shape(UnitBoundary.objects.get(unit=village).geometry)
    x0, y0, x1, y1 = outline.bounds
    spots: list[Point] = []
    y = y0 + SPACING_DEG / 2
    while y < y1 and len(spots) < count:
        x = x0 + SPACING_DEG / 2
        while x < x1 and len(spots) < count:
            p = Point(x, y)
            if outline.buffer(-0.0005).covers(p):
                spots.append(p)
            x += SPACING_DEG
        y += SPACING_DEG
    assert len(spots) == count, "the village is too small for the test's targets"
    return spots


def _gbk_csv(points: list[Point]) -> tuple[bytes, list[str]]:
    """A county's sheet: a serial column first, 度 coordinates under odd names, a remark."""
    header = ["序号", "图斑编号", "所属乡镇", "X坐标", "Y坐标", "图斑面积(亩)", "疑似类型", "备注"]
    rows: list[list[object]] = [header]
    for n, p in enumerate(points, start=1):
        rows.append(
            [n, f"JB22-{n:03d}", "某镇", f"{p.x:.7f}", f"{p.y:.7f}", "0.8", "罂粟", f"沟边{n}号"]
        )
    return csv_bytes(rows, encoding="gbk"), header


def _shapefile(tmp_path: Path, points: list[Point]) -> tuple[bytes, list[str]]:
    squares = [box(p.x - 0.0002, p.y - 0.0002, p.x + 0.0002, p.y + 0.0002) for p in points]
    n = len(points)
    attributes = {
        "TBBH": [f"SHP-{i:03d}" for i in range(1, n + 1)],
        "MJ": [round(10 + i * 1.5, 2) for i in range(n)],
        "DM": ["沟" if i % 2 else "坡" for i in range(n)],
    }
    return shapefile_zip(tmp_path, squares, attributes), list(attributes)


def _import(data: bytes, name: str, *, town, admin, campaign, column_map=None) -> TargetBatch:
    table = sb.batch_read_bytes(data=data, name=name, source_crs="wgs84")
    return sb.batch_import(
        town=town,
        table=table,
        column_map=column_map or guess_columns(table.columns),
        file_bytes=data,
        original_name=name,
        name="县禁毒办2022第5批",
        issuer="县禁毒办",
        issuer_level="county",
        doc_number="靖禁毒〔2022〕5号",
        issued_on=today() - timedelta(days=4),
        due_on=today() + timedelta(days=3),
        campaign=campaign,
        actor=admin,
    )


def _verify_every_result(batch, *, cadre_user, admin, photo) -> tuple[Target, dict[str, Target]]:
    """Verify the first targets with every result, review them; the last one is left."""
    people = [cadre_user.person, Person.objects.get(user__username="grid")]
    targets = list(batch.targets.order_by("row_index"))
    assert len(targets) == len(PLAN) + 1
    by_label: dict[str, Target] = {}
    when = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    for target, (label, result, extra) in zip(targets, PLAN, strict=False):
        kwargs = dict(extra)
        if result == "duplicate":
            kwargs["duplicate_of"] = by_label["true"]
        photos = [(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")]
        if result == "unreachable":
            photos = photos[:1]  # one photo of where the way was blocked
        done = st.target_verify(
            target=target,
            result=result,
            verifiers=people,
            verified_at=when,
            arrival_lon=target.lon + 0.0001,
            arrival_lat=target.lat,
            arrival_accuracy_m=6,
            arrival_source="phone",
            photos=photos,
            actor=cadre_user,
            **kwargs,
        )
        assert done.status == "submitted" and done.result == result
        by_label[label] = done
    # The reviewer sends one back; it is verified again, then everything is approved.
    st.target_review(target=by_label["false"], approve=False, reason="照片不清楚", actor=admin)
    again = [(role, *photo(f"{role}2.jpg")) for role in ("far", "near", "feature")]
    by_label["false"] = st.target_verify(
        target=by_label["false"],
        result="false",
        reason="ornamental",
        verifiers=people,
        verified_at=when + timedelta(minutes=30),
        arrival_lon=by_label["false"].lon,
        arrival_lat=by_label["false"].lat,
        arrival_source="phone",
        photos=again,
        actor=cadre_user,
    )
    for label in by_label:
        by_label[label] = st.target_review(target=by_label[label], approve=True, actor=admin)
    return targets[-1], by_label


def _check_overdue(batch, left: Target, *, admin, settings, campaign, login_as) -> None:
    # Before the deadline nothing is overdue; the day after it, exactly the one left.
    assert sf.target_records([left])[0].due_on == batch.due_on
    k = indicators._kpis(campaign, admin, None)
    assert left.code not in k.overdue_codes
    settings.ZEROCROP_TODAY = (batch.due_on + timedelta(days=1)).isoformat()
    assert today() == batch.due_on + timedelta(days=1)
    k = indicators._kpis(campaign, admin, None)
    assert left.code in k.overdue_codes
    mine = [c for c in k.overdue_codes if Target.objects.filter(batch=batch, code=c).exists()]
    assert mine == [left.code]
    overdue = indicators.overdue(campaign=campaign, user=admin)
    assert overdue.numerator >= 1
    # The API's overdue filter and the list page, first in the list, say so too.
    client = login_as("admin")
    listed = client.get("/api/v1/monitoring/targets/", {"batch": str(batch.pk)}).json()
    assert listed[0]["code"] == left.code
    late = client.get("/api/v1/monitoring/targets/", {"batch": str(batch.pk), "state": "overdue"})
    assert [t["code"] for t in late.json()] == [left.code]
    page = client.get(reverse("target-list")).content.decode()
    pieces = page.split('<tr data-testid="target-row">')[1:]
    rows = [r[: r.index("</tr>")] for r in pieces if left.code in r[: r.index("</tr>")]]
    assert len(rows) == 1 and "text-bg-danger" in rows[0] and "已超期 1 天" in rows[0]


def _check_feedback(
    batch: TargetBatch, by_label: dict[str, Target], left: Target, *, admin, header, town
) -> None:
    package, filename = sf.batch_feedback_build(user=admin, batch=batch)
    assert filename == f"{batch.name}_核查反馈.zip"
    archive = zipfile.ZipFile(io.BytesIO(package))
    names = archive.namelist()
    inner_name = f"{batch.name}_核查反馈.{ff.extension(batch.file_format)}"
    assert names[0] == inner_name
    inner = archive.read(inner_name)
    back = sb.batch_read_bytes(data=inner, name=inner_name, source_crs="wgs84")
    assert back.file_format == batch.file_format
    if batch.file_format == "csv":
        assert batch.encoding == "gbk" and not inner.startswith(b"\xef\xbb\xbf")
        inner.decode("gbk")  # still GBK
        added = list(ff.FEEDBACK_COLUMNS)
    else:
        added = list(ff.shapefile_field_names(batch.columns).values())
    assert batch.columns == header
    assert back.columns == [*header, *added]
    rows = back.rows
    assert [{c: r.cells[c] for c in header} for r in rows] == [
        t.attributes for t in batch.targets.order_by("row_index")
    ]
    result_col, photos_col = added[0], added[list(ff.FEEDBACK_COLUMNS).index(ff.PHOTOS)]
    by_code = {r.cells[header[0] if batch.file_format == "shp" else "图斑编号"]: r for r in rows}
    labels = {"true": "属实", "false": "不属实", "unreachable": "无法到达", "removed": "已自行铲除"}
    for label, word in labels.items():
        assert by_code[by_label[label].code].cells[result_col] == word
    assert by_code[left.code].cells[result_col] == ""
    # Every photo is in the folder, named by the target's code, with the stored bytes.
    for target in by_label.values():
        stored = list(TargetPhoto.objects.filter(target=target).order_by("seq"))
        expected = [f"{target.code}_{n}.jpg" for n in range(1, len(stored) + 1)]
        assert by_code[target.code].cells[photos_col] == ";".join(expected)
        for name, photo_row in zip(expected, stored, strict=True):
            data = archive.read(f"照片/{name}")
            assert hashlib.sha256(data).hexdigest() == photo_row.evidence.sha256
    assert {"核查情况汇总.docx", "说明.txt"} <= set(names)
    # Re-importing the exported file is this batch, not a new one.
    plan = sb.batch_plan(
        town=town, table=back, column_map=guess_columns(back.columns), source_crs="wgs84"
    )
    assert plan.existing == batch
    before = TargetBatch.objects.count()
    with pytest.raises(sb.BatchAlreadyImported):
        sb.batch_import(
            town=town,
            table=back,
            column_map=guess_columns(back.columns),
            file_bytes=inner,
            original_name=inner_name,
            name="又一批",
            issuer="市禁毒办",
            issuer_level="city",
            issued_on=batch.issued_on,
            due_on=batch.due_on,
            actor=admin,
        )
    assert TargetBatch.objects.count() == before


@pytest.mark.parametrize("kind", ["gbk_csv", "shapefile_polygons"])
def test_a_batch_is_imported_verified_overdue_and_fed_back(
    kind, tmp_path, town, village, demo_campaign, admin, cadre_user, photo, settings, login_as
):
    points = _spots(village, len(PLAN) + 1)
    if kind == "gbk_csv":
        data, header = _gbk_csv(points)
        name = "县禁毒办下发靶点.csv"
    else:
        data, header = _shapefile(tmp_path, points)
        name = "靶点图斑.zip"
    table = sb.batch_read_bytes(data=data, name=name, source_crs="wgs84")
    guessed = guess_columns(table.columns)
    if kind == "gbk_csv":
        assert table.encoding == "gbk"
        assert guessed["code"] == "图斑编号" and guessed["lon"] == "X坐标"
        assert guessed["lat"] == "Y坐标" and guessed["area"] == "图斑面积(亩)"
    else:
        assert guessed["code"] == "TBBH"
    batch = _import(data, name, town=town, admin=admin, campaign=demo_campaign)
    assert batch.file_format == ("csv" if kind == "gbk_csv" else "shp")
    assert batch.source_file.original_name == name
    targets = list(batch.targets.order_by("row_index"))
    assert len(targets) == len(points) and {t.unit for t in targets} == {village}
    assert {t.status for t in targets} == {"pending"}
    if kind == "gbk_csv":
        assert {t.geometry["type"] for t in targets} == {"Point"}
        assert targets[0].area_m2 == pytest.approx(0.8 * 666.6667, rel=1e-3)
        assert targets[0].attributes["备注"] == "沟边1号"
    else:
        assert {t.geometry["type"] for t in targets} == {"Polygon"}
    left, by_label = _verify_every_result(batch, cadre_user=cadre_user, admin=admin, photo=photo)
    assert {t.status for t in by_label.values()} == {"approved"}
    assert by_label["true"].finding is not None and by_label["removed"].finding is not None
    assert by_label["removed"].finding.self_removed
    assert by_label["duplicate"].duplicate_of == by_label["true"]
    assert by_label["other"].reason == "other" and by_label["other"].reason_text == "向日葵地"
    assert list(by_label["true"].photos.values_list("seq", "role")) == [
        (1, "far"),
        (2, "near"),
        (3, "feature"),
    ]
    _check_overdue(
        batch, left, admin=admin, settings=settings, campaign=demo_campaign, login_as=login_as
    )
    _check_feedback(batch, by_label, left, admin=admin, header=header, town=town)


# --------------------------------------------------------------------------- 抽测


def _cli_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ZEROCROP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _cli(*args: str, cwd: Path) -> dict[str, Any]:
    """`python -m zerocrop.cli ...` in a child process without settings or a database."""
    done = subprocess.run(
        [sys.executable, "-m", "zerocrop.cli", *args],
        env=_cli_env(),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_design_is_drawn_checked_and_estimated_as_the_cli_does(
    make_design, admin_user, login_as, tmp_path
):
    design = make_design(name="潜在区域抽测", n=12)
    design = services_sampling.design_draw(design=design, seed=777, actor=admin_user)
    assert design.is_locked
    codes = services_sampling.drawn_codes(design)
    assert len(codes) == 12 == design.selection["n"]
    team = [Person.objects.get(user__username=n) for n in ("cadre2", "grid")]
    survey_round = services_sampling.sampling_round_create(
        design=design, team=team, actor=admin_user
    )
    assert sorted(survey_round.cells.values_list("code", flat=True)) == sorted(codes)
    # The frame as the map downloads it, drawn again by `zerocrop sample-design` with the same
    # seed and no database: the same frame version, allocation and cells.
    client = login_as("admin")
    frame_path = tmp_path / "frame.geojson"
    frame_path.write_bytes(client.get(reverse("sampling-cells", args=[design.pk])).content)
    again = _cli(
        "sample-design",
        "--frame",
        str(frame_path),
        "--strata",
        "stratum",
        "--id-field",
        "code",
        "--n",
        "12",
        "--seed",
        "777",
        "--json",
        cwd=tmp_path,
    )
    for key in ("frame_version", "seed", "n", "allocation", "strata_sizes"):
        assert again[key] == design.selection[key], key
    assert [(c["id"], c["stratum"]) for c in again["cells"]] == [
        (c["id"], c["stratum"]) for c in design.selection["cells"]
    ]
    assert selectors_sampling.design_estimate(design=design) is None  # nothing checked yet
    # A large patch with more than six significant digits: the download must not round it.
    found = {codes[0]: (12345.67, 140), codes[3]: (8.5, 22), codes[7]: (2.0, 5)}
    when = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    for cell in SampleCell.objects.filter(frame=design.frame, code__in=codes):
        area, plants = found.get(cell.code, (0.0, 0))
        services_sampling.cell_result_record(
            design=design,
            cell=cell,
            area_m2=area,
            plants=plants,
            checked_at=when,
            checked_by=team,
            actor=admin_user,
        )
        if cell.code == codes[5]:
            assert selectors_sampling.design_estimate(design=design) is None
    assert selectors_sampling.design_progress(design=design).complete
    estimate = selectors_sampling.design_estimate(design=design)
    assert estimate is not None
    lo, hi = estimate.plants.ci95
    assert lo <= estimate.plants.estimate <= hi and hi > lo
    assert estimate.area_m2.ci95[1] > estimate.area_m2.ci95[0]
    assert estimate.plants.estimate > sum(p for _, p in found.values())  # scaled up to N

    # The downloads, then the CLI in a child process: no settings, no database, a temp cwd.
    design_path, results_path = tmp_path / "design.json", tmp_path / "results.csv"
    design_path.write_bytes(client.get(reverse("sampling-design-json", args=[design.pk])).content)
    results_path.write_bytes(client.get(reverse("sampling-results-csv", args=[design.pk])).content)
    rows = list(csv.DictReader(io.StringIO(results_path.read_text("utf-8"))))
    assert sorted(r["id"] for r in rows) == sorted(codes)
    work = tmp_path / "cwd"
    work.mkdir()
    printed = _cli(
        "sample-estimate",
        "--design",
        str(design_path),
        "--results",
        str(results_path),
        "--json",
        cwd=work,
    )
    shown = sampling.estimate_to_json(estimate)  # the stored estimate, to 0.01
    for quantity in ("area_m2", "plants"):
        assert printed[quantity]["estimate"] == shown[quantity]["estimate"]
        assert printed[quantity]["ci95"] == shown[quantity]["ci95"]
        assert printed[quantity]["method"] == shown[quantity]["method"]
    assert printed["plants"]["estimate"] == pytest.approx(estimate.plants.estimate, abs=0.01)
    assert list(work.iterdir()) == []  # wrote nothing where it ran
    page = client.get(reverse("sampling-estimate", args=[design.pk])).text
    assert "95%置信区间" in page and "由抽样推算" in page
    shown_plants = re.search(r'data-testid="estimate-plants">([0-9.,]+)<', page)
    assert shown_plants is not None
    assert float(shown_plants.group(1).replace(",", "")) == pytest.approx(
        printed["plants"]["estimate"], abs=0.06
    )


# --------------------------------------------------------------------------- every channel


@pytest.fixture
def two_villages(make_batch, make_target, town, admin, photo):
    """One batch, a verified target in 毛布拉格村 (cadre's) and one in 排子湾村 (cadre2's)."""
    TargetBatch.objects.exclude(unit=None).update(voided_at=timezone.now())  # the demo's
    batch = make_batch(name="两村批次")
    cadre, cadre2 = (User.objects.get(username=n) for n in ("cadre", "cadre2"))
    other = cadre2.unit
    mine = make_target(batch=batch, code="MINE-1", row_index=0)
    theirs = make_target(batch=batch, unit=other, code="THEIRS-1", row_index=1)
    leader_person = Person.objects.get(user__username="leader")
    when = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    for target, actor in ((mine, cadre), (theirs, cadre2)):
        target.attributes = {"靶点编号": target.code, "经度": "0", "纬度": "0"}
        target.save()
        st.targets_assign(targets=[target], persons=[actor.person], actor=admin)
        st.target_verify(
            target=target,
            result="false",
            reason="lawn",
            verifiers=[actor.person, leader_person],
            verified_at=when,
            arrival_source="typed",
            arrival_lon=target.lon,
            arrival_lat=target.lat,
            photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
            actor=actor,
        )
        st.target_review(target=target, approve=False, reason="补拍远景", actor=admin)
    return batch, Target.objects.get(pk=mine.pk), Target.objects.get(pk=theirs.pk)


def _photo_url(target: Target) -> str:
    return reverse("evidence-file", args=[target.photos.order_by("seq").first().evidence_id])


def test_a_village_cadre_sees_only_its_own_targets_in_every_channel(two_villages, login_as):
    batch, mine, theirs = two_villages
    client = login_as("cadre")
    page = client.get(reverse("target-list")).content.decode()
    assert mine.code in page and theirs.code not in page
    api = [t["code"] for t in client.get("/api/v1/monitoring/targets/").json()]
    assert api == [mine.code]
    assert client.get(f"/api/v1/monitoring/targets/{theirs.pk}").status_code == 404
    batches = {b["name"]: b for b in client.get("/api/v1/monitoring/batches/").json()}
    assert batches["两村批次"]["target_count"] == 1
    detail = client.get(f"/api/v1/monitoring/batches/{batch.pk}").json()
    assert [t["code"] for t in detail["targets"]] == [mine.code]
    # The feedback is the town's: refused, and so is the town's original file.
    assert client.get(reverse("batch-feedback", args=[batch.pk])).status_code == 403
    assert client.get(reverse("evidence-file", args=[batch.source_file_id])).status_code == 404
    # The photos of the other village's target are not the cadre's.
    assert client.get(_photo_url(mine)).status_code == 200
    assert client.get(_photo_url(theirs)).status_code == 404
    # The KPI page counts the cadre's target only (one issued, one returned: not verified).
    kpis_page = client.get(reverse("target-kpis")).content.decode()
    assert f'data-label="{theirs.unit.name}"' not in kpis_page
    total = kpis_page[kpis_page.index('data-group="total"') :]
    assert '<td data-label="下发靶点">1</td>' in total[: total.index("</tr>")]
    # 我的任务: the returned target to redo, the cadre's own only.
    tasks = client.get(reverse("my-tasks")).content.decode()
    assert mine.code in tasks and theirs.code not in tasks
    other_tasks = login_as("cadre2").get(reverse("my-tasks")).content.decode()
    assert theirs.code in other_tasks and mine.code not in other_tasks
    # The town admin sees both everywhere.
    admin = login_as("admin")
    codes = {t["code"] for t in admin.get("/api/v1/monitoring/targets/").json()}
    assert codes == {mine.code, theirs.code}
    total = admin.get(reverse("target-kpis")).content.decode()
    total = total[total.index('data-group="total"') :]
    assert '<td data-label="下发靶点">2</td>' in total[: total.index("</tr>")]
    assert admin.get(reverse("evidence-file", args=[batch.source_file_id])).status_code == 200


def test_a_leader_sees_but_cannot_verify_review_import_or_export(
    two_villages, login_as, photo, cadre_person, grid_person
):
    batch, mine, theirs = two_villages
    leader = login_as("leader")
    page = leader.get(reverse("target-list")).content.decode()
    assert mine.code in page and theirs.code in page
    codes = {t["code"] for t in leader.get("/api/v1/monitoring/targets/").json()}
    assert codes == {mine.code, theirs.code}
    assert leader.get(reverse("target-detail", args=[theirs.pk])).status_code == 200
    assert leader.get(reverse("target-kpis")).status_code == 200
    assert leader.get(reverse("target-verify", args=[mine.pk])).status_code == 403
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {
        f"photos_{role}": [SimpleUploadedFile(f"{role}.jpg", photo()[1], "image/jpeg")]
        for role in ("far", "near", "feature")
    }
    refused = leader.post(
        reverse("target-verify", args=[mine.pk]),
        {
            "result": "false",
            "reason": "lawn",
            "verifiers": [str(cadre_person.pk), str(grid_person.pk)],
            "verified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "arrival_source": "typed",
            "arrival_lon": f"{mine.lon:.6f}",
            "arrival_lat": f"{mine.lat:.6f}",
            **files,
        },
    )
    assert refused.status_code == 403
    assert leader.post(reverse("target-review", args=[mine.pk]), {"approve": "1"}).status_code == (
        403
    )
    mine.refresh_from_db()
    assert mine.status == "returned"
    assert leader.get(reverse("batch-import")).status_code == 403
    assert leader.get(reverse("batch-feedback", args=[batch.pk])).status_code == 403
    # The leader sees the photos without their EXIF (the original goes to the preview).
    shown = leader.get(_photo_url(mine))
    assert shown.status_code == 302 and "preview" in shown["Location"]


# --------------------------------------------------------------------------- the summary's words


def _situation(reasons: list[str]) -> str:
    from datetime import date

    from zerocrop.monitoring import feedback_summary as fs
    from zerocrop.monitoring import kpis
    from zerocrop.monitoring.choices import FalseReason

    day = date(2022, 7, 10)
    records = [
        kpis.TargetRecord(
            f"T{n}", "approved", "false", reason, date(2022, 7, 1), date(2022, 7, 8), day, False
        )
        for n, reason in enumerate(reasons)
    ]
    facts = fs.SummaryFacts(
        batch_name="甲批",
        issuer="县禁毒办",
        doc_number="",
        issued_on=date(2022, 7, 1),
        due_on=date(2022, 7, 8),
        town="无定河镇",
        today=day,
        result_labels={},
        reason_labels=dict(FalseReason.choices),
    )
    return fs.situation_text(facts, kpis.compute(records, today=day))


def test_the_summary_names_the_main_reason_and_every_tied_one():
    assert "主要原因是草坪（2 个）" in _situation(["lawn", "other", "lawn"])
    # A tie is not settled by the code's spelling: both are named, the coded reason first.
    assert "主要原因是观赏花卉（如虞美人）、其他（各 1 个）" in _situation(["other", "ornamental"])


def test_a_template_with_blank_feedback_columns_gets_them_filled(
    town, village, demo_campaign, admin, cadre_user, photo
):
    """Issuers often send the sheet with 结论 / 核查人 left blank to fill in: we fill those."""
    a, b = _spots(village, 2)
    header = ["靶点编号", "经度", "纬度", "结论", "核查人", "备注"]
    rows = [header]
    for n, p in ((1, a), (2, b)):
        rows.append([f"TPL-{n}", f"{p.x:.7f}", f"{p.y:.7f}", "", "", "请核查"])
    data = csv_bytes(rows, encoding="gbk")
    batch = _import(data, "模板.csv", town=town, admin=admin, campaign=demo_campaign)
    target = batch.targets.get(code="TPL-1")
    people = [cadre_user.person, Person.objects.get(user__username="grid")]
    st.target_verify(
        target=target,
        result="false",
        reason="lawn",
        verifiers=people,
        verified_at=timezone.now().replace(microsecond=0) - timedelta(hours=1),
        arrival_source="phone",
        arrival_lon=target.lon,
        arrival_lat=target.lat,
        photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
        actor=cadre_user,
    )
    package, _ = sf.batch_feedback_build(user=admin, batch=batch)
    archive = zipfile.ZipFile(io.BytesIO(package))
    inner = archive.read(archive.namelist()[0]).decode("gbk")
    table = list(csv.reader(io.StringIO(inner)))
    expected = [*header, *(c for c in ff.FEEDBACK_COLUMNS if c not in header)]
    assert table[0] == expected  # each column once, the file's own order first
    first = dict(zip(table[0], table[1], strict=True))
    assert first["结论"] == "不属实" and first["原因"] == "草坪"
    assert first["核查人"] == ";".join(sorted(p.name for p in people))
    assert first["备注"] == "请核查"
    second = dict(zip(table[0], table[2], strict=True))
    assert second["结论"] == "" and second["审核状态"] == "待核查"
