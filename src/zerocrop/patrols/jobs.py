"""Patrols' background jobs."""

from __future__ import annotations

from typing import Any

from zerocrop.core.errors import ApplicationError
from zerocrop.core.jobs import job_progress
from zerocrop.core.jobs_models import Job
from zerocrop.patrols.models import SurveyRound
from zerocrop.patrols.services import round_recompute_coverage


def recompute_coverage(*, job: Job, params: dict[str, Any]) -> dict[str, Any]:
    """Recompute the coverage of a round's cells near a new track (idempotent)."""
    survey_round = SurveyRound.objects.filter(pk=params.get("round")).first()
    if survey_round is None:
        raise ApplicationError("踏查轮次已不存在，无法计算覆盖率")
    bbox = params.get("bbox")
    newly = round_recompute_coverage(
        survey_round=survey_round,
        bbox=tuple(bbox) if bbox else None,
        progress=lambda pct, message: job_progress(job, pct, message),
    )
    return {"newly_surveyed": newly}
