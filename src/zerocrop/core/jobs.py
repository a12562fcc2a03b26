"""Background jobs with a visible record: register a kind, enqueue on commit, report progress.

A job function is called as ``fn(job=job, params=params)`` by a huey worker (synchronously in
huey's immediate mode, as in the tests) after the transaction that enqueued it has committed.
It reports with ``job_progress`` and returns a JSON-able result. It must be idempotent: a worker
may run it again after a crash. An ``ApplicationError`` ends it with that Chinese message;
anything else is logged and ends it with "任务失败：…".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from huey.contrib.djhuey import db_task

from zerocrop.core.errors import ApplicationError
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.core.scoping import scope_q

log = logging.getLogger(__name__)

UNEXPECTED_FAILURE = "任务失败：程序出错，已记入日志，请联系管理员"
MESSAGE_MAX = Job._meta.get_field("message").max_length


@dataclass(frozen=True)
class JobKind:
    kind: str
    fn: Callable[..., Any]
    label: str


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: str, fn: Callable[..., Any], *, label: str) -> None:
    """Called from an app's ``ready()``; registering the same kind twice keeps the last."""
    _KINDS[kind] = JobKind(kind=kind, fn=fn, label=label)


def job_kind_label(kind: str) -> str:
    found = _KINDS.get(kind)
    return found.label if found else kind


@transaction.atomic
def job_enqueue(*, kind: str, params: dict[str, Any], actor: Any, unit: Any) -> Job:
    """Store a queued job and hand it to huey once the current transaction commits."""
    if kind not in _KINDS:
        raise ApplicationError(f"未知的后台任务类型：{kind}")
    job = Job(
        kind=kind,
        params=params,
        created_by=actor if getattr(actor, "pk", None) else None,
        unit=unit,
        message="排队等待处理",
    )
    job.full_clean()
    job.save()
    job_id = str(job.pk)

    def hand_to_huey() -> None:
        job_run_task(job_id)

    hand_to_huey.zerocrop_job_id = job_id  # how the test suite recognises a job callback
    transaction.on_commit(hand_to_huey)
    return job


def job_progress(job: Job, pct: float, message: str) -> None:
    """Record how far a running job got; written at once, outside any transaction of the job."""
    job.progress = max(0, min(100, int(pct)))
    job.message = message[:MESSAGE_MAX]
    Job.objects.filter(pk=job.pk).update(
        progress=job.progress, message=job.message, updated_at=timezone.now()
    )


def _finish(job: Job, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.finished_at = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        **fields, finished_at=job.finished_at, updated_at=job.finished_at
    )


def job_run(job_id: str) -> Job | None:
    """Run one job by id and record how it ended (what the huey task does)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        log.warning("job %s vanished before it ran", job_id)
        return None
    found = _KINDS.get(job.kind)
    if found is None:
        _finish(job, status=JobStatus.FAILED, error=f"任务失败：未知的任务类型 {job.kind}")
        return job
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=job.status, started_at=job.started_at, error="", updated_at=job.started_at
    )
    try:
        result = found.fn(job=job, params=job.params)
    except ApplicationError as exc:
        _finish(job, status=JobStatus.FAILED, error=exc.message, message=exc.message[:MESSAGE_MAX])
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, status=JobStatus.FAILED, error=UNEXPECTED_FAILURE, message=UNEXPECTED_FAILURE)
    else:
        _finish(job, status=JobStatus.DONE, progress=100, result=result, message="已完成")
    return job


@db_task()
def job_run_task(job_id: str) -> None:
    job_run(job_id)


def job_get(*, user: Any, job_id: Any) -> Job:
    """A job of the user's unit subtree, or one they started; otherwise 404."""
    mine = Q(created_by=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    try:
        return Job.objects.filter(scope_q(user) | mine).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("不存在或无权查看") from exc
