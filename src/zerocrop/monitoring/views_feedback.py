"""Feedback upward: the batch's feedback ZIP, and the monitoring indicators page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zerocrop.core.clock import today
from zerocrop.core.export_jobs import export_respond
from zerocrop.monitoring import kpis
from zerocrop.monitoring.capabilities import TARGET_IMPORT
from zerocrop.monitoring.indicators import (
    DEFINITIONS,
    KNOWN_RATE,
    MEAN_DAYS,
    OVERDUE,
    TRUE_RATE,
    VERIFY_RATE,
    kpi_records,
)
from zerocrop.monitoring.selectors import batch_get, targets_visible
from zerocrop.monitoring.services_feedback import FEEDBACK_EXPORT, NOT_ALLOWED, issuer_label
from zerocrop.org.capabilities import can
from zerocrop.org.selectors import villages_and_communities


def batch_feedback(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = batch_get(user=request.user, batch_id=batch_id)
    if not can(request.user, TARGET_IMPORT, batch.unit):
        raise PermissionDenied(NOT_ALLOWED)
    count = targets_visible(user=request.user).filter(batch=batch).count()
    return export_respond(
        request, kind=FEEDBACK_EXPORT, params={"batch": str(batch.pk)}, count=count
    )


@dataclass(frozen=True)
class KpiRow:
    label: str
    k: kpis.Kpis
    url: str = ""  # the row's targets in the list (a village's), when there is one


def target_kpis(request: HttpRequest) -> HttpResponse:
    day = today()
    records = kpi_records(user=request.user)
    total = kpis.compute(records, today=day)
    list_url = reverse("target-list")
    unit_ids = {u.name: u.pk for u in villages_and_communities(user=request.user)}
    units = [
        KpiRow(
            name or "未定",
            k,
            f"{list_url}?unit={unit_ids[name]}" if name in unit_ids else "",
        )
        for name, k in kpis.by_unit(records, today=day).items()
    ]
    sources = [
        KpiRow(issuer_label(key), k) for key, k in kpis.by_source(records, today=day).items()
    ]
    definitions = [
        ("核查率 / 按时核查率", DEFINITIONS[VERIFY_RATE]),
        ("属实率", DEFINITIONS[TRUE_RATE]),
        ("本地已掌握率", DEFINITIONS[KNOWN_RATE]),
        ("平均核查用时（天）", DEFINITIONS[MEAN_DAYS]),
        ("超期靶点", DEFINITIONS[OVERDUE]),
    ]
    return render(
        request,
        "monitoring/feedback_kpis.html",
        {
            "total": KpiRow("全部靶点", total),
            "groups": [("按村（社区）", "unit", units), ("按下发来源", "source", sources)],
            "definitions": definitions,
            "today": day,
        },
    )
