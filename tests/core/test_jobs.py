"""Jobs: enqueued on commit, progress and failures recorded, status seen only in scope."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import transaction

from zerocrop.core import jobs
from zerocrop.core.errors import ApplicationError
from zerocrop.core.jobs import job_enqueue, job_progress, job_run, register_job_kind
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

seen: list[dict[str, Any]] = []


def _halfway(*, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    seen.append({"status": Job.objects.get(pk=job.pk).status, "params": params})
    job_progress(job, 50, "已处理一半")
    assert Job.objects.get(pk=job.pk).progress == 50
    return {"answer": params["n"] * 2}


def _refuses(*, job: Job, params: dict[str, Any]) -> None:
    raise ApplicationError("轮次已关闭，无法计算")


def _crashes(*, job: Job, params: dict[str, Any]) -> None:
    raise RuntimeError("boom in English")


@pytest.fixture(autouse=True)
def kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_KINDS", dict(jobs._KINDS))
    register_job_kind("test.halfway", _halfway, label="测试任务")
    register_job_kind("test.refuses", _refuses, label="测试任务")
    register_job_kind("test.crashes", _crashes, label="测试任务")
    seen.clear()


def _user(name: str) -> User:
    return User.objects.select_related("unit").get(username=name)


def test_a_job_runs_only_after_its_transaction_commits(demo_campaign) -> None:
    cadre = _user("cadre")
    with transaction.atomic():
        job = job_enqueue(kind="test.halfway", params={"n": 21}, actor=cadre, unit=cadre.unit)
        assert seen == []
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    job.refresh_from_db()
    assert seen == [{"status": JobStatus.RUNNING, "params": {"n": 21}}]
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.result == {"answer": 42} and job.error == ""
    assert job.created_by == cadre and job.started_at <= job.finished_at


def test_a_rolled_back_transaction_runs_no_job(demo_campaign) -> None:
    cadre = _user("cadre")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        job_enqueue(kind="test.halfway", params={"n": 1}, actor=cadre, unit=cadre.unit)
        1 / 0  # noqa: B018
    assert seen == [] and not Job.objects.filter(kind="test.halfway").exists()


def test_an_unknown_kind_is_refused_in_chinese(demo_campaign) -> None:
    with pytest.raises(ApplicationError, match="未知的后台任务类型"):
        job_enqueue(kind="nope", params={}, actor=None, unit=None)


def test_a_refusal_is_recorded_with_its_message(demo_campaign) -> None:
    job = job_enqueue(kind="test.refuses", params={}, actor=None, unit=demo_campaign.unit)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "轮次已关闭，无法计算" and job.finished_at is not None


def test_an_unexpected_error_is_logged_and_recorded_in_chinese(demo_campaign, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="zerocrop.core.jobs"):
        job = job_enqueue(kind="test.crashes", params={}, actor=None, unit=demo_campaign.unit)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("任务失败：") and "boom" not in job.error
    assert any("boom in English" in r.getMessage() or r.exc_info for r in caplog.records)


def test_progress_is_clamped_to_0_100(demo_campaign) -> None:
    job = Job.objects.create(kind="test.halfway", params={})
    job_progress(job, 250, "x" * 500)
    job.refresh_from_db()
    assert job.progress == 100 and len(job.message) == 200
    job_progress(job, -3, "回退")
    job.refresh_from_db()
    assert job.progress == 0


def test_a_vanished_job_is_ignored(demo_campaign) -> None:
    assert job_run("00000000-0000-0000-0000-000000000000") is None


def _queued(unit: Any, actor: Any = None) -> Job:
    return Job.objects.create(kind="test.halfway", params={}, unit=unit, created_by=actor)


def test_status_partial_polls_while_active_and_stops_when_done(login_as, unit_named) -> None:
    job = _queued(unit_named("毛布拉格村"))
    client = login_as("admin")
    partial = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in partial and f"/jobs/{job.pk}/status/" in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, message="已完成")
    partial = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "hx-get" not in partial and "hx-trigger" not in partial and "已完成" in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="任务失败：测试")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "任务失败：测试" in page and "hx-trigger" not in page


def test_job_status_is_scoped_to_the_unit_subtree_or_the_starter(login_as, unit_named) -> None:
    cadre = _user("cadre")
    other = next(u for u in unit_named("毛布拉格村").parent.children.all() if u != cadre.unit)
    beside = _queued(other)
    mine_elsewhere = _queued(other, actor=cadre)
    own_unit = _queued(cadre.unit)
    client = login_as("cadre")
    assert client.get(f"/jobs/{beside.pk}/status/").status_code == 404
    assert client.get(f"/api/v1/jobs/{beside.pk}").status_code == 404
    assert client.get(f"/jobs/{own_unit.pk}/").status_code == 200
    assert client.get(f"/jobs/{mine_elsewhere.pk}/status/").status_code == 200
    assert login_as("admin").get(f"/jobs/{beside.pk}/").status_code == 200
    assert client.get("/jobs/not-a-uuid/status/").status_code == 404


def test_job_status_json(login_as, unit_named) -> None:
    job = _queued(unit_named("毛布拉格村"))
    job_progress(job, 30, "读取轨迹")
    body = login_as("admin").get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "queued" and body["progress"] == 30
    assert body["message"] == "读取轨迹" and body["label"] == "测试任务"
    assert body["error"] == "" and body["result"] is None
