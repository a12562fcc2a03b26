"""发现率 in the notice's sense: a site found first by an outside source is a local miss of its
unit; 自查发现率 = sites found first by the township's own patrol / all sites."""

from __future__ import annotations

import pytest

from zerocrop.core.indicators import indicator_get, indicator_value
from zerocrop.findings import discovery, selectors, services
from zerocrop.findings.indicators import LOCAL_MISSES, SELF_DISCOVERY
from zerocrop.findings.models import Finding
from zerocrop.org.models import AdminUnit


def test_the_definition_on_sources() -> None:
    total = discovery.discovery_total(
        ["patrol", "patrol", "tip", "police", "supervision", "target", "other"]
    )
    assert (total.sites, total.own, total.local_misses, total.other) == (7, 2, 4, 1)
    assert total.own_share == pytest.approx(2 / 7)
    assert discovery.discovery_total([]).own_share is None
    assert not discovery.is_local_miss("patrol") and not discovery.is_local_miss("other")
    assert all(discovery.is_local_miss(s) for s in ("tip", "police", "supervision", "target"))
    by_unit = discovery.discovery_by_unit([("a", "patrol"), ("b", "tip"), ("a", "tip")])
    assert by_unit["a"] == discovery.Discovery(sites=2, own=1, local_misses=1)
    assert by_unit["b"] == discovery.Discovery(sites=1, own=0, local_misses=1)


@pytest.fixture
def crafted(record, village, demo_campaign, cadre):
    """毛布拉格村 (no demo findings): 2 own patrol, 4 outside, 1 other, and one voided tip."""
    for source in ["patrol", "patrol", "tip", "police", "supervision", "target", "other"]:
        record(source=source, campaign=demo_campaign)
    voided = record(source="tip", campaign=demo_campaign)
    services.finding_void(finding=voided, reason="重复登记", actor=cadre)
    return village


@pytest.mark.django_db
def test_indicators_count_sites_by_who_found_them_first(crafted, demo_campaign, user_named) -> None:
    admin = user_named("admin")
    own = indicator_value(
        indicator_get(SELF_DISCOVERY), campaign=demo_campaign, user=admin, unit=crafted
    )
    misses = indicator_value(
        indicator_get(LOCAL_MISSES), campaign=demo_campaign, user=admin, unit=crafted
    )
    assert (own.numerator, own.denominator) == (2, 7)  # the voided tip is not a site
    assert (misses.numerator, misses.denominator) == (4, 7)
    assert "本级踏查" in own.definition and "先于本级踏查" in misses.definition
    # Whole campaign: the crafted 7 sites plus the demo's own findings (王窑湾村 patrol and
    # target, 排子湾村 tip, the 靶点 WSQ22-0306 missed locally, the 抽测 cells with planting).
    demo = _demo_discovery(demo_campaign, crafted)
    assert demo.local_misses >= 3 and demo.own == 1
    whole = selectors.discovery_total(user=admin, campaign=demo_campaign)
    assert (whole.sites, whole.own, whole.local_misses) == (
        7 + demo.sites,
        2 + demo.own,
        4 + demo.local_misses,
    )


def _demo_discovery(campaign, crafted) -> discovery.Discovery:
    """The demo's own findings outside the crafted village, by their source."""
    sources = (
        Finding.objects.filter(campaign=campaign, voided_at__isnull=True)
        .exclude(unit=crafted)
        .values_list("source", flat=True)
    )
    return discovery.discovery_total(list(sources))


@pytest.mark.django_db
def test_per_unit_figures_are_scoped_to_the_user(crafted, demo_campaign, user_named) -> None:
    rows = {
        r.unit.name: r.figures
        for r in selectors.discovery_by_unit(user=user_named("admin"), campaign=demo_campaign)
    }
    assert rows["毛布拉格村"] == discovery.Discovery(sites=7, own=2, local_misses=4)
    assert rows["王窑湾村"] == discovery.Discovery(sites=2, own=1, local_misses=1)
    assert rows["排子湾村"] == discovery.Discovery(sites=1, own=0, local_misses=1)
    # Most misses first.
    first = selectors.discovery_by_unit(user=user_named("admin"), campaign=demo_campaign)[0]
    assert first.unit.name == "毛布拉格村"
    other = user_named("cadre2")
    seen = {r.unit.name for r in selectors.discovery_by_unit(user=other, campaign=demo_campaign)}
    assert "毛布拉格村" not in seen
    assert seen <= {u.name for u in AdminUnit.objects.filter(path__startswith=other.unit.path)}


@pytest.mark.django_db
def test_the_overview_panel_lists_units_with_local_misses(crafted, demo_campaign, login_as) -> None:
    page = login_as("admin").get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    assert 'data-testid="discovery-panel"' in page
    assert 'data-unit="毛布拉格村"' in page and 'data-unit="排子湾村"' in page
    demo = _demo_discovery(demo_campaign, crafted)
    sites, own = 7 + demo.sites, 2 + demo.own
    assert f"本地漏查 {4 + demo.local_misses} 处" in page
    share = f"{round(100 * own / sites)}%</strong>（{own} / {sites} 处）"
    assert "自查发现率" in page and share in page
