import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_shows_the_campaign_and_its_current_phase(logged_in, settings) -> None:
    settings.ZEROCROP_TODAY = "2022-05-15"
    page = logged_in("admin")
    assert page.locator("[data-testid=campaign-name]").inner_text() == "利剑-22"
    status = page.locator("[data-testid=phase-status]").inner_text()
    assert "禁种宣传阶段" in status
    assert re.search(r"还剩\s*11\s*天", status)
    assert "禁种宣传阶段 · 剩11天" in page.locator("[data-testid=topbar-campaign]").inner_text()
    assert page.locator("[data-testid=group-list] li").count() == 24
    assert page.locator(".timeline .seg.current").inner_text().startswith("禁种宣传")


def test_phone_view_has_the_menu_behind_a_button(logged_in, settings) -> None:
    settings.ZEROCROP_TODAY = "2022-07-01"
    page = logged_in("cadre")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator("[data-testid=phase-status]").inner_text().startswith("当前阶段：踏查铲毒")
    rows = page.locator("[data-testid=unit-table] tbody tr")
    assert rows.count() == 1 and "毛布拉格村" in rows.first.inner_text()
    page.get_by_label("菜单").first.click()
    page.get_by_role("link", name="责任状/承诺书").click()
    assert "责任状 / 承诺书" in page.locator("h1").inner_text()


def test_the_current_section_is_marked_in_the_menu(logged_in, live_server) -> None:
    page = logged_in("admin")
    page.goto(f"{live_server.url}/geo/plots/")
    active = page.locator("#sidenav .nav-link.active")
    assert active.count() == 1 and active.inner_text().strip() == "地块台账"
