"""What patrols shows on other apps' pages: round progress on the overview, a plot's last
survey, and the campaign of a round's pages in the top bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from zerocrop.campaigns.context_processors import register_page_campaign
from zerocrop.core.panels import register_panel
from zerocrop.patrols.selectors import (
    campaign_round_progress,
    last_survey_of_plot,
    patrol_get,
    round_list,
)


def round_progress_context(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    rounds = campaign_round_progress(user=request.user, campaign=campaign)
    return {"rounds": rounds, "campaign": campaign} if rounds else None


def last_survey_text(*, plot: Any) -> str:
    last = last_survey_of_plot(plot=plot)
    if not (last and last.surveyed_at):
        return "尚无踏查记录"
    when = timezone.localtime(last.surveyed_at)
    return (
        f"{when:%Y年%m月%d日}（{last.round.name}，覆盖 {last.covered_fraction:.0%}，"
        f"{last.get_state_display()}）"
    )


def last_survey_context(request: HttpRequest, plot: Any) -> dict[str, Any]:
    return {"label": "最近踏查", "value": last_survey_text(plot=plot)}


def register_panels() -> None:
    register_panel(
        slot="campaign.overview",
        key="patrols.round_progress",
        template="patrols/_panel_round_progress.html",
        order=10,
        context=round_progress_context,
    )
    register_panel(
        slot="plot.facts",
        key="patrols.last_survey",
        template="core/_panel_fact.html",
        order=10,
        context=last_survey_context,
    )


def _round_campaign(user: Any, round_id: Any) -> Any:
    found = round_list(user=user).filter(pk=round_id).first()
    return found.campaign if found else None


def _record_campaign(user: Any, record_id: Any) -> Any:
    return _round_campaign(user, patrol_get(user=user, record_id=record_id).round_id)


def register_page_campaigns() -> None:
    """A round's pages and a patrol's page show their own campaign in the top bar."""
    register_page_campaign("round_id", _round_campaign)
    register_page_campaign("record_id", _record_campaign)
