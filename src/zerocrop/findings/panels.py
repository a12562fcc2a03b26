"""What findings shows on other pages: the campaign overview and a plot's facts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zerocrop.core.clock import today
from zerocrop.core.panels import register_panel
from zerocrop.findings.selectors import (
    discovery_by_unit,
    discovery_total,
    finding_list,
    finding_state,
    rechecks_due,
    totals,
)


def overview_context(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    day = today()
    t = totals(user=request.user, campaign=campaign, today=day)
    if not t.sites:
        return None
    return {
        "campaign": campaign,
        "totals": t,
        "today": day,
        "rechecks_due": [
            (f, due)
            for f, due in rechecks_due(user=request.user, campaign=campaign, today=day)
            if due <= day
        ][:10],
    }


def plot_context(request: HttpRequest, plot: Any) -> dict[str, Any] | None:
    day = today()
    findings = list(finding_list(user=request.user, plot=plot).order_by("-found_at"))
    if not findings:
        return None
    return {"findings": [(f, finding_state(f, today=day)) for f in findings]}


def discovery_context(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    total = discovery_total(user=request.user, campaign=campaign)
    if not total.sites:
        return None
    return {
        "total": total,
        "missed": [
            row
            for row in discovery_by_unit(user=request.user, campaign=campaign)
            if row.figures.local_misses
        ],
    }


def register_panels() -> None:
    register_panel(
        slot="campaign.overview",
        key="findings.overview",
        template="findings/_panel_overview.html",
        order=20,
        context=overview_context,
    )
    register_panel(
        slot="plot.facts",
        key="findings.plot",
        template="findings/_panel_plot.html",
        order=20,
        context=plot_context,
    )
    register_panel(
        slot="campaign.overview",
        key="findings.discovery",
        template="findings/_panel_discovery.html",
        order=21,
        context=discovery_context,
    )
