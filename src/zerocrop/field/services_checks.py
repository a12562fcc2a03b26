"""Storing a device self-test with its verdict (derived by the pure `field.checks`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from zerocrop.core.errors import ApplicationError
from zerocrop.field.checks import verdict_of
from zerocrop.field.choices import CheckVerdict
from zerocrop.field.models import Device, DeviceCheck

RESULTS_MAX_ITEMS = 20
RESULTS_MAX_BYTES = 20_000


def _clean_results(results: dict[str, Any]) -> dict[str, Any]:
    if len(results) > RESULTS_MAX_ITEMS:
        raise ApplicationError(
            f"自检结果最多 {RESULTS_MAX_ITEMS} 项", field="results", code="invalid"
        )
    if len(json.dumps(results, ensure_ascii=False)) > RESULTS_MAX_BYTES:
        raise ApplicationError("自检结果内容过长", field="results", code="too_long")
    for name, item in results.items():
        if len(name) > 40 or not isinstance(item.get("ok", False), bool):
            raise ApplicationError(
                f"自检项「{name[:40]}」的结果应含是否通过（ok：true 或 false）",
                field="results",
                code="invalid",
            )
    return results


def device_check_record(
    *,
    user: Any,
    device: Device | None,
    ran_at: datetime,
    user_agent: str,
    browser: str,
    results: dict[str, Any],
) -> DeviceCheck:
    """Keep one self-test run of `user` (on `device` when sent with a token)."""
    results = _clean_results(results)
    if timezone.is_naive(ran_at):
        raise ApplicationError("自检时间应带时区", field="ran_at", code="invalid")
    verdict = verdict_of(results, browser=browser)
    return DeviceCheck.objects.create(
        device=device,
        user=user,
        ran_at=ran_at,
        verdict=verdict.verdict,
        results=results,
        user_agent=(user_agent or "")[:400],
        browser=(browser or "")[:40],
    )


def check_body(check: DeviceCheck) -> dict[str, Any]:
    """The answer to a self-test: its verdict and what to do about each failed item."""
    verdict = verdict_of(check.results, browser=check.browser)
    return {
        "id": str(check.pk),
        "verdict": check.verdict,
        "verdict_label": CheckVerdict(check.verdict).label,
        "failed": [
            {
                "item": f.item,
                "label": f.label,
                "severity": f.severity,
                "explanation": f.explanation,
                "detail": f.detail,
            }
            for f in verdict.failures
        ],
    }
