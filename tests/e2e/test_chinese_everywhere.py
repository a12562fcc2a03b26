"""In the browser: the map's drawing tools, attribution and controls speak Chinese, the API docs
page and the favicon come from this server only."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _outside_requests(page, live_server) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    return seen


def test_drawing_a_plot_is_explained_in_chinese(logged_in, live_server) -> None:
    page = logged_in("cadre")
    outside = _outside_requests(page, live_server)
    page.goto(f"{live_server.url}/geo/map/")
    page.locator("#map-status").filter(has_text="视野内地块").wait_for()

    button = page.locator(".leaflet-draw-draw-polygon")
    assert button.get_attribute("title") == "画地块（多边形）"
    button.click()
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    tooltip = page.locator(".leaflet-draw-tooltip")
    tooltip.filter(has_text="点击地图开始绘制地块边界").wait_for()
    for dx, dy in [(-60, -60), (60, -60), (60, 60)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(150)
    page.mouse.move(cx - 60, cy + 60)
    tooltip.filter(has_text="点击第一个点闭合边界").wait_for()
    text = tooltip.inner_text()
    assert re.search(r"[\d,.]+ 平方(米|公里)", text), text  # the live area, in Chinese units
    actions = page.locator(".leaflet-draw-actions:visible a").all_inner_texts()
    assert actions == ["完成", "删除最后一点", "取消"]
    assert not LATIN_WORD.search(text + "".join(actions)), text

    # Zoom buttons, scale bar and attribution: Chinese, no "Leaflet" link or flag.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "缩小"
    assert re.fullmatch(r"\d+ (米|公里)", page.locator(".leaflet-control-scale-line").inner_text())
    attribution = page.locator(".leaflet-control-attribution")
    assert attribution.inner_text() == "数据：本平台"
    assert attribution.locator("a, svg").count() == 0
    assert page.locator(".leaflet-control-layers-toggle").get_attribute("title") == "图层"
    assert outside == []


def test_every_map_page_drops_the_leaflet_prefix(logged_in, live_server) -> None:
    from zerocrop.geo.models import Plot

    page = logged_in("admin")
    plot = Plot.objects.filter(unit__name="毛布拉格村").first()
    page.goto(f"{live_server.url}/geo/plots/{plot.pk}/")
    attribution = page.locator(".leaflet-control-attribution")
    attribution.wait_for()
    assert attribution.inner_text() == "数据：本平台"


def test_the_api_docs_page_works_offline_with_our_favicon(logged_in, live_server) -> None:
    page = logged_in("admin")
    outside = _outside_requests(page, live_server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title", has_text="禁种铲毒工作平台 API").wait_for()
    assert "禁种铲毒工作平台的 JSON 接口" in page.locator(".swagger-ui .info").inner_text()
    page.locator(".opblock").first.wait_for()
    assert page.title() == "ZeroCrop 禁种铲毒工作平台 API · 接口文档"
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/zerocrop/favicon.svg"
    response = page.request.get(f"{live_server.url}{icon}")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    assert outside == [] and errors == []


def test_the_login_page_has_the_favicon_and_a_chinese_lang(page, live_server) -> None:
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/zerocrop/favicon.svg"


def test_a_file_input_is_labelled_in_chinese_in_an_english_browser(
    browser, live_server, demo_campaign
) -> None:
    from zerocrop.demo.campaign import DEMO_PASSWORD

    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/campaigns/**")
        page.goto(f"{live_server.url}/geo/import/")
        group = page.locator(".zc-file").first
        assert group.locator("button").inner_text() == "选择文件"
        chosen = group.locator("[data-testid=file-chosen]")
        assert chosen.inner_text() == "未选择文件"
        assert page.locator("input[type=file]").first.bounding_box()["width"] <= 1  # hidden
        with page.expect_file_chooser() as chooser:
            group.locator("button").click()
        chooser.value.set_files(
            files=[{"name": "村界<b>.geojson", "mimeType": "application/json", "buffer": b"{}"}]
        )
        assert chosen.inner_text() == "村界<b>.geojson"  # the name as text, never as markup
    finally:
        context.close()
