"""Names that are HTML (from a file, the API or the admin) are shown as text and never run.

Every page here also runs under the strict Content-Security-Policy: our own scripts must cause
no violation and no console error, so a page that still needed inline script would fail too.
"""

from __future__ import annotations

import json

import pytest
from shapely.geometry import box, mapping, shape

from zerocrop.geo.models import UnitBoundary, Zone
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = '"><script>window.__pwned=1</script>'
SVG = '<svg onload="window.__pwned=1">'

# Installed before any page script: records CSP violations across navigations.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def watched(page):  # noqa: ANN001, ANN201
    """The page, with its console errors and uncaught exceptions collected."""
    page.add_init_script(WATCH)
    page.problems = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.location["url"].endswith(
                "/favicon.ico"  # the browser asks for it; we have none
            )
            and page.problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def assert_clean(page) -> None:  # noqa: ANN001
    """Nothing hostile ran, the CSP blocked nothing, no script failed."""
    page.wait_for_timeout(300)  # let image errors and late handlers fire
    assert page.evaluate("window.__pwned") is None, page.url
    assert page.evaluate("window.__csp") == [], page.url
    assert page.problems == [], page.url
    assert page.locator("img[src=x], svg[onload]").count() == 0, page.url


@pytest.fixture
def hostile_town(demo_campaign):  # noqa: ANN001, ANN201
    """毛布拉格村 renamed to IMG, 王窑湾村 to SVG, a plot of the first named SCRIPT and coded IMG
    with a responsible person named SVG, a zone named IMG; the demo round's cell follows."""
    village = AdminUnit.objects.get(name="毛布拉格村")
    other = AdminUnit.objects.get(name="王窑湾村")
    # A plot whose task in the demo round is still open, so the dead-corner map shows it.
    plot = (
        TaskCell.objects.filter(unit=village, kind="plot", state__in=["ready", "assigned"])
        .order_by("-area_m2")
        .first()
        .plot
    )
    person = Person.objects.filter(unit=village).first()
    person.name = SVG
    person.save(update_fields=["name"])
    plot.name, plot.code, plot.responsible = SCRIPT, IMG, person
    plot.save(update_fields=["name", "code", "responsible"])
    TaskCell.objects.filter(plot=plot).update(code=IMG)
    zone = Zone.objects.filter(unit=village).first() or Zone.objects.first()
    zone.name = IMG
    zone.save(update_fields=["name"])
    village.name, other.name = IMG, SVG
    village.save(update_fields=["name"])
    other.save(update_fields=["name"])
    return {"village": village, "plot": plot, "zone": zone}


def open_popup(page, map_var: str, prop: str, value: str) -> str:  # noqa: ANN001
    """Open the popup of the layer whose feature has `prop` == value; return its shown text."""
    shown = page.evaluate(
        """([mapVar, prop, value]) => {
          let hit = null;
          window[mapVar].eachLayer((l) => { if (!hit && l.feature && l.getPopup && l.getPopup()
            && String(l.feature.properties[prop]) === value) hit = l; });
          if (!hit) return null;
          hit.openPopup();
          return hit.getPopup().getElement().querySelector(".leaflet-popup-content").innerText;
        }""",
        [map_var, prop, value],
    )
    assert shown is not None, f"no layer with {prop}={value}"
    return shown


def test_hostile_names_on_the_main_map(watched, logged_in, live_server, hostile_town) -> None:
    page = logged_in("admin")
    page.goto(f"{live_server.url}/geo/map/")
    page.locator("#map-status", has_text="视野内地块").wait_for()
    labels = page.locator(".zc-unit-label")
    labels.filter(has_text=IMG).wait_for()
    assert labels.filter(has_text=SVG).count() == 1

    # Zoom onto the plot so its outline (not a cluster) is drawn, then open its popup.
    centre = shape(hostile_town["plot"].geometry).centroid
    page.evaluate(f"void window.zcMap.setView([{centre.y}, {centre.x}], 17)")
    page.wait_for_function(
        "id => { let hit = false; window.zcMap.eachLayer((l) => { hit = hit || Boolean(l.feature"
        " && l.feature.properties.id === id && l.getPopup && l.getPopup()); }); return hit; }",
        arg=str(hostile_town["plot"].pk),
    )
    shown = open_popup(page, "zcMap", "id", str(hostile_town["plot"].pk))
    assert SCRIPT in shown and IMG in shown and SVG in shown
    assert f"{IMG} · 责任人：{SVG}" in shown  # the village and the responsible person
    assert_clean(page)

    # The zone popup.
    zone_centre = shape(hostile_town["zone"].geometry).representative_point()
    page.evaluate(f"void window.zcMap.setView([{zone_centre.y}, {zone_centre.x}], 15)")
    page.wait_for_function(
        "name => { let hit = false; window.zcMap.eachLayer((l) => { hit = hit || Boolean(l.feature"
        " && l.feature.properties.name === name && l.feature.properties.kind); }); return hit; }",
        arg=IMG,
    )
    assert IMG in open_popup(page, "zcMap", "name", IMG)

    # The search results list.
    page.fill("#map-search-input", "pwned")
    page.locator("#map-search button").click()
    result = page.locator("#map-search-results .list-group-item").first
    result.wait_for()
    assert SCRIPT in result.inner_text() and SVG in result.inner_text()
    assert_clean(page)


def test_hostile_feature_names_in_the_geo_import_preview(
    watched, logged_in, live_server, hostile_town
) -> None:
    outline = shape(UnitBoundary.objects.get(unit=hostile_town["village"]).geometry)
    spot = outline.buffer(-0.002).representative_point()
    names = [IMG, SCRIPT, SVG]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": mapping(
                    box(spot.x + i * 3e-4, spot.y, spot.x + i * 3e-4 + 2e-4, spot.y + 2e-4)
                ),
            }
            for i, name in enumerate(names)
        ],
    }
    page = logged_in("admin")
    page.goto(f"{live_server.url}/geo/import/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "hostile.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(collection).encode(),
            }
        ],
    )
    page.locator("button[type=submit]", has_text="上传并预览").click()
    page.locator("[data-testid=import-map]").wait_for()
    page.wait_for_function("() => Boolean(window.zcImportMap)")
    shown = page.evaluate(
        """() => { const texts = [];
          window.zcImportMap.eachLayer((l) => { if (l.feature && l.getTooltip && l.getTooltip()) {
            l.openTooltip(); texts.push(l.getTooltip().getElement().textContent); } });
          return texts; }"""
    )
    for number, name in enumerate(names, start=1):
        assert f"{number}. {name}" in shown
    assert IMG in shown and SVG in shown  # the village outlines' tooltips
    table = page.locator("[data-testid=import-features]").inner_text()
    assert all(name in table for name in names)
    assert_clean(page)


def test_hostile_names_on_the_round_pages(watched, logged_in, live_server, hostile_town) -> None:
    survey_round = SurveyRound.objects.get(cells__plot=hostile_town["plot"])
    page = logged_in("admin")
    base = f"{live_server.url}/patrols/rounds/{survey_round.pk}"
    for path in ["/", f"/dead-corners/?unit={hostile_town['village'].pk}"]:
        page.goto(base + path)
        page.wait_for_selector("#round-map[data-cells]")
        page.locator(".zc-unit-label", has_text=IMG).wait_for()
        shown = open_popup(page, "zcRoundMap", "code", IMG)
        assert IMG in shown and shown.count(IMG) == 2  # the cell code and its village
        assert_clean(page)
    for path in ["/assign/", "/review/"]:
        page.goto(base + path)
        assert IMG in page.locator("main").inner_text()
        assert_clean(page)


def test_pages_and_admin_run_under_the_csp(
    watched, logged_in, live_server, demo_campaign, hostile_town
) -> None:
    """The moved scripts still work, and no page of ours or of the admin trips the policy."""
    page = logged_in("admin")
    plot = hostile_town["plot"]
    survey_round = SurveyRound.objects.get(cells__plot=plot)
    record = PatrolRecord.objects.filter(round=survey_round).first()

    page.goto(f"{live_server.url}/geo/import/")
    epsg = page.locator("#epsg-row")
    assert not epsg.is_visible()
    page.select_option("select[name=crs]", "epsg")
    assert epsg.is_visible()
    assert_clean(page)

    page.goto(f"{live_server.url}/geo/plots/")
    page.locator("#select-all").check()
    assert int(page.locator("#assign-count").inner_text()) > 0
    assert page.locator("#assign-submit").is_enabled()
    assert_clean(page)

    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/assign/")
    page.select_option("#unit-select", index=1)
    page.wait_for_url("**/assign/?unit=*")
    assert_clean(page)

    pages = [
        "/campaigns/",
        f"/campaigns/{demo_campaign.pk}/",
        f"/geo/plots/{plot.pk}/",
        "/patrols/rounds/",
        "/campaigns/import/",
        f"/patrols/records/{record.pk}/",
        "/admin/",
        "/admin/geo/plot/",
        f"/admin/geo/plot/{plot.pk}/change/",
        "/admin/org/user/add/",
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert_clean(page)
