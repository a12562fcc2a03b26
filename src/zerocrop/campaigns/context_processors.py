from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest

from zerocrop.campaigns.models import Campaign
from zerocrop.campaigns.selectors import campaign_current, campaign_list
from zerocrop.campaigns.timeline import phase_statuses
from zerocrop.core.clock import pretended_today, today

_TOP = "_zerocrop_top_campaign"

# URL keyword -> (user, value) -> the campaign that page belongs to (None when not visible).
_PAGE_LOOKUPS: dict[str, Callable[[Any, Any], Campaign | None]] = {
    "campaign_id": lambda user, value: campaign_list(user=user).filter(pk=value).first(),
}


def register_page_campaign(url_kwarg: str, lookup: Callable[[Any, Any], Campaign | None]) -> None:
    """Apps above this one say which campaign their pages belong to (a round's, a patrol's)."""
    _PAGE_LOOKUPS[url_kwarg] = lookup


def show_campaign(request: HttpRequest, campaign: Campaign) -> None:
    """Let the top bar (and the menu) show the campaign of the page being viewed.

    For pages whose campaign comes from the query string (?campaign=); pages whose URL names
    a campaign, or an object registered with `register_page_campaign`, need not call it.
    """
    setattr(request, _TOP, campaign)


def _campaign_in_url(request: HttpRequest, user: Any) -> Campaign | None:
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        lookup = _PAGE_LOOKUPS.get(name)
        if lookup is not None:
            try:
                return lookup(user, value)
            except Http404:
                return None
    return None


def request_top_campaign(request: HttpRequest) -> Campaign | None:
    """The campaign shown in the top bar, looked up once per request (the menu asks too):
    the page's own campaign, else the one running today (else the latest)."""
    if not hasattr(request, _TOP):
        user = getattr(request, "user", None)
        found = None
        if user is not None and user.is_authenticated:
            found = _campaign_in_url(request, user) or campaign_current(user=user, today=today())
        setattr(request, _TOP, found)
    return getattr(request, _TOP)


def current_campaign(request: HttpRequest) -> dict[str, Any]:
    """The campaign shown in the top bar, with today's phase, and the demo date if pretended."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    now = today()
    shown = {"today": now, "demo_date": pretended_today()}
    campaign = request_top_campaign(request)
    if campaign is None:
        return shown
    current = next(
        (s for s in phase_statuses(list(campaign.phases.all()), now) if s.state == "current"),
        None,
    )
    return {**shown, "top_campaign": campaign, "top_phase": current}
