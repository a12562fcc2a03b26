from typing import Any

from django.http import HttpRequest

from zerocrop.campaigns.selectors import campaign_current
from zerocrop.campaigns.timeline import phase_statuses
from zerocrop.core.clock import today


def current_campaign(request: HttpRequest) -> dict[str, Any]:
    """The campaign shown in the top bar, with today's phase."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    now = today()
    campaign = campaign_current(user=user, today=now)
    if campaign is None:
        return {"today": now}
    current = next(
        (s for s in phase_statuses(list(campaign.phases.all()), now) if s.state == "current"),
        None,
    )
    return {"today": now, "top_campaign": campaign, "top_phase": current}
