"""The demo's monitoring story: every verification result, its review, the KPIs on the demo date,
the 抽测 design checked in full with its estimate, the pages linking to each other, and a second
load changing nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from zerocrop.demo.campaign import demo_load
from zerocrop.demo.monitoring import DEMO_BATCH_NAME, VERIFICATIONS, demo_monitoring_load
from zerocrop.demo.sampling import (
    DESIGN_NAME,
    FOUND,
    SAMPLE_SIZE,
    SEED,
    TEAM,
    demo_sampling_load,
    found_cells,
)
from zerocrop.findings.models import Finding
from zerocrop.monitoring import indicators
from zerocrop.monitoring.choices import FalseReason, PhotoRole, TargetStatus, VerifyResult
from zerocrop.monitoring.models import Target
from zerocrop.monitoring.sampling_models import SampleCellResult, SampleDesign
from zerocrop.monitoring.selectors_sampling import design_estimate
from zerocrop.org.models import Person, User
from zerocrop.patrols.models import TaskCell

LOCAL = ZoneInfo("Asia/Shanghai")
ISSUED = date(2022, 7, 6)


@pytest.fixture
def demo_day(settings):
    settings.ZEROCROP_TODAY = "2022-07-10"


@pytest.fixture
def targets(demo_campaign) -> dict[str, Target]:
    return {
        t.code: t
        for t in Target.objects.filter(batch__name=DEMO_BATCH_NAME).select_related(
            "unit", "finding", "duplicate_of", "reviewed_by", "submitted_by"
        )
    }


@pytest.fixture
def design(demo_campaign) -> SampleDesign:
    return SampleDesign.objects.select_related("frame", "survey_round").get(
        frame__campaign=demo_campaign, name=DESIGN_NAME
    )


# --------------------------------------------------------------------------- targets


def test_every_target_is_assigned_to_two_of_its_villages_people(targets):
    for target in targets.values():
        people = list(target.assignees.all())
        assert len(people) == 2, target.code
        assert all(p.unit_id == target.unit_id for p in people), target.code
    mine = {p.name for p in targets["WSQ22-0304"].assignees.all()}
    cadre, grid = (User.objects.get(username=u).person.name for u in ("cadre", "grid"))
    assert mine == {cadre, grid}


def test_the_village_cadre_sees_their_target_with_its_reminder(login_as, demo_day, targets):
    assert targets["WSQ22-0304"].due_on == date(2022, 7, 12)
    for username in ("cadre", "grid"):
        body = login_as(username).get(reverse("my-tasks")).content.decode()
        assert "WSQ22-0304" in body and "还剩 2 天截止" in body, username


def test_the_story_leaves_each_target_where_the_demo_says(targets):
    statuses = {code: t.status for code, t in targets.items()}
    assert statuses == {
        "WSQ22-0301": TargetStatus.APPROVED,
        "WSQ22-0302": TargetStatus.PENDING,
        "WSQ22-0303": TargetStatus.APPROVED,
        "WSQ22-0304": TargetStatus.PENDING,
        "WSQ22-0306": TargetStatus.APPROVED,
        "WSQ22-0307": TargetStatus.PENDING,
        "WSQ22-0308": TargetStatus.PENDING,
        "WSQ22-0309": TargetStatus.APPROVED,
        "WSQ22-0310": TargetStatus.APPROVED,
        "WSQ22-0311": TargetStatus.SUBMITTED,
        "WSQ22-0312": TargetStatus.RETURNED,
    }
    results = {(t.result, t.reason) for t in targets.values() if t.result}
    assert results >= {
        (VerifyResult.TRUE, ""),
        (VerifyResult.FALSE, FalseReason.LAWN),
        (VerifyResult.FALSE, FalseReason.ORNAMENTAL),
        (VerifyResult.UNREACHABLE, ""),
        (VerifyResult.DUPLICATE, ""),
    }
    for target in targets.values():
        if target.result:
            assert datetime(2022, 7, 7, tzinfo=LOCAL) <= target.verified_at
            assert target.verified_at < datetime(2022, 7, 11, tzinfo=LOCAL)


def test_true_links_the_known_finding_or_records_the_local_miss(targets):
    known = targets["WSQ22-0301"]
    assert known.locally_known and known.finding is not None
    assert known.finding.found_at < datetime(2022, 7, 6, tzinfo=LOCAL)  # the 王窑湾村 finding
    assert known.finding.unit.name == "王窑湾村" and known.finding.source != "target"
    missed = targets["WSQ22-0306"]
    assert not missed.locally_known
    finding = missed.finding
    assert finding.source == "target" and finding.source_ref == "WSQ22-0306"
    assert (finding.plant_count, finding.area_m2) == (48, 30.0)
    assert not finding.known_locally and finding.unit == missed.unit
    assert missed.police_present


def test_the_other_results_carry_their_reason_or_link(targets):
    assert targets["WSQ22-0303"].duplicate_of == targets["WSQ22-0301"]
    unreachable = targets["WSQ22-0310"]
    assert "涨水" in unreachable.reason_text and unreachable.distance_m > 500
    assert unreachable.photos.count() == 1
    returned = targets["WSQ22-0312"]
    assert "补拍特征照片" in returned.return_reason and returned.reviewed_by is not None


def test_reviews_are_by_someone_who_neither_verified_nor_submitted(targets):
    reviewed = [t for t in targets.values() if t.reviewed_by_id]
    assert len(reviewed) == 6  # five approved, one returned
    for target in reviewed:
        verifiers = set(target.verifiers.values_list("pk", flat=True))
        assert target.reviewed_by.person_id not in verifiers
        assert target.reviewed_by != target.submitted_by
    assert targets["WSQ22-0311"].reviewed_by is None


def test_the_photos_are_distinct_jpegs_placed_near_the_target(targets):
    digests = set()
    for target in (t for t in targets.values() if t.result):
        photos = list(target.photos.select_related("evidence").order_by("seq"))
        if target.result != VerifyResult.UNREACHABLE:
            assert [p.role for p in photos] == [PhotoRole.FAR, PhotoRole.NEAR, PhotoRole.FEATURE]
        for photo in photos:
            assert photo.evidence.original_name == f"{target.code}_{photo.seq}.jpg"
            digests.add(photo.evidence.sha256)
            # Read from the JPEG's own EXIF by the service (the demo passes no position).
            assert photo.claimed_lon is not None and photo.claimed_lat is not None
            assert timezone.localtime(photo.taken_at).date() == timezone.localdate(
                target.verified_at
            )
        if target.arrival_source == "photo":
            assert target.arrival_lon == pytest.approx(photos[0].claimed_lon)
            assert target.distance_m < 20
    verified = [t for t in targets.values() if t.result]
    assert len(digests) == sum(t.photos.count() for t in verified)


def test_the_kpis_on_the_demo_date_are_the_hand_computed_ones(demo_campaign, demo_day):
    admin = User.objects.get(username="admin")
    # Verified (submitted or approved): 0301, 0303 (07-07), 0306, 0309 (07-08), 0310 (07-09),
    # 0311 (07-10); 0312 was sent back, so it is not. Issued: 11 (12 rows, one merged).
    days = {"WSQ22-0301": 1, "WSQ22-0303": 1, "WSQ22-0306": 2, "WSQ22-0309": 2}
    days |= {"WSQ22-0310": 3, "WSQ22-0311": 4}
    verified = len(days)
    assert sum(1 for s in VERIFICATIONS if s.review != "return") == verified

    def value(fn):
        ratio = fn(campaign=demo_campaign, user=admin)
        return ratio.numerator, ratio.denominator

    assert value(indicators.verify_rate) == (verified, 11)
    # Decided = verified − 无法到达 (0310) − 重复 (0303); true = 0301, 0306.
    assert value(indicators.true_rate) == (2, verified - 2)
    # Of the two true ones only 0301 was in the town's records before 2022-07-06.
    assert value(indicators.known_rate) == (1, 2)
    assert value(indicators.mean_days) == (sum(days.values()), verified)
    assert value(indicators.overdue) == (1, 11)  # WSQ22-0307, due 2022-07-08


# --------------------------------------------------------------------------- sampling


def test_the_design_is_drawn_locked_and_checked_by_an_independent_team(design):
    assert design.is_locked and design.seed == SEED and design.n == SAMPLE_SIZE
    assert design.frame.cell_size_m == 200 and not design.frame.whole_town
    assert {z.kind for z in design.frame.zones.all()} == {"potential"}
    assert sum(design.allocation.values()) == SAMPLE_SIZE
    assert all(n >= 2 for n in design.allocation.values())
    survey_round = design.survey_round
    assert (survey_round.starts_on, survey_round.ends_on) == (date(2022, 6, 20), date(2022, 7, 31))
    team = [Person.objects.get(name=n, unit__name=u) for n, u in TEAM]
    tasks = TaskCell.objects.filter(round=survey_round)
    assert tasks.count() == SAMPLE_SIZE
    for task in tasks:
        assert set(task.assignees.all()) == set(team)
    assert not TaskCell.objects.filter(assignees__in=team).exclude(round=survey_round).exists()


def test_every_drawn_cell_has_its_result_and_the_estimate_is_the_hand_computed_one(design):
    results = SampleCellResult.objects.filter(design=design).select_related("cell")
    assert results.count() == SAMPLE_SIZE
    nonzero = {r.cell.code: (r.area_m2, r.plants) for r in results if r.plants}
    assert nonzero == {c.code: found for c, found in zip(found_cells(design), FOUND, strict=True)}
    estimate = design_estimate(design=design)
    # Ŷ = Σ N_h ȳ_h: only the 潜在 stratum found anything.
    n_h, big_n = design.allocation["潜在"], design.frame.strata_sizes["潜在"]
    area = big_n * sum(a for a, _ in FOUND) / n_h
    plants = big_n * sum(p for _, p in FOUND) / n_h
    assert estimate.area_m2.estimate == pytest.approx(area)
    assert estimate.plants.estimate == pytest.approx(plants)
    low, high = estimate.plants.ci95
    assert low < plants < high and estimate.upper_bound_if_zero is None


def test_the_cells_with_planting_were_recorded_as_findings(design):
    for cell, (area, plants) in zip(found_cells(design), FOUND, strict=True):
        finding = Finding.objects.get(source_ref=f"抽测{cell.code}")
        assert (finding.area_m2, finding.plant_count) == (area, plants)
        assert finding.unit == cell.unit and finding.campaign == design.frame.campaign


def test_the_estimate_page_shows_the_interval_next_to_the_census(login_as, design):
    page = login_as("admin").get(reverse("sampling-estimate", args=[design.pk])).content.decode()
    assert 'data-testid="estimate-plants-ci"' in page and "由抽样推算" in page
    assert 'data-testid="census-card"' in page


# --------------------------------------------------------------------------- pages and reload


def test_the_batch_target_and_finding_pages_link_to_each_other(login_as, targets):
    client = login_as("admin")
    missed = targets["WSQ22-0306"]
    batch_page = client.get(reverse("batch-detail", args=[missed.batch_id])).content.decode()
    for target in targets.values():
        assert reverse("target-detail", args=[target.pk]) in batch_page, target.code
    for code, target in targets.items():
        page = client.get(reverse("target-detail", args=[target.pk])).content.decode()
        assert reverse("batch-detail", args=[target.batch_id]) in page, code
        if target.finding_id:
            assert reverse("finding-detail", args=[target.finding_id]) in page, code
    duplicate = client.get(reverse("target-detail", args=[targets["WSQ22-0303"].pk])).content
    assert reverse("target-detail", args=[targets["WSQ22-0301"].pk]) in duplicate.decode()
    finding = client.get(reverse("finding-detail", args=[missed.finding_id]))
    assert finding.status_code == 200 and "WSQ22-0306" in finding.content.decode()


def test_the_design_page_links_to_its_round_and_its_estimate(login_as, design):
    client = login_as("admin")
    page = client.get(reverse("sampling-detail", args=[design.pk])).content.decode()
    assert reverse("round-detail", args=[design.survey_round_id]) in page
    assert reverse("sampling-estimate", args=[design.pk]) in page
    listed = client.get(reverse("sampling-list")).content.decode()
    assert reverse("sampling-detail", args=[design.pk]) in listed
    # Both planted cells' findings were recorded: the page links them instead of asking.
    assert page.count('data-testid="finding-recorded"') == 2
    assert 'data-testid="finding-needed"' not in page


def _state() -> dict[str, object]:
    return {
        "targets": sorted(
            Target.objects.values_list("code", "status", "result", "reviewed_at", "verified_at")
        ),
        "findings": Finding.objects.count(),
        "designs": list(SampleDesign.objects.values_list("pk", "seed", "locked_at")),
        "results": SampleCellResult.objects.count(),
        "tasks": TaskCell.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing(demo_campaign):
    before = _state()
    admin = User.objects.get(username="admin")
    _, created = demo_load()
    demo_monitoring_load(town=demo_campaign.unit, campaign=demo_campaign, actor=admin)
    demo_sampling_load(campaign=demo_campaign, actor=admin)
    assert not created and _state() == before
