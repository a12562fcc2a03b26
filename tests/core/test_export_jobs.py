"""Large exports as jobs: built as the user who asked, stored, and downloadable by them only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.test import RequestFactory

from zerocrop.core import export_jobs, jobs
from zerocrop.core.downloads import Download
from zerocrop.core.evidence import evidence_store, evidence_visible
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.export_jobs import (
    USER_GONE,
    export_readable,
    export_respond,
    register_export,
)
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

KIND = "test.names"


def _names(*, user: Any, params: dict[str, Any]) -> Download:
    """Who built it and what was asked: shows the job runs as the requesting user."""
    text = f"{user.username}:{params['what']}:{user.unit.name}"
    return Download(
        data=text.encode(),
        filename="名单.txt",
        content_type="text/plain",
        file_format="txt",
        count=params["rows"],
    )


@pytest.fixture(autouse=True)
def kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_KINDS", dict(jobs._KINDS))
    monkeypatch.setattr(export_jobs, "_BUILDS", dict(export_jobs._BUILDS))
    register_export(KIND, _names, label="测试导出")


def ask(username: str, rows: int) -> Any:
    request = RequestFactory().get("/export/?what=x")
    request.user = User.objects.get(username=username)
    request._messages = CookieStorage(request)
    with transaction.atomic():
        return export_respond(request, kind=KIND, params={"what": "名单", "rows": rows}, count=rows)


def test_the_limit_is_stated_once_and_can_be_lowered(settings) -> None:
    assert export_jobs.export_inline_max_rows() == 5000
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 3
    assert export_jobs.export_inline_max_rows() == 3


def test_at_the_limit_inline_above_it_a_job(demo_campaign, settings) -> None:
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 3
    inline = ask("cadre", 3)
    assert inline.status_code == 200 and inline.content == "cadre:名单:毛布拉格村".encode()
    queued = ask("cadre", 4)
    assert queued.status_code == 302
    job = Job.objects.get(pk=queued.url.split("/")[2])
    assert job.status == JobStatus.DONE and job.result["count"] == 4
    evidence = EvidenceFile.objects.get(pk=job.result["evidence"])
    assert evidence.content_type == "text/plain" and evidence.original_name == "名单.txt"
    assert evidence.created_by.username == "cadre"


def test_who_may_fetch_a_built_export(demo_campaign, settings) -> None:
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 0
    job = Job.objects.get(pk=ask("cadre", 1).url.split("/")[2])
    evidence = EvidenceFile.objects.get(pk=job.result["evidence"])
    users = {u.username: u for u in User.objects.all()}
    assert export_readable(users["cadre"], evidence)
    assert export_readable(users["admin"], evidence)  # a superuser
    assert not export_readable(users["cadre2"], evidence)
    assert not export_readable(users["leader"], evidence)  # the town, but not the owner
    assert not evidence_visible(user=users["grid"], evidence=evidence)


def test_a_superuser_gains_no_other_evidence_through_the_rule(demo_campaign) -> None:
    admin = User.objects.get(username="admin")
    scan = evidence_store(
        file=b"%PDF-1.4 test", kind=EvidenceKind.PLEDGE_SCAN, actor=admin, original_name="a.pdf"
    )
    assert not export_readable(admin, scan)  # no job links it


def test_a_user_gone_before_the_job_runs_fails_it_with_a_message(demo_campaign) -> None:
    cadre = User.objects.get(username="cadre")
    User.objects.filter(pk=cadre.pk).update(is_active=False)
    with transaction.atomic():
        job = jobs.job_enqueue(
            kind=KIND,
            params={"user": str(cadre.pk), "query": "", "export": {"what": "名单", "rows": 1}},
            actor=cadre,
            unit=None,
        )
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, USER_GONE)
