"""Importing a batch through the service: units, merges, links, 本地已掌握, re-import, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from shapely.geometry import Point, shape
from tests.monitoring.batch_builders import HEADER, csv_bytes

from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.findings.models import Finding
from zerocrop.geo import crs
from zerocrop.geo.models import Plot
from zerocrop.monitoring import services_batches
from zerocrop.monitoring.choices import LinkKind
from zerocrop.monitoring.columns import guess_columns
from zerocrop.monitoring.models import Target, TargetBatch, TargetLink
from zerocrop.org.models import AdminUnit, User

METRE = 1 / 111_320  # degrees of latitude


def east(point: Point, metres: float) -> Point:
    return Point(point.x + metres * METRE / 0.79, point.y)  # cos(37.9°) ≈ 0.79


def row(code: str, p: Point, *, area: str = "", due: str = "", issued: str = "") -> list[str]:
    return [code, "靖边县", "某镇", f"{p.x:.7f}", f"{p.y:.7f}", area, "罂粟", "高", issued, due]


@pytest.fixture
def admin(demo_campaign) -> User:
    return User.objects.get(username="admin")


@pytest.fixture
def run(town, admin, demo_campaign):
    def go(data: bytes, *, file_name: str = "靶点.csv", crs_name: str = "wgs84", **overrides):
        table = services_batches.batch_read_bytes(data=data, name=file_name, source_crs=crs_name)
        values = {
            "town": town,
            "table": table,
            "column_map": guess_columns(table.columns),
            "file_bytes": data,
            "original_name": file_name,
            "name": "县禁毒办2022年第3批",
            "issuer": "县禁毒办",
            "issuer_level": "county",
            "doc_number": "",
            "issued_on": today() - timedelta(days=3),
            "due_on": today() + timedelta(days=7),
            "source_crs": crs_name,
            "campaign": demo_campaign,
            "actor": admin,
        }
        values.update(overrides)
        return services_batches.batch_import(**values)

    return go


def test_a_gbk_csv_becomes_targets_in_their_villages(run, village, inside, town):
    other = AdminUnit.objects.get(parent=town, name="王窑湾村")
    far = Point(inside(village).x + 1.5, inside(village).y + 1.5)
    data = csv_bytes(
        [
            HEADER,
            row("JB-001", inside(village), area="1.5", due="2030年1月2日", issued="2022/7/1"),
            row("JB-002", inside(other)),
            row("JB-003", far),
        ]
    )
    before = AuditEvent.objects.count()
    batch = run(data)
    assert batch.encoding == "gbk" and batch.file_format == "csv"
    assert batch.columns == HEADER
    assert batch.source_file.kind == "target_file"
    assert batch.source_file.original_name == "靶点.csv"
    targets = {t.code: t for t in batch.targets.all()}
    assert set(targets) == {"JB-001", "JB-002", "JB-003"}
    first = targets["JB-001"]
    assert first.unit == village
    assert first.attributes["县"] == "靖边县" and first.attributes["面积(亩)"] == "1.5"
    assert first.due_on == date(2030, 1, 2) and first.issued_on == date(2022, 7, 1)
    assert first.area_m2 == pytest.approx(1000.0)
    assert first.category == "罂粟" and first.confidence == "高"
    assert targets["JB-002"].unit == other and targets["JB-002"].due_on == batch.due_on
    assert targets["JB-003"].unit == town  # outside every village
    assert AuditEvent.objects.count() >= before + 4
    fp = services_batches.dedup.fingerprint(["JB-001", "JB-002", "JB-003"])
    assert batch.fingerprint == fp


def test_near_duplicates_merge_into_one_target(run, village, inside):
    p = inside(village)
    data = csv_bytes([HEADER, row("A1", p), row("A2", east(p, 12)), row("A3", east(p, 400))])
    batch = run(data)
    kept = batch.targets.get(code="A1")
    assert kept.merged_codes == ["A2"]
    assert set(batch.targets.values_list("code", flat=True)) == {"A1", "A3"}
    link = TargetLink.objects.get(target=kept, kind=LinkKind.MERGED)
    assert link.other_code == "A2" and 8 < link.distance_m < 16
    assert batch.fingerprint == services_batches.dedup.fingerprint(["A1", "A2", "A3"])


def test_a_target_on_a_plot_known_before_the_batch_is_locally_known(run, demo_campaign):
    plot = Plot.objects.filter(voided_at=None).select_related("unit").first()
    inside_plot = shape(plot.geometry).representative_point()
    data = csv_bytes([HEADER, row("P1", inside_plot)])
    # The demo plots were stored just now: a batch issued tomorrow comes after them.
    batch = run(data, issued_on=today() + timedelta(days=1), due_on=today() + timedelta(days=9))
    target = batch.targets.get()
    link = target.links.get(kind=LinkKind.PLOT, plot=plot)
    assert link.distance_m == 0 and link.known_before
    assert target.locally_known
    assert target.known_note.startswith(f"下发前已在地块台账：{plot.unit.name}")
    assert "相距 0 米" in target.known_note


def test_a_plot_stored_after_the_batch_date_is_linked_but_not_known(run):
    plot = Plot.objects.get(code="WDH-12-0001")  # no finding near it
    Plot.objects.filter(pk=plot.pk).update(created_at=datetime(2022, 7, 8, tzinfo=UTC))
    data = csv_bytes([HEADER, row("P2", shape(plot.geometry).representative_point())])
    target = run(data, issued_on=date(2022, 7, 6), due_on=date(2022, 7, 20)).targets.get()
    assert target.links.get(kind=LinkKind.PLOT, plot=plot).known_before is False
    assert not target.locally_known and target.known_note == ""


def test_a_finding_found_before_the_batch_makes_it_known(run):
    finding = Finding.objects.order_by("found_at").first()  # found 2022-06-28
    p = east(shape(finding.geometry).centroid, 20)
    target = run(
        csv_bytes([HEADER, row("F1", p)]), issued_on=date(2022, 7, 6), due_on=date(2022, 7, 20)
    ).targets.get()
    link = target.links.get(kind=LinkKind.FINDING, finding=finding)
    assert link.known_before and 15 < link.distance_m < 25
    assert target.locally_known and "下发前已登记发现点" in target.known_note


def test_an_open_target_of_an_earlier_batch_is_linked(run, make_target, village, inside):
    earlier = make_target(point=inside(village))
    p = east(inside(village), 5)
    target = run(csv_bytes([HEADER, row("N1", p)])).targets.get()
    link = target.links.get(kind=LinkKind.TARGET)
    assert link.other_target == earlier and link.distance_m < 10


def test_a_declared_gcj02_file_is_converted_to_wgs84(run, village, inside):
    true = inside(village)
    shifted = Point(*crs.wgs84_to_gcj02(true.x, true.y))
    target = run(csv_bytes([HEADER, row("G1", shifted)]), crs_name="gcj02").targets.get()
    assert target.batch.source_crs == "gcj02"
    assert crs.haversine_m(target.lon, target.lat, true.x, true.y) < 1
    assert target.unit == village


def test_the_same_file_again_is_recognised_and_creates_nothing(run, village, inside):
    data = csv_bytes([HEADER, row("R1", inside(village)), row("R2", east(inside(village), 300))])
    first = run(data)
    count = Target.objects.count()
    with pytest.raises(services_batches.BatchAlreadyImported) as caught:
        run(data, file_name="核查反馈导出.csv")
    assert caught.value.batch == first
    assert f"已导入的批次「{first.name}」" in caught.value.message
    assert (
        Target.objects.count() == count and TargetBatch.objects.filter(name=first.name).count() == 1
    )


def test_the_same_issuer_and_doc_number_is_recognised(run, village, inside):
    first = run(csv_bytes([HEADER, row("D1", inside(village))]), doc_number="靖禁毒〔2022〕3号")
    with pytest.raises(services_batches.BatchAlreadyImported) as caught:
        run(csv_bytes([HEADER, row("D9", inside(village))]), doc_number="靖禁毒〔2022〕3号")
    assert caught.value.batch == first


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"column_map": {"lon": "经度", "lat": "纬度"}}, "未指定靶点编号列"),
        ({"column_map": {"code": "靶点编号"}}, "经度、纬度列"),
        ({"due_on": date(2000, 1, 1)}, "反馈截止日期不能早于下发日期"),
        ({"name": " "}, "请填写批次名称"),
        ({"issuer_level": "planet"}, "下发层级无法识别"),
    ],
)
def test_refusals_change_nothing(run, village, inside, overrides, message):
    data = csv_bytes([HEADER, row("X1", inside(village))])
    batches, targets, events = (
        TargetBatch.objects.count(),
        Target.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ApplicationError) as caught:
        run(data, **overrides)
    assert message in caught.value.message
    assert TargetBatch.objects.count() == batches and Target.objects.count() == targets
    assert AuditEvent.objects.count() == events


def test_a_file_of_only_bad_rows_is_refused_naming_the_rows(run):
    data = csv_bytes([HEADER, ["", "", "", "102", "25"] + [""] * 5, ["B2", "", "", "abc", "25"]])
    with pytest.raises(ApplicationError) as caught:
        run(data)
    assert "没有可导入的靶点" in caught.value.message
    assert (
        "第2行缺少靶点编号" in caught.value.message and "第3行经度「abc」" in caught.value.message
    )


def test_an_export_listing_only_the_kept_targets_is_recognised(run, village, inside):
    p = inside(village)
    data = csv_bytes([HEADER, row("K1", p), row("K2", east(p, 10)), row("K3", east(p, 500))])
    first = run(data)
    assert first.targets.count() == 2  # K2 merged into K1
    export = csv_bytes([HEADER, row("K1", p), row("K3", east(p, 500))])
    with pytest.raises(services_batches.BatchAlreadyImported) as caught:
        run(export, file_name="核查反馈.csv")
    assert caught.value.batch == first
    partial = csv_bytes([HEADER, row("K1", p), row("K9", east(p, 900))])
    assert run(partial, file_name="另一批.csv", name="另一批").targets.count() == 2


def test_the_upload_route_has_the_target_file_limit(settings, rf):
    from zerocrop.core.upload_limits import limit_for

    settings.ZEROCROP_TARGET_MAX_BYTES = 3 * 1024 * 1024
    limit = limit_for(rf.post("/monitoring/batches/import/"))
    assert limit.files["file"].max_bytes == 3 * 1024 * 1024
