"""Police open a demo finding from the list and see the suggested legal route with its articles
and the disclaimer, on a desktop and on a 390x844 phone; a cadre on the same page does not."""

from __future__ import annotations

import re

import pytest

from zerocrop.findings.models import Finding

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/legalapp-shots"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_police_see_the_route_on_a_demo_finding(logged_in, live_server, viewport) -> None:
    page = logged_in("police")
    if viewport:
        page.set_viewport_size(viewport)
    tag = "phone" if viewport else "desktop"
    # The demo's tip-reported finding in 排子湾村 (2022: the 2012 治安管理处罚法 applies).
    finding = Finding.objects.get(unit__name="排子湾村", source="tip")
    page.goto(f"{live_server.url}/findings/")
    page.locator(f"a[href='/findings/{finding.pk}/']").first.click()
    page.wait_for_url(re.compile(rf".*/findings/{finding.pk}/$"))

    route = page.get_by_test_id("legal-route")
    route.scroll_into_view_if_needed()
    assert route.is_visible()
    assert page.get_by_test_id("legal-route-route").inner_text() in {
        "刑事立案追诉",
        "治安管理处罚",
        "不予处罚",
    }
    assert page.get_by_test_id("legal-route-reasons").locator("li").count() >= 1
    articles = page.get_by_test_id("legal-route-article")
    assert articles.count() >= 1
    for i in range(articles.count()):
        text = articles.nth(i).inner_text()
        assert "已核实" in text or "未核实" in text
    assert "仅供公安机关参考" in page.get_by_test_id("legal-route-disclaimer").inner_text()
    _no_sideways_scroll(page)
    route.screenshot(path=f"{SHOTS}/route-{tag}.png")
    page.screenshot(path=f"{SHOTS}/detail-{tag}.png", full_page=True)

    # The statute page is one click away for police, and fits the phone too.
    page.get_by_test_id("legal-route-statutes").click()
    page.wait_for_url(re.compile(r".*/findings/statutes/$"))
    zhian = page.locator("[data-testid=statute-row][data-key=zhian-2025]")
    assert "未核实" in zhian.get_by_test_id("statute-state").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/statutes-{tag}.png", full_page=True)


def test_a_cadre_on_the_same_finding_sees_no_route(logged_in, live_server) -> None:
    page = logged_in("cadre2")  # 排子湾村's cadre: may see the finding itself
    finding = Finding.objects.get(unit__name="排子湾村", source="tip")
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    assert page.get_by_test_id("finding-facts").is_visible()
    assert page.get_by_test_id("legal-route").count() == 0
    assert "处理途径建议" not in page.content()


def test_police_verify_the_2025_revision_and_a_2026_finding_cites_it(
    logged_in, live_server
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from shapely.geometry import mapping, shape

    from zerocrop.findings.services import finding_record
    from zerocrop.geo.models import UnitBoundary
    from zerocrop.org.models import AdminUnit, User

    cadre = User.objects.get(username="cadre")
    village = AdminUnit.objects.get(name="毛布拉格村")
    point = mapping(shape(UnitBoundary.objects.get(unit=village).geometry).representative_point())
    finding = finding_record(
        unit=village,
        geometry=point,
        species="poppy",
        stage="flowering",
        setting="courtyard",
        source="patrol",
        found_at=datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)),
        found_by=[cadre.person],
        plant_count=30,
        actor=cadre,
    )
    page = logged_in("police")
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    cited = page.locator("[data-testid=legal-route-article][data-key=zhian-2025]")
    assert cited.get_attribute("data-verified") == "false" and "未核实" in cited.inner_text()

    page.goto(f"{live_server.url}/findings/statutes/")
    page.get_by_test_id("statute-verify-zhian-2025").click()
    assert page.input_value("#id_row_key") == "zhian-2025"
    page.get_by_test_id("statute-save").click()  # empty: refused in Chinese
    assert "请填写核实后的条号" in page.get_by_test_id("error-article").inner_text()
    page.fill("#id_article", "第八十四条")
    page.fill("#id_excerpt", "非法种植罂粟不满五百株……（浏览器测试摘录）")
    page.fill("#id_source", "国家法律法规数据库")
    page.get_by_test_id("statute-save").click()
    # The redirect keeps the #verify fragment of the page the form was on.
    page.wait_for_url(re.compile(r".*/findings/statutes/(#verify)?$"))
    row = page.locator("[data-testid=statute-row][data-key=zhian-2025]")
    assert "已核实" in row.get_by_test_id("statute-state").inner_text()
    assert "李登军" in row.get_by_test_id("statute-state").inner_text()  # who entered it
    assert "第八十四条" in page.get_by_test_id("statute-history").inner_text()

    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    cited = page.locator("[data-testid=legal-route-article][data-key=zhian-2025]")
    assert cited.get_attribute("data-verified") == "true"
    assert "第八十四条" in cited.inner_text() and "已核实" in cited.inner_text()
    page.get_by_test_id("legal-route").screenshot(path=f"{SHOTS}/route-verified.png")
