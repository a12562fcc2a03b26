import pytest
from shapely.geometry import shape

from zerocrop.geo.models import Plot, UnitBoundary

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_map_shows_the_demo_town_and_a_drawn_plot_is_saved(logged_in, live_server) -> None:
    page = logged_in("cadre")
    page.goto(f"{live_server.url}/geo/map/")
    status = page.locator("#map-status")
    status.filter(has_text="视野内地块").wait_for()
    assert (
        int(status.get_attribute("data-count"))
        == Plot.objects.filter(unit__name="毛布拉格村").count()
    )
    page.locator(".zc-unit-label", has_text="毛布拉格村").wait_for()
    assert page.locator(".zc-unit-label").count() == 1  # only the cadre's own village
    assert page.locator("[data-testid=demo-badge]").inner_text() == "示例数据"

    # Zoom to a free spot inside the village and draw a square there.
    outline = shape(UnitBoundary.objects.get(unit__name="毛布拉格村").geometry)
    taken = [shape(p.geometry).buffer(0.0004) for p in Plot.objects.filter(unit__name="毛布拉格村")]
    free = outline.buffer(-0.002).difference(
        shape({"type": "GeometryCollection", "geometries": []})
    )
    for geom in taken:
        free = free.difference(geom)
    spot = free.representative_point()
    page.evaluate(f"window.zcMap.setView([{spot.y}, {spot.x}], 18)")
    page.wait_for_timeout(600)
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.locator(".leaflet-draw-draw-polygon").click()
    for dx, dy in [(-40, -40), (40, -40), (40, 40), (-40, 40), (-40, -40)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(150)
    page.locator("#plot-modal").wait_for(state="visible")
    assert "平方米" in page.locator("#plot-area").inner_text()
    page.fill("#plot-name", "浏览器绘制的庭院")
    page.select_option("#plot-kind", "courtyard")
    page.locator("#plot-form button[type=submit]").click()
    page.locator("#plot-modal").wait_for(state="hidden")
    page.wait_for_selector("#map-status[data-created]")
    plot = Plot.objects.get(name="浏览器绘制的庭院")
    assert plot.unit.name == "毛布拉格村" and plot.kind == "courtyard" and plot.source == "地图绘制"
    assert 200 < plot.area_m2 < 2000
    assert status.get_attribute("data-created") == str(plot.pk)

    # Its outline can be edited: drag the north-east corner 30 px further out and save.
    # (A function, not an expression: the CSP forbids Playwright evaluating a string.)
    page.wait_for_function("() => !document.querySelector('.modal-backdrop')")
    page.mouse.click(cx, cy)
    page.locator("[data-testid=plot-edit]").click()
    page.locator("[data-testid=edit-bar]").wait_for()
    # A pan while editing reloads the plots; the outline being edited must survive it.
    page.evaluate("window.zcMap.panBy([8, 8], {animate: false})")
    page.wait_for_timeout(600)
    # The popup may have panned the map: find the north-east vertex handle on screen.
    icons = page.locator(".leaflet-editing-icon").all()
    handle = max(icons, key=lambda m: m.bounding_box()["x"] - m.bounding_box()["y"])
    handle.hover()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 3 * step, y - 3 * step)
    page.mouse.up()
    page.locator("#edit-save").click()
    page.wait_for_selector("#map-status[data-edited]")
    area_before = plot.area_m2
    plot.refresh_from_db()
    assert plot.area_m2 > area_before * 1.1
    assert status.get_attribute("data-edited") == f"{plot.pk}:{round(plot.area_m2)}"

    # The new plot is clickable and links to its page.
    # Bootstrap removes the backdrop after its fade-out; until then it swallows clicks.
    page.wait_for_function("() => !document.querySelector('.modal-backdrop')")
    page.mouse.click(cx, cy)
    page.locator("[data-testid=plot-link]").click()
    assert page.locator("h1").inner_text() == "浏览器绘制的庭院"
