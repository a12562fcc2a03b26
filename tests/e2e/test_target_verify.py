"""A village cadre verifies a monitoring target as 属实 on a 390x844 phone: the result's fields
appear, the phone's position fills the arrival, three photos by role; a finding is linked."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from tests.monitoring.conftest import inside, make_batch, make_target, village  # noqa: F401

from zerocrop.monitoring.models import Target
from zerocrop.org.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/targets-shots"


def _jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 90, 30)).save(buffer, format="JPEG")
    return {"name": f"p{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_cadre_verifies_a_target_on_a_phone(logged_in, live_server, make_target) -> None:  # noqa: F811
    target = make_target()
    cadre = Person.objects.get(name="王鸣山")
    grid = Person.objects.get(name="高志刚")
    page = logged_in("cadre")
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"longitude": target.lon, "latitude": target.lat, "accuracy": 6})
    page.goto(f"{live_server.url}/monitoring/targets/{target.pk}/verify/")
    # The finding's fields show only for 属实 / 已自行铲除; the reason only for 不属实.
    assert not page.locator("#id_plant_count").is_visible()
    page.get_by_role("radio", name="不属实").check()
    assert page.locator("#id_reason").is_visible()
    page.get_by_role("radio", name="属实", exact=True).check()
    assert page.locator("#id_plant_count").is_visible()
    assert not page.locator("#id_reason").is_visible()
    page.fill("#id_plant_count", "40")
    page.fill("#id_found_area_m2", "12")
    page.select_option("#id_species", value="poppy")
    page.select_option("#id_stage", label="开花")
    page.select_option("#id_setting", label="房前屋后")
    page.select_option("#id_verifiers", value=[str(cadre.pk), str(grid.pk)])
    page.get_by_test_id("verify-locate").click()
    page.wait_for_function("() => document.getElementById('id_arrival_lon').value !== ''")
    assert page.input_value("#id_arrival_source") == "phone"
    assert "距靶点中心约 0 米" in page.get_by_test_id("verify-distance").inner_text()
    page.set_input_files("#id_photos_far", files=[_jpeg(10)])
    page.set_input_files("#id_photos_near", files=[_jpeg(20)])
    page.set_input_files("#id_photos_feature", files=[_jpeg(30)])
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    page.get_by_test_id("verify-save").click()
    page.wait_for_url(re.compile(r".*/monitoring/targets/[0-9a-f-]{36}/$"))
    page.screenshot(path=f"{SHOTS}/target-phone.png", full_page=True)
    assert "属实" in page.get_by_test_id("target-result").inner_text()
    assert page.locator("[data-testid=target-photo] img").count() == 3
    assert f"{target.code}_1.jpg" in page.get_by_test_id("target-photos").inner_text()
    page.get_by_test_id("target-finding").locator("a").click()
    page.wait_for_url(re.compile(r".*/findings/[0-9a-f-]{36}/$"))
    target = Target.objects.get(pk=target.pk)
    assert target.status == "submitted" and target.finding is not None
    assert target.arrival_source == "phone" and target.distance_m == 0.0
    assert set(target.verifiers.all()) == {cadre, grid}
    # The list on the phone: cards, no sideways scroll, the submitted target among them.
    page.goto(f"{live_server.url}/monitoring/")
    assert page.get_by_test_id("target-row").first.is_visible()
    cell = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=target-table] tbody td'))"
        ".display"
    )
    assert cell in ("block", "flex")  # a card per row, not a table cell
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    assert "待审核" in page.get_by_test_id("target-table").inner_text()
