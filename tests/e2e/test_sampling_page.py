# ruff: noqa: F811 (the fixtures imported from sampling_helpers are used as arguments)
"""The 抽测 design page in a browser: the frame and the drawn cells on the map, the results
as cards on a phone, a result saved from a card."""

from __future__ import annotations

import pytest
from tests.monitoring.sampling_helpers import (  # noqa: F401
    admin_user,
    drawn_design,
    make_design,
    sample_frame,
    village_zone,
)

from zerocrop.monitoring.sampling_models import SampleCellResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_design_page_map_and_phone_cards(logged_in, live_server, drawn_design) -> None:
    page = logged_in("admin")
    url = f"{live_server.url}/monitoring/sampling/{drawn_design.pk}/"
    page.goto(url)
    page.wait_for_selector("#sampling-map[data-drawn]")
    shown = page.get_attribute("#sampling-map", "data-drawn")
    assert int(shown) == drawn_design.n
    assert (
        int(page.get_attribute("#sampling-map", "data-cells")) == drawn_design.frame.cells.count()
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    display = page.evaluate(
        "() => getComputedStyle("
        "document.querySelector('[data-testid=results-table] tbody tr')).display"
    )
    assert display == "block"  # a card per drawn cell
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    card = page.locator("[data-testid=result-row]").first
    card.locator("a", has_text="填写").click()  # no team yet: the cell's own form
    page.wait_for_url("**/cells/**")
    # Where to walk: the cell drawn on its own small map, which fits the phone.
    page.wait_for_selector("[data-testid=cell-map][data-ready='1']")
    assert page.locator("#cell-map path.leaflet-interactive").count() >= 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.fill("#id_area_m2", "0")
    page.fill("#id_plants", "0")
    # The recorder is the default checker (the team often comes from other villages).
    chosen = page.locator("select[name=checked_by]").evaluate(
        "(s) => Array.from(s.selectedOptions).map((o) => o.textContent)"
    )
    assert chosen == ["吉雅 · 镇平安建设办"]
    with page.expect_navigation():
        page.click("[data-testid=result-submit]")
    page.wait_for_selector("[data-testid=result-saved]")
    assert SampleCellResult.objects.filter(design=drawn_design).count() == 1
