"""责任状签订率: the same count the overview's 责任状签订 card shows, in the user's scope."""

from __future__ import annotations

import pytest

from zerocrop.campaigns.indicators import UNIT_PLEDGE_RATE
from zerocrop.campaigns.selectors import campaign_overview
from zerocrop.core.clock import today
from zerocrop.core.indicators import indicator_get, indicators_for
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db


def _rate(campaign, username: str, unit=None):
    user = User.objects.get(username=username)
    values = indicators_for(campaign=campaign, user=user, unit=unit)
    return next(v for v in values if v.key == UNIT_PLEDGE_RATE)


@pytest.mark.parametrize("username", ["admin", "leader", "cadre", "police"])
def test_the_rate_matches_the_overview_card(demo_campaign, username) -> None:
    user = User.objects.get(username=username)
    counts = campaign_overview(campaign=demo_campaign, user=user, today=today()).counts
    rate = _rate(demo_campaign, username)
    assert (rate.numerator, rate.denominator) == (
        counts["unit_pledges"],
        counts["unit_pledges_due"],
    )


def test_a_voided_pledge_no_longer_counts_and_a_unit_narrows_it(demo_campaign, unit_named) -> None:
    before = _rate(demo_campaign, "admin")
    assert before.denominator > 1 and before.numerator > 0
    pledge = demo_campaign.pledges.filter(kind="unit", voided_at__isnull=True).first()
    pledge.voided_at = pledge.created_at
    pledge.save(update_fields=["voided_at"])
    after = _rate(demo_campaign, "admin")
    signed_elsewhere = demo_campaign.pledges.filter(
        kind="unit", unit=pledge.unit, voided_at__isnull=True
    ).exists()
    assert after.numerator == before.numerator - (0 if signed_elsewhere else 1)
    one = _rate(demo_campaign, "admin", unit=unit_named("毛布拉格村"))
    assert one.denominator == 1


def test_the_definition_says_who_owes_a_pledge() -> None:
    definition = indicator_get(UNIT_PLEDGE_RATE).definition
    assert "村（社区）" in definition and "作废" in definition
