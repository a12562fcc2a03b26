"""The overview's 指标 card: every registered indicator with its figures and its definition."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zerocrop.core.indicators import indicators_for
from zerocrop.core.panels import register_panel


def indicators_context(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    values = indicators_for(campaign=campaign, user=request.user)
    return {"indicators": values} if values else None


def register_indicator_panel() -> None:
    register_panel(
        slot="campaign.indicators",
        key="core.indicators",
        template="core/_panel_indicators.html",
        order=100,
        context=indicators_context,
    )
