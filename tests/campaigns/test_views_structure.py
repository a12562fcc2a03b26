"""The preview's editable draft, the town choice, and structure edits on the campaign page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from zerocrop.campaigns.models import Campaign, GroupMember
from zerocrop.org.models import AdminUnit
from zerocrop.org.services import unit_create

pytestmark = pytest.mark.django_db

NOTICES = Path(__file__).parent / "notices"
PROSE = "qingshan_prose.txt"


def preview(client, name: str = PROSE):
    text = (NOTICES / name).read_text(encoding="utf-8")
    response = client.post("/campaigns/import/", {"step": "preview", "text": text})
    assert response.status_code == 200
    return response


def posted(response, **changes) -> dict:
    """The preview form's fields as the browser would post them back, with `changes`."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name.endswith("_delete"):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data | changes


def test_a_town_outside_the_users_scope_is_refused(login_as) -> None:
    elsewhere = unit_create(name="青山镇", level="town")
    client = login_as("admin")
    response = preview(client)
    towns = list(response.context["form"].fields["town"].queryset)
    assert towns == [AdminUnit.objects.get(name="无定河镇")]  # the admin's own town only
    before = Campaign.objects.count()
    refused = client.post("/campaigns/import/", posted(response, step="confirm", town=elsewhere.pk))
    assert refused.status_code == 200
    assert "所选乡镇不在您的管辖范围内" in refused.content.decode()
    assert Campaign.objects.count() == before
    assert AdminUnit.objects.filter(name="青山镇").count() == 1


def test_the_draft_can_be_edited_before_confirming(login_as) -> None:
    client = login_as("admin")
    response = preview(client)
    form = response.context["form"]
    members = form.initial["member_count"]
    added = client.post("/campaigns/import/", posted(response, step="add_member"))
    assert added.context["form"].fields["member_count"].initial == members + 1
    assert added.context["form"].initial["token"] != form.initial["token"]  # restaged
    data = posted(
        added,
        step="update",
        **{
            f"member_{members}_role": "副组长",
            f"member_{members}_name": "新 来的",
            f"member_{members}_titles": "镇武装部长",
            "member_0_delete": "on",
        },
    )
    removed = form.initial["member_0_name"]
    updated = client.post("/campaigns/import/", data)
    group = updated.context["facts"]["group"]
    assert {"role": "副组长", "name": "新来的", "titles": ["镇武装部长"]}.items() <= group[
        -1
    ].items()
    assert removed not in [m["name"] for m in group] and len(group) == members
    created = client.post("/campaigns/import/", posted(updated, step="confirm"))
    campaign = Campaign.objects.get(
        unit__name="无定河镇", name=updated.context["form"].initial["name"]
    )
    assert created.status_code == 302 and created.url == reverse(
        "campaign-detail", args=[campaign.pk]
    )
    member = GroupMember.objects.get(campaign=campaign, person__name="新来的")
    assert member.role == "deputy" and member.titles == ["镇武装部长"]
    assert not GroupMember.objects.filter(campaign=campaign, person__name=removed).exists()
    assert client.get(created.url).status_code == 200


def test_a_bad_draft_edit_is_explained_and_kept(login_as) -> None:
    client = login_as("admin")
    response = preview(client)
    token = response.context["form"].initial["token"]
    bad = client.post(
        "/campaigns/import/",
        posted(response, step="update", phase_0_start="2024-06-01", phase_0_end="2024-05-01"),
    )
    assert bad.status_code == 200 and "结束日期早于开始日期" in bad.content.decode()
    assert bad.context["form"]["token"].value() == token  # the draft is unchanged


def test_posts_to_fill_are_imported_and_shown(login_as) -> None:
    client = login_as("admin")
    response = preview(client, "shahe_posts.txt")
    vacant = [m for m in response.context["facts"]["group"] if not m["name"]]
    assert vacant, "the fixture names posts without people"
    client.post("/campaigns/import/", posted(response, step="confirm"))
    campaign = Campaign.objects.filter(unit__name="无定河镇").exclude(name="利剑-22").get()
    assert campaign.group_members.filter(person__isnull=True).count() == len(vacant)
    page = client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert "待补录" in page


def test_the_preview_warns_of_windows_outside_the_phases(login_as) -> None:
    response = preview(login_as("admin"))
    phases = response.context["facts"]["phases"]
    assert max(p["end"] for p in phases) == "2024-09-10"  # before cannabis seed ends, Sep 20
    page = response.content.decode()
    assert 'data-testid="windows-outside"' in page
    warning = page[page.index('data-testid="windows-outside"') :].split("</div>")[0]
    assert "大麻结籽期" in warning and "罂粟播种期" not in warning


def test_the_town_admin_is_warned_of_the_demo_windows_outside_its_phases(login_as, demo_campaign):
    page = login_as("admin").get(reverse("campaign-detail", args=[demo_campaign.pk]))
    warning = page.content.decode().split('data-testid="windows-outside"')[1].split("</div>")[0]
    assert "罂粟播种期" in warning  # sowing opens Apr 20, the first phase Apr 26


@pytest.mark.parametrize("username", ["cadre", "leader", "grid", "police"])
def test_only_the_town_admin_edits_the_structure(login_as, demo_campaign, username) -> None:
    client = login_as(username)
    page = client.get(reverse("campaign-detail", args=[demo_campaign.pk])).content.decode()
    assert 'data-testid="member-add-form"' not in page and 'data-testid="phase-remove"' not in page
    assert 'data-testid="windows-outside"' not in page  # "请核对阶段日期" is for who can
    member = demo_campaign.group_members.first()
    for url in (
        reverse("member-add", args=[demo_campaign.pk]),
        reverse("member-remove", args=[demo_campaign.pk, member.pk]),
        reverse("phase-add", args=[demo_campaign.pk]),
        reverse("village-add", args=[demo_campaign.pk]),
    ):
        assert client.post(url, {"role": "member", "name": "冒名", "titles": ""}).status_code in (
            403,
            404,
        ), url
    assert demo_campaign.group_members.filter(pk=member.pk).exists()
    assert not GroupMember.objects.filter(person__name="冒名").exists()


def test_admin_adds_a_member_and_bad_input_changes_nothing(login_as, demo_campaign) -> None:
    client = login_as("admin")
    url = reverse("member-add", args=[demo_campaign.pk])
    before = demo_campaign.group_members.count()
    bad = client.post(url, {"role": "member", "name": " ", "titles": ""})
    assert bad.status_code == 400 and "请填写姓名，或填写待补录的职务" in bad.content.decode()
    assert demo_campaign.group_members.count() == before
    ok = client.post(url, {"role": "member", "name": "孟小川", "titles": "镇武装部长"})
    assert ok.status_code == 302
    assert demo_campaign.group_members.filter(person__name="孟小川").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "巩固", "starts_on": "2022-10-20", "ends_on": "2022-10-10"},
            "结束日期早于开始日期",
        ),
        ({"name": "巩固", "starts_on": "2023-03-01", "ends_on": "2023-03-10"}, "超出行动期限"),
        ({"name": "", "starts_on": "2022-10-01", "ends_on": "2022-10-10"}, "请填写阶段名称"),
        ({"name": "巩固", "starts_on": "", "ends_on": "2022-10-10"}, "请填写开始日期"),
    ],
)
def test_a_bad_phase_is_explained(login_as, demo_campaign, data, message) -> None:
    before = demo_campaign.phases.count()
    response = login_as("admin").post(reverse("phase-add", args=[demo_campaign.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert demo_campaign.phases.count() == before


def test_a_village_with_records_is_not_removed(login_as, demo_campaign) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    client = login_as("admin")
    response = client.post(
        reverse("village-remove", args=[demo_campaign.pk, village.pk]), follow=True
    )
    assert "已有人员、地块或其他记录，不能删除" in response.content.decode()
    assert AdminUnit.objects.filter(pk=village.pk).exists()


def test_a_post_to_fill_is_filled_on_its_edit_page(login_as, demo_campaign) -> None:
    from zerocrop.campaigns.services import member_add

    member = member_add(campaign=demo_campaign, role="member", name="", titles="司法所所长")
    client = login_as("admin")
    url = reverse("member-edit", args=[demo_campaign.pk, member.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="司法所所长"' in page.content.decode()
    bad = client.post(url, {"role": "member", "name": "", "titles": ""})
    assert "请填写姓名，或填写待补录的职务" in bad.content.decode()
    assert (
        client.post(url, {"role": "member", "name": "白云", "titles": "司法所所长"}).status_code
        == 302
    )
    member.refresh_from_db()
    assert member.person.name == "白云" and member.titles == ["司法所所长"]


def test_a_phase_is_edited_on_its_page(login_as, demo_campaign) -> None:
    phase = demo_campaign.phases.get(name="总结检查")
    client = login_as("admin")
    url = reverse("phase-edit", args=[demo_campaign.pk, phase.pk])
    assert 'value="2022-09-20"' in client.get(url).content.decode()
    bad = client.post(url, {"name": "总结检查", "starts_on": "2022-09-01", "ends_on": "2022-09-30"})
    assert "与「踏查铲毒」阶段" in bad.content.decode()  # it would overlap the phase before
    phase.refresh_from_db()
    assert str(phase.starts_on) == "2022-09-20"
    ok = client.post(url, {"name": "总结验收", "starts_on": "2022-09-20", "ends_on": "2022-10-15"})
    assert ok.status_code == 302
    phase.refresh_from_db()
    assert phase.name == "总结验收" and str(phase.ends_on) == "2022-10-15"
    assert login_as("cadre").get(url).status_code == 403


def test_a_confirmation_without_the_rows_keeps_the_drafted_group(login_as) -> None:
    client = login_as("admin")
    data = {
        k: v
        for k, v in posted(preview(client), step="confirm").items()
        if not k.startswith(("member_", "unit_"))
    }
    assert client.post("/campaigns/import/", data).status_code == 302
    campaign = Campaign.objects.get(name="净土-24")
    assert campaign.group_members.filter(person__name="赵建国", role="leader").exists()
    assert AdminUnit.objects.filter(parent=campaign.unit, name="东岭村").exists()
