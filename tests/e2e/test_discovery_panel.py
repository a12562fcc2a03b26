"""The campaign overview lists the villages with local misses (sites an outside source found
first), on a desktop and a 390x844 phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/legalapp-shots"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_overview_lists_villages_with_local_misses(
    logged_in, live_server, demo_campaign, viewport
) -> None:
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/campaigns/{demo_campaign.pk}/")
    panel = page.get_by_test_id("discovery-panel")
    panel.scroll_into_view_if_needed()
    # The demo: 王窑湾村 found one site itself, an upper-level target one; 排子湾村 a tip one.
    assert "本地漏查 2 处" in page.get_by_test_id("discovery-misses").inner_text()
    assert page.get_by_test_id("discovery-own-share").inner_text() == "33%"
    units = page.get_by_test_id("discovery-unit")
    assert sorted(units.nth(i).get_attribute("data-unit") for i in range(units.count())) == [
        "排子湾村",
        "王窑湾村",
    ]
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    panel.screenshot(path=f"{SHOTS}/discovery-{'phone' if viewport else 'desktop'}.png")
