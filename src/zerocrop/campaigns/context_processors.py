from typing import Any

from django.http import HttpRequest

from zerocrop.campaigns.models import Campaign
from zerocrop.campaigns.selectors import campaign_current
from zerocrop.campaigns.timeline import phase_statuses
from zerocrop.core.clock import today


def request_top_campaign(request: HttpRequest) -> Campaign | None:
    """The campaign shown in the top bar, looked up once per request (the menu asks too)."""
    if not hasattr(request, "_zerocrop_top_campaign"):
        user = getattr(request, "user", None)
        found = None
        if user is not None and user.is_authenticated:
            found = campaign_current(user=user, today=today())
        request._zerocrop_top_campaign = found  # type: ignore[attr-defined]
    return request._zerocrop_top_campaign  # type: ignore[attr-defined]


def current_campaign(request: HttpRequest) -> dict[str, Any]:
    """The campaign shown in the top bar, with today's phase."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    now = today()
    campaign = request_top_campaign(request)
    if campaign is None:
        return {"today": now}
    current = next(
        (s for s in phase_statuses(list(campaign.phases.all()), now) if s.state == "current"),
        None,
    )
    return {"today": now, "top_campaign": campaign, "top_phase": current}
