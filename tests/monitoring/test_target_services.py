"""Verification of targets on the ground: every result and reason, the proof, the review."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from shapely.geometry import Point, box

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.models import AuditEvent
from zerocrop.findings import discovery
from zerocrop.findings.choices import FindingSource
from zerocrop.findings.models import Finding, FindingPhoto
from zerocrop.findings.selectors import discovery_total
from zerocrop.geo.geometry import located_fields
from zerocrop.monitoring import services_targets as svc
from zerocrop.monitoring.models import Target, TargetLink, TargetPhoto
from zerocrop.org.models import AdminUnit, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cadre_person, grid_person) -> list[Person]:
    return [cadre_person, grid_person]


@pytest.fixture
def record_finding(village, inside, cadre, photo):
    from zerocrop.findings.services import finding_record

    def make() -> Finding:
        return finding_record(
            unit=village,
            geometry=inside(village),
            species="poppy",
            stage="flowering",
            setting="courtyard",
            source="patrol",
            found_at=_ago(days=1),
            found_by=[cadre.person],
            plant_count=12,
            photos=[photo()],
            actor=cadre,
        )

    return make


@pytest.fixture
def three(photo):
    def make(roles: tuple[str, ...] = ("far", "near", "feature")) -> list[tuple[str, str, bytes]]:
        return [(role, *photo(f"{role}.jpg")) for role in roles]

    return make


def _ago(**delta: float) -> Any:
    from django.utils import timezone

    return timezone.now().replace(microsecond=0) - timedelta(**delta)


def _verify(target: Target, actor: Any, people: list[Person], photos: list, **overrides: Any):
    kwargs: dict[str, Any] = {
        "target": target,
        "result": "false",
        "reason": "lawn",
        "verifiers": people,
        "verified_at": _ago(hours=1),
        "arrival_lon": target.lon,
        "arrival_lat": target.lat,
        "arrival_source": "phone",
        "arrival_accuracy_m": 8,
        "photos": photos,
        "actor": actor,
    }
    kwargs.update(overrides)
    return svc.target_verify(**kwargs)


def _true(**extra: Any) -> dict[str, Any]:
    return {
        "result": "true",
        "reason": "",
        "plant_count": 120,
        "found_area_m2": 35.0,
        "species": "poppy",
        "stage": "flowering",
        "setting": "courtyard",
        **extra,
    }


def test_true_creates_a_finding_with_the_same_photos(make_target, cadre, people, three):
    target = make_target()
    done = _verify(target, cadre, people, three(), **_true())
    assert done.status == "submitted" and done.result == "true"
    finding = done.finding
    assert finding is not None
    assert finding.source == FindingSource.TARGET and finding.source_ref == target.code
    assert finding.plant_count == 120 and finding.area_m2 == 35.0
    assert finding.campaign == target.batch.campaign
    assert set(finding.found_by.all()) == set(people)
    assert not finding.known_locally
    target_files = set(done.photos.values_list("evidence", flat=True))
    assert set(FindingPhoto.objects.filter(finding=finding).values_list("evidence", flat=True)) == (
        target_files
    )
    assert list(done.photos.values_list("seq", "role")) == [
        (1, "far"),
        (2, "near"),
        (3, "feature"),
    ]
    assert done.photos.first().evidence.original_name == f"{target.code}_1.jpg"
    assert done.distance_m == 0.0
    assert set(done.verifiers.all()) == set(people)
    assert AuditEvent.objects.filter(action="verify", object_id=str(target.pk)).exists()


def test_true_on_a_locally_known_site_links_that_finding(
    make_target, cadre, people, three, record_finding
):
    known = record_finding()
    target = make_target(locally_known=True)
    TargetLink.objects.create(
        target=target, kind="finding", finding=known, distance_m=12, known_before=True
    )
    before = Finding.objects.count()
    # The known finding's species and stage stand: the form need not repeat them.
    done = _verify(target, cadre, people, three(), **_true(species="", stage="", setting=""))
    assert done.finding == known
    assert Finding.objects.count() == before


def test_true_on_a_locally_known_target_creating_a_finding_is_no_local_miss(
    make_target, cadre, people, three, demo_campaign
):
    known = make_target(locally_known=True)
    missed = make_target()
    before = discovery_total(user=cadre, campaign=demo_campaign)
    a = _verify(known, cadre, people, three(), **_true(link_known=False)).finding
    b = _verify(missed, cadre, people, three(), **_true()).finding
    assert a.known_locally and not b.known_locally
    after = discovery_total(user=cadre, campaign=demo_campaign)
    assert after.sites == before.sites + 2
    assert after.local_misses == before.local_misses + 1  # only the one not known locally
    assert discovery.first_finder("target", True) == discovery.KNOWN_LOCALLY
    assert discovery.first_finder("patrol", True) == "patrol"


def test_self_removed_records_a_self_removed_finding(make_target, cadre, people, three):
    done = _verify(make_target(), cadre, people, three(), **_true(result="self_removed"))
    assert done.result == "self_removed" and done.finding.self_removed


@pytest.mark.parametrize("reason", ["lawn", "bare", "ornamental", "wild_poppy", "roof", "shadow"])
def test_false_per_coded_reason(make_target, cadre, people, three, reason):
    before = Finding.objects.count()
    done = _verify(make_target(), cadre, people, three(), reason=reason)
    assert (done.result, done.reason, done.finding) == ("false", reason, None)
    assert Finding.objects.count() == before


def test_false_other_needs_text(make_target, cadre, people, three):
    target = make_target()
    with pytest.raises(ApplicationError) as exc:
        _verify(target, cadre, people, three(), reason="other")
    assert exc.value.field == "reason_text"
    done = _verify(target, cadre, people, three(), reason="other", reason_text="晾晒的红辣椒")
    assert done.reason_text == "晾晒的红辣椒"


def test_unreachable_needs_a_reason_not_the_full_photo_set(make_target, cadre, people, three):
    target = make_target()
    with pytest.raises(ApplicationError) as exc:
        _verify(target, cadre, people, three(("far",)), result="unreachable", reason="")
    assert exc.value.field == "reason_text"
    done = _verify(
        target,
        cadre,
        people,
        three(("far",)),
        result="unreachable",
        reason="",
        reason_text="山洪冲断便道",
        arrival_source="",
        arrival_lon=None,
        arrival_lat=None,
    )
    assert done.result == "unreachable" and done.distance_m is None


def test_duplicate_links_another_target_of_the_same_town(make_target, cadre, people, three):
    first, second = make_target(), make_target()
    with pytest.raises(ApplicationError) as exc:
        _verify(second, cadre, people, three(), result="duplicate", reason="")
    assert exc.value.field == "duplicate_of"
    with pytest.raises(ApplicationError):
        _verify(second, cadre, people, three(), result="duplicate", reason="", duplicate_of=second)
    done = _verify(
        second, cadre, people, three(), result="duplicate", reason="", duplicate_of=first
    )
    assert done.duplicate_of == first and first.duplicates.get() == second


def _unchanged(target: Target) -> None:
    target.refresh_from_db()
    assert target.status == "pending" and target.result == "" and target.verified_at is None
    assert not TargetPhoto.objects.filter(target=target).exists()
    assert not target.verifiers.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"verifiers": "one"}, "verifiers"),
        ({"photos": "two"}, "photos"),
        ({"photos": "no_feature"}, "photos"),
        ({"verified_at": "future"}, "verified_at"),
        ({"reason": ""}, "reason"),
        ({"result": "maybe"}, "result"),
        ({"arrival_source": "", "arrival_lon": None, "arrival_lat": None}, "arrival_source"),
        ({"arrival_source": "photo", "arrival_lon": None, "arrival_lat": None}, "arrival_source"),
        ({**_true(), "plant_count": None}, "plant_count"),
        ({**_true(), "species": "rose"}, "species"),
    ],
)
def test_refusals_change_nothing(make_target, cadre, people, three, overrides, field):
    target = make_target()
    findings = Finding.objects.count()
    values = dict(overrides)
    if values.get("verifiers") == "one":
        values["verifiers"] = people[:1] * 2  # the same person twice is one person
    if values.get("photos") == "two":
        values["photos"] = three(("far", "near"))
    elif values.get("photos") == "no_feature":
        values["photos"] = three(("far", "near", "other"))
    if values.get("verified_at") == "future":
        values["verified_at"] = _ago(hours=-2)
    photos = values.pop("photos", None) or three()
    with pytest.raises(ApplicationError) as exc:
        _verify(target, cadre, people, photos, **values)
    assert exc.value.field == field
    _unchanged(target)
    assert Finding.objects.count() == findings


def test_the_same_photo_twice_is_refused(make_target, cadre, people, photo):
    target = make_target()
    _, same = photo()
    photos = [("far", "a.jpg", same), ("near", "b.jpg", same), ("feature", "c.jpg", photo()[1])]
    with pytest.raises(ApplicationError) as exc:
        _verify(target, cadre, people, photos)
    assert exc.value.field == "photos"
    _unchanged(target)


def test_wrong_status_and_wrong_role_are_refused(make_target, cadre, people, three, user_named):
    target = make_target()
    with pytest.raises(NotPermitted):
        _verify(target, user_named("leader"), people, three())
    _unchanged(target)
    _verify(target, cadre, people, three())
    with pytest.raises(ApplicationError) as exc:
        _verify(target, cadre, people, three())
    assert "不能再次提交" in exc.value.message


def test_distance_from_a_point_and_zero_inside_a_polygon(make_target, cadre, people, three):
    target = make_target()
    east = Point(target.lon + 0.001, target.lat)  # ~88 m east at latitude 38
    done = _verify(target, cadre, people, three(), arrival_lon=east.x, arrival_lat=east.y)
    assert 80 < done.distance_m < 95
    centre = Point(target.lon, target.lat)
    square = box(centre.x - 0.0005, centre.y - 0.0005, centre.x + 0.0005, centre.y + 0.0005)
    polygon = make_target(point=centre, **located_fields(square))
    inside = _verify(polygon, cadre, people, three(), arrival_lon=centre.x + 0.0002)
    assert inside.distance_m == 0.0
    outside = _verify(
        make_target(point=centre, **located_fields(square)),
        cadre,
        people,
        three(),
        arrival_lon=centre.x + 0.0015,
    )
    assert 80 < outside.distance_m < 95  # 0.001° from the polygon's edge


def _gps_jpeg(lon: float, lat: float) -> bytes:
    image = Image.new("RGB", (20, 20), (200, 10, 10))
    exif = image.getexif()
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple:
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60, 4)
        return (d, m, s)

    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_arrival_from_the_first_photo_with_a_position(make_target, cadre, people, three):
    target = make_target()
    photos = three()
    photos.insert(1, ("other", "gps.jpg", _gps_jpeg(target.lon + 0.001, target.lat)))
    done = _verify(
        target, cadre, people, photos, arrival_source="photo", arrival_lon=None, arrival_lat=None
    )
    assert done.arrival_source == "photo"
    assert done.arrival_lon == pytest.approx(target.lon + 0.001, abs=1e-5)
    assert 80 < done.distance_m < 95
    assert done.photos.get(seq=2).claimed_lon == pytest.approx(target.lon + 0.001, abs=1e-5)


def test_review_approve_send_back_and_reverify(make_target, cadre, people, three, user_named):
    admin = user_named("admin")
    target = make_target()
    done = _verify(target, admin, people, three(), **_true())
    first_finding = done.finding
    # The submitter may not review; a verifier may not either.
    with pytest.raises(ApplicationError):
        svc.target_review(target=target, approve=True, actor=admin)
    with pytest.raises(ApplicationError):
        svc.target_review(target=target, approve=True, actor=cadre)
    other = user_named("cadre")
    # Sending back needs a reason.
    reviewer = _reviewer(target)
    with pytest.raises(ApplicationError) as exc:
        svc.target_review(target=target, approve=False, actor=reviewer)
    assert exc.value.field == "reason"
    back = svc.target_review(target=target, approve=False, reason="照片不清晰", actor=reviewer)
    assert (back.status, back.return_reason) == ("returned", "照片不清晰")
    again = _verify(target, admin, people, three(), reason="shadow")
    assert again.status == "submitted" and again.result == "false" and again.finding is None
    first_finding.refresh_from_db()
    assert first_finding.is_void  # the earlier submission's finding, voided with a reason
    assert again.photos.count() == 3
    events = AuditEvent.objects.filter(object_id=str(target.pk), action="verify").order_by("seq")
    assert [e.after["result"] for e in events] == ["true", "false"]  # the history is kept
    assert events[1].before["result"] == "true"
    ok = svc.target_review(target=target, approve=True, actor=reviewer)
    assert ok.status == "approved" and ok.reviewed_by == reviewer and ok.reviewed_at
    assert other.pk != reviewer.pk
    with pytest.raises(ApplicationError):
        svc.target_review(target=target, approve=True, actor=reviewer)


def _reviewer(target: Target):
    """A village cadre of the target's village who is not a verifier: a new account."""
    from zerocrop.org.choices import Role
    from zerocrop.org.services import user_create

    person = Person.objects.create(name="审核员甲", unit=target.unit)
    return user_create(
        username="reviewer1",
        password="zerocrop-demo-1",
        role=Role.VILLAGE_CADRE,
        unit=target.unit,
        person=person,
    )


def test_assign_checks_the_unit(make_target, user_named, cadre_person):
    admin = user_named("admin")
    target = make_target()
    other_village = AdminUnit.objects.get(name="排子湾村")
    stranger = Person.objects.create(name="外村人", unit=other_village)
    with pytest.raises(ApplicationError) as exc:
        svc.targets_assign(targets=[target], persons=[cadre_person, stranger], actor=admin)
    assert "外村人" in exc.value.message
    assert not target.assignees.exists()
    town_person = user_named("admin").person
    assert svc.targets_assign(targets=[target], persons=[cadre_person, town_person], actor=admin)
    assert set(target.assignees.all()) == {cadre_person, town_person}
    with pytest.raises(NotPermitted):
        svc.targets_assign(targets=[target], persons=[cadre_person], actor=user_named("grid"))
    svc.targets_unassign(targets=[target], persons=[town_person], actor=admin)
    assert list(target.assignees.all()) == [cadre_person]
    assert AuditEvent.objects.filter(action="assign", object_id=str(target.pk)).exists()


def test_police_verify_true_creates_the_finding(make_target, user_named, people, three):
    done = _verify(
        make_target(), user_named("police"), people, three(), police_present=True, **_true()
    )
    assert done.finding is not None and done.police_present
