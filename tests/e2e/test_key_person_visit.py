"""A village cadre opens a key person of their village and records a home visit with the
signed 告知书's scan: on a desktop and on a 390x844 phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from zerocrop.findings.models import HomeVisit, KeyPerson
from zerocrop.org.models import AdminUnit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/keypersons-shots"


def _jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (shade, shade, 200)).save(buffer, format="JPEG")
    return {"name": f"告知书-{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_cadre_records_a_visit_with_a_scan(logged_in, live_server, viewport) -> None:
    page = logged_in("cadre")
    if viewport:
        page.set_viewport_size(viewport)
    tag = "phone" if viewport else "desktop"
    village = AdminUnit.objects.get(name="毛布拉格村")
    person = KeyPerson.objects.create(
        name="走访对象甲", unit=village, category="prior_grower", id_number="15272219800101123X"
    )
    KeyPerson.objects.create(
        name="别村人员乙", unit=AdminUnit.objects.get(name="排子湾村"), category="other"
    )

    page.goto(f"{live_server.url}/findings/persons/")
    assert page.get_by_test_id("key-person-row").count() == 1  # their own village only
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/list-{tag}.png", full_page=True)
    page.get_by_role("link", name="走访对象甲").click()
    assert "152722********123X" in page.get_by_test_id("key-person-id").inner_text()
    page.get_by_test_id("key-person-visit").click()
    page.fill("#id_notes", "入户谈话教育，宣讲禁种政策")
    page.check("#id_notice_given")
    page.check("#id_notice_signed")
    page.set_input_files("#id_scan", files=[_jpeg(40 if viewport else 160)])
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/visit-{tag}.png", full_page=True)
    page.get_by_test_id("person-save").click()
    page.wait_for_url(re.compile(r".*/findings/persons/[0-9a-f-]{36}/$"))
    visit = page.get_by_test_id("visit")
    assert visit.count() == 1
    assert "已签收" in visit.inner_text() and "王鸣山" in visit.inner_text()
    assert page.get_by_test_id("visit-scan").count() == 1
    assert page.get_by_test_id("key-person-history").count() == 0  # police only
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/detail-{tag}.png", full_page=True)
    saved = HomeVisit.objects.get(key_person=person)
    assert saved.notice_signed and saved.scan is not None and saved.scan.kind == "visit_scan"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_police_see_the_case_with_its_route_suggestion(logged_in, live_server, viewport) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from shapely.geometry import mapping, shape

    from zerocrop.findings import services, services_persons
    from zerocrop.geo.models import UnitBoundary
    from zerocrop.org.models import Person, User

    police = User.objects.select_related("unit").get(username="police")
    village = AdminUnit.objects.get(name="毛布拉格村")
    grower = KeyPerson.objects.create(name="种植人丙", unit=village, category="prior_grower")
    point = shape(UnitBoundary.objects.get(unit=village).geometry).representative_point()
    finding = services.finding_record(
        unit=village,
        geometry=mapping(point),
        species="poppy",
        stage="flowering",
        setting="courtyard",
        source="police",
        found_at=timezone.now() - timedelta(hours=3),
        found_by=[Person.objects.get(name="王鸣山")],
        plant_count=80,
        grower=grower,
        actor=User.objects.get(username="admin"),
    )
    case = services_persons.case_create(
        unit=police.unit,
        number="毛公(治)受字〔2026〕7号",
        opened_on=timezone.localdate(),
        findings=[finding],
        key_persons=[grower],
        actor=police,
    )
    page = logged_in("police")
    if viewport:
        page.set_viewport_size(viewport)
    tag = "phone" if viewport else "desktop"
    page.goto(f"{live_server.url}/findings/cases/")
    page.get_by_role("link", name=case.number).click()
    assert page.get_by_test_id("case-route").count() == 1
    assert "种植人丙" in page.get_by_test_id("case-findings").inner_text()
    assert "复种" in page.get_by_test_id("case-findings").inner_text()
    assert "不是定性结论" in page.get_by_test_id("case-route-disclaimer").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/case-{tag}.png", full_page=True)
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    assert page.get_by_test_id("finding-repeat").count() == 1
    assert case.number in page.get_by_test_id("finding-cases").inner_text()
    page.screenshot(path=f"{SHOTS}/finding-police-{tag}.png", full_page=True)
