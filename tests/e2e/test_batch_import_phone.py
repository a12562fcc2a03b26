"""The import in a real browser on a phone (390x844): upload, preview with its map, 确认导入,
the batch page's targets as cards."""

from __future__ import annotations

import pytest
from tests.monitoring.batch_builders import HEADER, csv_bytes

from zerocrop.monitoring.models import TargetBatch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROWS = [
    HEADER,
    ["E2E-1", "乌审旗", "无定河镇", "108.5107", "37.9228", "0.5", "疑似罂粟", "高", "", ""],
    ["E2E-2", "乌审旗", "无定河镇", "108.5108", "37.9228", "0.5", "疑似罂粟", "高", "", ""],
    ["E2E-3", "乌审旗", "无定河镇", "108.6478", "37.9068", "1", "疑似大麻", "低", "", ""],
    ["", "乌审旗", "无定河镇", "108.6478", "37.9068", "1", "", "", "", ""],
]


def _no_sideways_scroll(tab) -> None:
    assert tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_import_a_batch_on_a_phone(logged_in, live_server) -> None:
    tab = logged_in("admin")
    tab.set_viewport_size(PHONE)
    tab.goto(f"{live_server.url}/monitoring/batches/")
    tab.locator("[data-testid=batch-import]").click()
    tab.set_input_files(
        "input[type=file]",
        files=[{"name": "第5批靶点.csv", "mimeType": "text/csv", "buffer": csv_bytes(ROWS)}],
    )
    tab.fill("#id_name", "浏览器测试批次")
    tab.fill("#id_issuer", "乌审旗禁毒办")
    tab.fill("#id_issued_on", "2022-07-06")
    tab.fill("#id_due_on", "2022-07-20")
    _no_sideways_scroll(tab)
    tab.locator("[data-testid=batch-upload-submit]").click()
    tab.locator("[data-testid=batch-preview-map] .leaflet-interactive").first.wait_for()
    assert tab.locator("[data-testid=count-targets]").inner_text() == "2"
    assert tab.locator("[data-testid=count-merged]").inner_text() == "1"
    assert "缺少靶点编号" in tab.locator("[data-testid=batch-bad-rows]").inner_text()
    _no_sideways_scroll(tab)
    tab.screenshot(path="/tmp/batch-preview-phone.png", full_page=True)
    tab.locator("[data-testid=batch-confirm]").click()
    tab.locator("[data-testid=batch-targets]").wait_for()
    tab.locator("[data-testid=batch-map] .leaflet-interactive").first.wait_for()
    assert tab.locator("[data-testid=batch-target-row]").count() == 2
    label = tab.locator("[data-testid=batch-target-row] td").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"靶点编号"'  # a card with the column's name, not a squeezed table
    _no_sideways_scroll(tab)
    tab.wait_for_load_state("networkidle")  # the villages' outlines
    assert tab.locator("[data-testid=batch-map] path").count() > 2
    tab.screenshot(path="/tmp/batch-detail-phone.png", full_page=True)
    assert TargetBatch.objects.get(name="浏览器测试批次").targets.count() == 2
