"""The campaign overview lists the villages with local misses (sites an outside source found
first), on a desktop and a 390x844 phone."""

from __future__ import annotations

import pytest

from zerocrop.findings import discovery
from zerocrop.findings.models import Finding

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
    # The demo: 王窑湾村 found one site itself, an upper-level target one; 排子湾村 a tip one;
    # 水清湾村 a target missed locally (WSQ22-0306); the 抽测 cells' sites are no one's miss.
    sites = list(
        Finding.objects.filter(campaign=demo_campaign, voided_at__isnull=True).values_list(
            "unit__name", "source"
        )
    )
    total = discovery.discovery_total(source for _, source in sites)
    missed = sorted({unit for unit, source in sites if discovery.is_local_miss(source)})
    assert {"排子湾村", "王窑湾村", "水清湾村"} <= set(missed)
    misses = page.get_by_test_id("discovery-misses").inner_text()
    assert f"本地漏查 {total.local_misses} 处" in misses
    share = page.get_by_test_id("discovery-own-share").inner_text()
    assert share == f"{round(100 * total.own / total.sites)}%"
    units = page.get_by_test_id("discovery-unit")
    assert sorted(units.nth(i).get_attribute("data-unit") for i in range(units.count())) == missed
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    panel.screenshot(path=f"{SHOTS}/discovery-{'phone' if viewport else 'desktop'}.png")
