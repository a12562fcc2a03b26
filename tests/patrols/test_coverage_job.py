"""Coverage after a patrol upload runs as a job, outside the upload's write transaction."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from shapely.geometry import shape

from zerocrop.core import jobs
from zerocrop.core.jobs import UNEXPECTED_FAILURE, job_run
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.org.models import Person
from zerocrop.patrols import services
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord, TaskCell
from zerocrop.patrols.selectors import patrol_coverage_job
from zerocrop.patrols.services import (
    RECOMPUTE_COVERAGE,
    bbox_pad_deg,
    cells_assign,
    patrol_record_create,
    round_create,
    round_recompute_coverage,
)
from zerocrop.patrols.tracks import Fix

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(demo_campaign, village):
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    today = timezone.localdate()
    return round_create(
        campaign=demo_campaign,
        window=window,
        name="覆盖任务测试",
        units=[village],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )


@pytest.fixture
def walker():
    return [Person.objects.get(name="高志刚")]


def _walk(survey_round, village, walker, tracks):
    now = timezone.now()
    return patrol_record_create(
        survey_round=survey_round,
        unit=village,
        people=walker,
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        tracks=tracks,
    )


def _big_cell(survey_round, village) -> TaskCell:
    return survey_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()


def test_upload_enqueues_a_job_that_surveys_the_walked_cell(
    survey_round, village, walker, sweep_track
) -> None:
    cell = _big_cell(survey_round, village)
    cells_assign(cells=[cell], people=walker)
    record = _walk(survey_round, village, walker, [sweep_track(cell.geometry)])
    job = patrol_coverage_job(record=record)
    assert job is not None and job.kind == RECOMPUTE_COVERAGE
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.result == {"newly_surveyed": 1} and job.unit == village
    assert job.params["round"] == str(survey_round.pk)
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED


def test_no_write_transaction_is_held_while_coverage_is_computed(
    survey_round, village, walker, sweep_track, monkeypatch
) -> None:
    """The computation starts after the upload committed and runs in no transaction of ours."""
    cell = _big_cell(survey_round, village)
    events: list[str] = []
    real = services.compute_coverage

    def spy(*args, **kwargs):
        # Only the test's own wrapping transaction may be open: not the upload's, not the job's.
        assert all(block._from_testcase for block in connection.atomic_blocks)
        events.append("compute")
        return real(*args, **kwargs)

    real_write = services._write_coverage

    def write_spy(**kwargs):
        events.append("write")
        return real_write(**kwargs)

    monkeypatch.setattr(services, "compute_coverage", spy)
    monkeypatch.setattr(services, "_write_coverage", write_spy)
    record = _walk(survey_round, village, walker, [sweep_track(cell.geometry)])
    assert events == ["compute", "write"]
    assert PatrolRecord.objects.filter(pk=record.pk).exists()


def test_a_failing_job_records_its_message_and_keeps_the_record(
    survey_round, village, walker, sweep_track, monkeypatch
) -> None:
    cell = _big_cell(survey_round, village)

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(services, "compute_coverage", broken)
    record = _walk(survey_round, village, walker, [sweep_track(cell.geometry)])
    job = patrol_coverage_job(record=record)
    assert job.status == JobStatus.FAILED and job.error == UNEXPECTED_FAILURE
    assert PatrolRecord.objects.filter(pk=record.pk).exists()
    cell.refresh_from_db()
    assert cell.covered_fraction == 0 and cell.state != CellState.SURVEYED


def test_a_job_for_a_deleted_round_fails_with_a_chinese_message(demo_campaign) -> None:
    job = Job.objects.create(kind=RECOMPUTE_COVERAGE, params={"round": "0" * 32})
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "踏查轮次已不存在" in job.error


def test_rerunning_the_job_gives_the_same_cells(survey_round, village, walker, sweep_track) -> None:
    cell = _big_cell(survey_round, village)
    track = sweep_track(cell.geometry)
    record = _walk(survey_round, village, walker, [track[: len(track) // 2]])

    def cells():
        return list(
            survey_round.cells.order_by("pk").values_list("pk", "state", "covered_fraction")
        )

    first = cells()
    assert any(fraction > 0 for _, _, fraction in first)
    job_run(str(patrol_coverage_job(record=record).pk))
    assert cells() == first


def test_a_cell_changed_meanwhile_is_left_alone(survey_round, village, walker, sweep_track):
    cell = _big_cell(survey_round, village)
    _walk(survey_round, village, walker, [sweep_track(cell.geometry)])
    TaskCell.objects.filter(pk=cell.pk).update(state=CellState.UNREACHABLE, covered_fraction=0)
    stale = services._CellUpdate(cell.pk, (CellState.SURVEYED, None), 1.0, None)
    assert services._write_coverage(survey_round=survey_round, updates=[stale]) == 0
    cell.refresh_from_db()
    assert cell.state == CellState.UNREACHABLE and cell.covered_fraction == 0


def test_bbox_pad_covers_500_m_at_37_6_north() -> None:
    lon_pad, lat_pad = bbox_pad_deg(500, (110.0, 37.5, 110.1, 37.6))
    metres_per_lon_degree = 111_320 * math.cos(math.radians(37.6))
    assert lon_pad * metres_per_lon_degree >= 500 > 0.005 * metres_per_lon_degree
    assert lat_pad * 110_574 >= 500


def test_a_cell_470_m_beside_the_track_is_recomputed_with_a_500_m_radius(
    survey_round, village
) -> None:
    """The old fixed 0.005° pad (440 m of longitude at 37.6° N) skipped this cell."""
    cell = _big_cell(survey_round, village)
    TaskCell.objects.filter(round=survey_round).update(radius_m=500)
    min_lon, min_lat, max_lon, max_lat = shape(cell.geometry).bounds
    metres_per_lon_degree = 111_320 * math.cos(math.radians((min_lat + max_lat) / 2))
    lon = max_lon + 470 / metres_per_lon_degree
    start = timezone.now() - timedelta(hours=2)
    line = [
        Fix(lon, min_lat + (max_lat - min_lat) * i / 20, start + timedelta(seconds=20 * i))
        for i in range(21)
    ]
    now = timezone.now()
    PatrolRecord.objects.create(
        round=survey_round,
        unit=village,
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        track={"type": "MultiLineString", "coordinates": [[[f.lon, f.lat] for f in line]]},
    )
    bbox = (lon, min_lat, lon, max_lat)
    round_recompute_coverage(survey_round=survey_round, bbox=bbox)
    cell.refresh_from_db()
    assert cell.covered_fraction > 0


def test_upload_answers_before_coverage_and_the_record_page_polls_the_job(
    login_as, demo_campaign, survey_round, village, walker, sweep_track, make_gpx, monkeypatch
) -> None:
    """With a real queue the upload returns at once; the job's partial shows until it ends."""
    queued: list[str] = []
    monkeypatch.setattr(jobs, "job_run_task", queued.append)
    cell = _big_cell(survey_round, village)
    start = timezone.now() - timedelta(hours=2)
    gpx = make_gpx(sweep_track(cell.geometry, start=start))
    response = login_as("grid").post(
        f"/patrols/rounds/{survey_round.pk}/patrols/new/",
        {
            "unit": village.pk,
            "people": [walker[0].pk],
            "result": "nothing",
            "track": SimpleUploadedFile("轨迹.gpx", gpx),
        },
        follow=True,
    )
    assert "覆盖率正在后台计算" in response.content.decode()
    record = PatrolRecord.objects.get(round=survey_round)
    job = patrol_coverage_job(record=record)
    assert queued == [str(job.pk)] and job.status == JobStatus.QUEUED
    cell.refresh_from_db()
    assert cell.covered_fraction == 0
    cadre = login_as("cadre")
    page = cadre.get(f"/patrols/records/{record.pk}/").content.decode()
    assert 'data-testid="patrol-coverage-job"' in page and 'hx-trigger="every 2s"' in page
    job_run(queued[0])  # the worker picks it up
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED
    partial = cadre.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "已完成" in partial and "hx-trigger" not in partial
