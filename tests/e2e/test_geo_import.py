"""A land-survey Shapefile keeps its identity through preview and import (issue 9).

DKBH codes survive preview and import, the 编号/名称 columns can be chosen (the preview shows
again), a QSDWMC naming another village is said, names sort naturally, the plot page shows the
file's original attributes; on desktop and on a 390×844 phone.
"""

from __future__ import annotations

import re

import pytest

from support.survey_files import parcels_in, survey_code, survey_shapefile_zip
from zerocrop.geo.models import Plot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def upload(page: object, base: str, data: bytes, name: str = "确权地块.zip") -> None:
    page.goto(f"{base}/geo/import/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": name, "mimeType": "application/zip", "buffer": data}],
    )
    page.locator("button[type=submit]", has_text="上传并预览").click()
    page.locator("[data-testid=import-features]").wait_for()


def column(page: object, testid: str) -> list[str]:
    return [t.strip() for t in page.locator(f"[data-testid={testid}]").all_inner_texts()]


def refreshed(page: object, action: object) -> None:
    """Run `action` (a select change) and wait for the preview to be shown again."""
    with page.expect_navigation():
        action()
    page.locator("[data-testid=import-features]").wait_for()


def no_sideways_scroll(page: object) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_survey_shapefile_keeps_its_codes(logged_in, live_server, viewport) -> None:
    squares = parcels_in("王窑湾村")
    # The survey office's file says 毛布拉格村 although the parcels lie in 王窑湾村.
    data = survey_shapefile_zip(squares, owner="毛布拉格村")
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    upload(page, live_server.url, data)

    codes = [survey_code(i) for i in range(1, 13)]
    assert column(page, "import-row-code") == codes
    assert page.locator("#id_code_column").input_value() == "DKBH"
    assert column(page, "import-row-name")[9] == "王窑湾村10号（自动命名）"  # no name column
    assert page.locator("#id_unit option:checked").inner_text() == "王窑湾村"  # from the map
    columns = page.locator("[data-testid=import-columns]").inner_text()
    assert all(c in columns for c in ("DKBH", "QSDWMC", "DKMJ", "DKLB"))
    warning = page.locator("[data-testid=import-file-notes]").inner_text()
    assert "QSDWMC" in warning and "毛布拉格村" in warning and "王窑湾村" in warning
    if viewport:
        assert page.locator("#id_code_column").is_visible() and no_sideways_scroll(page)

    # Another name column: the preview shows again with those names, nothing is saved.
    before = Plot.objects.count()
    refreshed(page, lambda: page.select_option("#id_name_column", "DKLB"))
    assert set(column(page, "import-row-name")) == {"承包地块"}
    assert column(page, "import-row-code") == codes
    refreshed(page, lambda: page.select_option("#id_name_column", ""))
    assert page.locator("#id_name_column").input_value() == ""
    # The village the file names: no warning; back to where the parcels lie: the warning again.
    refreshed(page, lambda: page.select_option("#id_unit", label="毛布拉格村"))
    assert page.locator("[data-testid=import-file-notes]").count() == 0
    assert column(page, "import-row-name")[0] == "毛布拉格村1号（自动命名）"
    refreshed(page, lambda: page.select_option("#id_unit", label="王窑湾村"))
    assert page.locator("[data-testid=import-file-notes]").is_visible()
    assert Plot.objects.count() == before

    page.select_option("#id_kind", "historical")
    with page.expect_navigation():
        page.locator("[data-testid=import-commit]").click()
    page.wait_for_url(re.compile(r"/geo/plots/\?unit="))

    plots = Plot.objects.filter(source="确权地块.zip")
    assert sorted(p.code for p in plots) == codes
    page.goto(f"{live_server.url}/geo/plots/?q=532623101201")
    rows = page.locator("[data-testid=plot-table] tbody tr")
    names = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())]
    assert names == [f"王窑湾村{i}号" for i in range(1, 13)]  # 9号 before 10号

    page.locator("[data-testid=plot-table] a", has_text="王窑湾村10号").click()
    table = page.locator("[data-testid=plot-source-attributes]")
    table.wait_for()
    text = table.inner_text()
    assert survey_code(10) in text and "毛布拉格村村民委员会" in text and "承包地块" in text
    if viewport:
        assert table.is_visible() and no_sideways_scroll(page)


def test_an_ovital_ovkml_is_read_as_gcj02(logged_in, live_server) -> None:
    square = parcels_in("王窑湾村", count=1)[0]
    ring = " ".join(f"{x:.8f},{y:.8f}" for x, y in square.exterior.coords)
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Placemark><name>奥维地块</name><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>"
    ).encode()
    page = logged_in("admin")
    page.goto(f"{live_server.url}/geo/import/")
    assert page.locator("#id_crs").input_value() == "auto"
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "收藏夹.ovkml", "mimeType": "application/octet-stream", "buffer": kml}],
    )
    assert page.locator("#id_crs").input_value() == "gcj02"  # 奥维 9.3.0+ exports GCJ-02
    page.locator("button[type=submit]", has_text="上传并预览").click()
    page.locator("[data-testid=import-features]").wait_for()
    assert "GCJ-02" in page.locator("[data-testid=import-crs]").inner_text()
    assert "奥维地块" in page.locator("[data-testid=import-features]").inner_text()
