"""Importing a notice and editing the campaign's structure, in Chromium (desktop and phone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zerocrop.campaigns.models import Campaign
from zerocrop.org.models import AdminUnit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTICES = Path(__file__).parents[1] / "campaigns" / "notices"
PROSE = (NOTICES / "qingshan_prose.txt").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}


def paste_notice(page, live_server, text: str) -> None:
    page.goto(f"{live_server.url}/campaigns/import/")
    page.fill("#id_text", text)
    page.get_by_role("button", name="识别并预览").click()
    page.wait_for_selector("[data-testid=notice-confirm]")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_prose_notice_imports_its_group_into_the_users_town(
    logged_in, live_server, settings, viewport
) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    paste_notice(page, live_server, PROSE)
    # The notice is 青山镇's; the admin runs 无定河镇: the preview offers only their own town.
    assert "方案写的是「青山镇」" in page.locator("[data-testid=foreign-town]").inner_text()
    town = page.locator("#id_town")
    assert town.locator("option:checked").inner_text() == "无定河镇"
    assert "大麻结籽期" in page.locator("[data-testid=windows-outside]").inner_text()
    names = page.locator("[data-testid=preview-group] input[name$=_name]")
    assert "赵建国" in [names.nth(i).input_value() for i in range(names.count())]
    page.locator("[data-testid=notice-confirm]").click()
    page.wait_for_selector("[data-testid=campaign-name]")
    campaign = Campaign.objects.get(name="净土-24")
    assert page.url == f"{live_server.url}/campaigns/{campaign.pk}/"
    assert page.locator("[data-testid=campaign-name]").inner_text() == "净土-24"
    group = page.locator("[data-testid=group-list]").inner_text()
    for name in ("赵建国", "孙丽", "钱伟", "冯涛", "韩磊"):
        assert name in group
    assert re.search(r"组长\s*赵建国", group)
    assert campaign.unit.name == "无定河镇"
    assert not AdminUnit.objects.filter(name="青山镇").exists()  # no town made up
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the campaign page scrolls sideways on a phone"


def test_a_town_outside_the_users_scope_is_refused(logged_in, live_server) -> None:
    from zerocrop.org.services import unit_create

    elsewhere = unit_create(name="青山镇", level="town")
    page = logged_in("admin")
    paste_notice(page, live_server, PROSE)
    options = page.locator("#id_town option")
    assert [options.nth(i).inner_text() for i in range(options.count())] == [
        "请选择乡镇",
        "无定河镇",
    ]
    # A forged choice (as a hand-edited form would send) is refused, and nothing is created.
    page.evaluate(
        """pk => { const s = document.querySelector('#id_town');
        s.add(new Option('青山镇', pk)); s.value = pk; }""",
        str(elsewhere.pk),
    )
    page.locator("[data-testid=notice-confirm]").click()
    page.wait_for_selector("[data-testid=notice-confirm]")
    assert "所选乡镇不在您的管辖范围内" in page.content()
    assert not Campaign.objects.filter(name="净土-24").exists()
    assert AdminUnit.objects.filter(level="town", name="青山镇").count() == 1


def test_the_draft_is_edited_in_the_preview(logged_in, live_server) -> None:
    page = logged_in("admin")
    paste_notice(page, live_server, PROSE)
    rows = page.locator("[data-testid=preview-group] tbody tr")
    count = rows.count()
    page.locator("[data-testid=draft-add-member]").click()
    page.wait_for_selector("[data-testid=notice-confirm]")
    assert rows.count() == count + 1
    new = rows.nth(count)
    new.get_by_label(f"第{count + 1}行职务", exact=True).select_option("副组长")
    new.get_by_label(f"第{count + 1}行姓名").fill("刘新")
    new.get_by_label(f"第{count + 1}行本职").fill("镇武装部长")
    rows.nth(0).get_by_label("第1行删除").check()
    page.locator("[data-testid=notice-confirm]").click()
    page.wait_for_selector("[data-testid=campaign-name]")
    group = page.locator("[data-testid=group-list]").inner_text()
    assert "刘新" in group and "赵建国" not in group


def test_members_and_phases_are_added_and_removed_on_the_campaign_page(
    logged_in, live_server, settings
) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    page = logged_in("admin")
    questions: list[str] = []

    def answer(dialog) -> None:  # the remove buttons ask first
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    members = page.locator("[data-testid=group-member]")
    before = members.count()
    page.locator("[data-testid=member-add-open]").click()
    form = page.locator("[data-testid=member-add-form]")
    form.get_by_label("姓名").fill("孟小川")
    form.get_by_label("本职").fill("镇武装部长")
    form.get_by_role("button", name="添加").click()
    page.wait_for_selector("text=已添加领导小组成员")
    assert members.count() == before + 1 and "孟小川" in members.last.inner_text()

    # Empty input: a Chinese message, the form stays open, nothing added.
    page.locator("[data-testid=member-add-open]").click()
    page.locator("[data-testid=member-add-form]").get_by_role("button", name="添加").click()
    assert (
        "请填写姓名，或填写待补录的职务"
        in page.locator("[data-testid=member-add-form]").inner_text()
    )
    assert members.count() == before + 1

    page.locator("[data-testid=group-member]", has_text="孟小川").locator(
        "[data-testid=member-remove]"
    ).click()
    page.wait_for_selector("text=已从领导小组移除")
    assert questions == ["从领导小组移除「孟小川」？"]
    assert (
        members.count() == before
        and "孟小川" not in page.locator("[data-testid=group-list]").inner_text()
    )

    phases = page.locator("[data-testid=phase-row]")
    assert phases.count() == 4
    page.locator("[data-testid=phase-add-open]").click()
    page.locator("[data-testid=phase-add-form]").get_by_role("button", name="添加").click()
    assert (
        "阶段名称"
        in page.locator("[data-testid=phase-add-form] .invalid-feedback").first.inner_text()
    )
    form = page.locator("[data-testid=phase-add-form]")
    form.get_by_label("阶段名称").fill("巩固提升")
    form.get_by_label("开始日期").fill("2022-10-10")
    form.get_by_label("结束日期").fill("2022-10-01")
    form.get_by_role("button", name="添加").click()
    assert "结束日期早于开始日期" in page.locator("[data-testid=phase-add-form]").inner_text()
    assert phases.count() == 4
    form = page.locator("[data-testid=phase-add-form]")
    form.get_by_label("结束日期").fill("2022-10-31")
    form.get_by_role("button", name="添加").click()
    page.wait_for_selector("text=已添加巩固提升阶段")
    assert phases.count() == 5 and "巩固提升" in phases.last.inner_text()
    assert "巩固提升" in page.locator(".timeline").inner_text()
    phases.last.locator("[data-testid=phase-remove]").click()
    page.wait_for_selector("text=已删除巩固提升阶段")
    assert phases.count() == 4


def test_a_village_is_added_and_removed_on_the_campaign_page(logged_in) -> None:
    page = logged_in("admin")
    page.on("dialog", lambda dialog: dialog.accept())
    assert page.locator("[data-testid=village-remove]").count() == 0  # all have records
    page.locator("[data-testid=village-add-open]").click()
    form = page.locator("[data-testid=village-add-form]")
    form.get_by_label("村（社区）名称").fill("新庄村")
    form.get_by_role("button", name="添加").click()
    page.wait_for_selector("text=已添加「新庄村」")
    row = page.locator("[data-testid=unit-table] tbody tr", has_text="新庄村")
    assert row.count() == 1
    row.locator("[data-testid=village-remove]").click()
    page.wait_for_selector("text=已删除「新庄村」")
    assert page.locator("[data-testid=unit-table] tbody tr", has_text="新庄村").count() == 0


def test_a_village_cadre_sees_no_structure_controls(logged_in) -> None:
    page = logged_in("cadre")
    assert page.locator("[data-testid=group-member]").count() > 0
    for testid in ("member-add-open", "member-remove", "phase-add-open", "phase-remove"):
        assert page.locator(f"[data-testid={testid}]").count() == 0, testid
