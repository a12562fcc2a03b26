"""What geo shows on other apps' pages: the campaign overview's unassigned-plots warning."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zerocrop.core.panels import register_panel
from zerocrop.geo.selectors import unassigned_historical_count


def unassigned_plots_context(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    count = unassigned_historical_count(user=request.user, unit=campaign.unit)
    return {"unassigned_plots": count} if count else None


def register_panels() -> None:
    register_panel(
        slot="campaign.overview",
        key="geo.unassigned_plots",
        template="geo/_panel_unassigned_plots.html",
        order=20,
        context=unassigned_plots_context,
    )
