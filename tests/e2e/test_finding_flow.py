"""A village cadre records a finding with a photo, eradicates it before a witness with before
and after photos, and re-checks it: on a desktop and on a 390x844 phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from shapely.geometry import shape

from zerocrop.findings.models import Finding
from zerocrop.geo.models import UnitBoundary
from zerocrop.org.models import AdminUnit, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/findings-shots"


def _jpeg(colour: tuple[int, int, int]) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="JPEG")
    return {"name": f"photo-{colour[0]}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_cadre_records_eradicates_and_rechecks(logged_in, live_server, viewport) -> None:
    page = logged_in("cadre")
    if viewport:
        page.set_viewport_size(viewport)
    tag = "phone" if viewport else "desktop"
    village = AdminUnit.objects.get(name="毛布拉格村")
    point = shape(UnitBoundary.objects.get(unit=village).geometry).representative_point()
    cadre = Person.objects.get(name="王鸣山")
    shade = 40 if viewport else 160

    page.goto(f"{live_server.url}/findings/new/")
    # A click on the small map fills longitude and latitude.
    page.locator("#finding-pick-map").click()
    assert re.fullmatch(r"\d+\.\d{6}", page.input_value("#id_lon"))
    page.fill("#id_lon", f"{point.x:.6f}")
    page.fill("#id_lat", f"{point.y:.6f}")
    page.select_option("#id_stage", label="开花")
    page.select_option("#id_setting", label="房前屋后")
    page.fill("#id_plant_count", "9")
    page.set_input_files("#id_photos", files=[_jpeg((shade, 10, 10))])
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/record-{tag}.png", full_page=True)
    page.get_by_test_id("finding-save").click()
    page.wait_for_url(re.compile(r".*/findings/[0-9a-f-]{36}/$"))
    assert page.get_by_test_id("finding-state").inner_text() == "待铲除"
    assert page.locator("[data-testid=photos-found] img").count() == 1
    finding = Finding.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[-1])
    assert finding.plant_count == 9 and finding.found_by.get() == cadre

    page.get_by_test_id("finding-eradicate").click()
    page.select_option("#id_witnesses", value=str(cadre.pk))
    page.fill("#id_destruction", "就地焚烧")
    page.set_input_files("#id_before_photos", files=[_jpeg((shade, 20, 20))])
    page.set_input_files("#id_after_photos", files=[_jpeg((shade, 30, 30))])
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/eradicate-{tag}.png", full_page=True)
    page.get_by_test_id("action-save").click()
    page.wait_for_url(re.compile(r".*/findings/[0-9a-f-]{36}/$"))
    assert page.get_by_test_id("finding-state").inner_text() == "已铲除"
    assert page.locator("[data-testid=photos-eradication] img").count() == 2
    assert "王鸣山" in page.get_by_test_id("eradication-witnesses").inner_text()

    page.get_by_test_id("finding-recheck").click()
    page.set_input_files("#id_photos", files=[_jpeg((shade, 40, 40))])
    page.get_by_test_id("action-save").click()
    page.wait_for_url(re.compile(r".*/findings/[0-9a-f-]{36}/$"))
    assert page.get_by_test_id("finding-state").inner_text() == "已复查"
    assert page.get_by_test_id("recheck-result").inner_text() == "未见再生"
    assert page.locator("[data-testid=finding-timeline] li").count() == 3
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/detail-{tag}.png", full_page=True)

    page.goto(f"{live_server.url}/findings/")
    row = page.get_by_test_id("finding-row").first
    assert "已复查" in row.inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/list-{tag}.png", full_page=True)
