from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from shapely.geometry import mapping, shape

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.models import AuditEvent
from zerocrop.findings import selectors, services
from zerocrop.findings.choices import FindingStatus
from zerocrop.findings.models import Finding, FindingPhoto
from zerocrop.findings.states import State
from zerocrop.geo.models import Plot
from zerocrop.org.models import AdminUnit

from .conftest import ago


def test_a_recorded_finding_keeps_its_facts_photo_plot_and_audit(record, village, cadre) -> None:
    plot = Plot.objects.filter(unit=village, voided_at__isnull=True).first()
    finding = record(geometry=mapping(shape(plot.geometry).representative_point()))
    assert finding.plot == plot
    assert finding.status == FindingStatus.OPEN
    assert finding.found_by.get() == cadre.person
    photo = FindingPhoto.objects.get(finding=finding)
    assert photo.phase == "found" and photo.evidence.kind == EvidenceKind.FINDING_PHOTO
    assert len(photo.evidence.sha256) == 64
    event = AuditEvent.objects.get(object_type="findings.finding", object_id=str(finding.pk))
    assert event.action == "create" and event.after["plant_count"] == 12


def test_gcj02_input_is_stored_as_wgs84_with_its_crs(record, village, point_in) -> None:
    wgs = shape(point_in(village))
    from zerocrop.geo.crs import wgs84_to_gcj02

    gcj = wgs84_to_gcj02(wgs.x, wgs.y)
    finding = record(geometry={"type": "Point", "coordinates": list(gcj)}, source_crs="gcj02")
    assert finding.source_crs == "gcj02"
    assert finding.lon == pytest.approx(wgs.x, abs=1e-5)
    assert finding.lat == pytest.approx(wgs.y, abs=1e-5)


def test_a_sampled_count_is_density_times_area_with_quadrats_kept(record) -> None:
    finding = record(
        counting_method="sampled",
        plant_count=None,
        area_m2=30,
        quadrats=[{"area_m2": 1, "plants": 35}, {"area_m2": 1, "plants": 25}],
    )
    assert finding.plant_count == 900
    assert finding.quadrats == [{"area_m2": 1.0, "plants": 35}, {"area_m2": 1.0, "plants": 25}]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"species": "other"}, "species_name", "请填写名称"),
        ({"found_by": []}, "found_by", "请填写发现人"),
        ({"found_at": timezone.now() + timedelta(hours=2)}, "found_at", "不能晚于现在"),
        ({"plant_count": None}, "plant_count", "请填写株数"),
        ({"plant_count": 0}, "plant_count", "至少为 1"),
        ({"geometry": {"type": "Point", "coordinates": [2.35, 48.85]}}, "location", "不在中国境内"),
        (
            {"geometry": {"type": "LineString", "coordinates": [[108, 37], [108.1, 37]]}},
            "location",
            "点或一个面",
        ),
        ({"stage": "ripe"}, "stage", "无法识别"),
        ({"sprouted": False, "plant_count": 0}, "area_m2", "请填写种植面积"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    record, overrides, field, message
) -> None:
    before = (Finding.objects.count(), FindingPhoto.objects.count())
    with pytest.raises(ApplicationError, match=message) as caught:
        record(**overrides)
    assert caught.value.field == field
    assert (Finding.objects.count(), FindingPhoto.objects.count()) == before


def test_a_location_in_another_village_is_refused(record, point_in) -> None:
    other = AdminUnit.objects.get(name="排子湾村")
    with pytest.raises(ApplicationError, match="不在毛布拉格村的边界内"):
        record(geometry=point_in(other))


def test_a_bad_photo_leaves_no_finding(record) -> None:
    before = Finding.objects.count()
    with pytest.raises(ApplicationError, match="不是 JPG 或 PNG"):
        record(photos=[("现场.jpg", b"%PDF-1.4 not a photo")])
    assert Finding.objects.count() == before


def test_who_may_record_and_who_may_fill_police_fields(record, user_named, village) -> None:
    with pytest.raises(NotPermitted):
        record(actor=user_named("leader"))
    with pytest.raises(NotPermitted):
        record(actor=user_named("cadre2"))  # another village
    with pytest.raises(NotPermitted, match="只能由民警或镇管理员填写"):
        record(grower_unowned=True)
    police = user_named("police")
    with pytest.raises(NotPermitted):
        record(actor=police, grower_unowned=True)  # police may not record, only add their facts
    finding = record(actor=user_named("grid"))
    services.finding_update(
        finding=finding,
        changes={"grower_unowned": True, "prior_handling": "2021年批评教育"},
        actor=police,
    )
    finding.refresh_from_db()
    assert finding.grower_unowned and finding.prior_handling == "2021年批评教育"
    with pytest.raises(NotPermitted):
        services.finding_update(
            finding=finding, changes={"prior_handling": "改"}, actor=user_named("cadre")
        )


def test_eradication_needs_a_village_cadre_witness_and_both_photo_sets(
    record, eradicate, grid_person, cadre_person
) -> None:
    finding = record()
    with pytest.raises(ApplicationError, match="至少要有一名村干部") as caught:
        eradicate(finding, witnesses=[grid_person])
    assert caught.value.field == "witnesses"
    with pytest.raises(ApplicationError, match="铲除前照片"):
        eradicate(finding, before_photos=[])
    with pytest.raises(ApplicationError, match="铲除后照片"):
        eradicate(finding, after_photos=[])
    with pytest.raises(ApplicationError, match="早于发现时间"):
        eradicate(finding, done_at=finding.found_at - timedelta(hours=1))
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.eradications.exists()
    eradication = eradicate(finding, witnesses=[grid_person, cadre_person])
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ERADICATED
    assert {p.phase for p in eradication.photos.all()} == {"before", "after"}
    with pytest.raises(ApplicationError, match="已铲除"):
        eradicate(finding)
    assert AuditEvent.objects.filter(object_id=str(finding.pk), action="eradicate").exists()


def test_recheck_closes_or_reopens_on_regrowth(record, eradicate, cadre, photo) -> None:
    finding = record()
    with pytest.raises(ApplicationError, match="尚未铲除"):
        services.finding_recheck(
            finding=finding,
            done_at=ago(minutes=5),
            done_by=[cadre.person],
            photos=[photo()],
            actor=cadre,
        )
    eradicate(finding)
    with pytest.raises(ApplicationError, match="请上传复查照片"):
        services.finding_recheck(
            finding=finding, done_at=ago(minutes=5), done_by=[cadre.person], photos=[], actor=cadre
        )
    with pytest.raises(ApplicationError, match="再生株数"):
        services.finding_recheck(
            finding=finding,
            done_at=ago(minutes=5),
            done_by=[cadre.person],
            photos=[photo()],
            regrowth=True,
            actor=cadre,
        )
    services.finding_recheck(
        finding=finding,
        done_at=ago(minutes=5),
        done_by=[cadre.person],
        photos=[photo()],
        regrowth=True,
        regrowth_plants=3,
        actor=cadre,
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN  # regrowth waits for eradication again
    eradicate(finding, done_at=ago(minutes=2), plants_destroyed=3)
    services.finding_recheck(
        finding=finding,
        done_at=ago(minutes=1),
        done_by=[cadre.person],
        photos=[photo()],
        actor=cadre,
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECHECKED
    assert finding.rechecks.count() == 2


def test_states_follow_the_configured_days(record, eradicate, settings) -> None:
    settings.ZEROCROP_ERADICATE_DAYS = 3
    settings.ZEROCROP_RECHECK_DAYS = 7
    today = timezone.localdate()
    fresh = record(found_at=ago(days=3))
    late = record(found_at=ago(days=5))
    done = record(found_at=ago(days=10))
    eradicate(done, done_at=ago(days=8))
    recent = record(found_at=ago(days=2))
    eradicate(recent, done_at=ago(days=1))
    states = {
        f: selectors.finding_state(Finding.objects.get(pk=f.pk), today=today)
        for f in (fresh, late, done, recent)
    }
    assert states == {
        fresh: State.OPEN,
        late: State.OVERDUE,
        done: State.RECHECK_DUE,
        recent: State.ERADICATED,
    }
    for finding, state in states.items():
        listed = selectors.finding_list(user=finding.created_by, state=state.value, today=today)
        assert finding in listed
    settings.ZEROCROP_ERADICATE_DAYS = 10
    assert selectors.finding_state(Finding.objects.get(pk=late.pk), today=today) == State.OPEN


def test_void_needs_a_reason_and_hides_the_finding(record, cadre) -> None:
    finding = record()
    with pytest.raises(ApplicationError, match="作废必须填写原因"):
        services.finding_void(finding=finding, reason=" ", actor=cadre)
    services.finding_void(finding=finding, reason="误报：为观赏虞美人", actor=cadre)
    assert finding not in selectors.finding_list(user=cadre)
    assert finding in selectors.finding_list(user=cadre, include_void=True)
