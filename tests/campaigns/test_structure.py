"""Editing a saved campaign's group, villages and phases through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zerocrop.campaigns import services
from zerocrop.campaigns.models import Campaign, GroupMember, Phase
from zerocrop.campaigns.selectors import campaign_overview, windows_outside_campaign
from zerocrop.campaigns.windows import edit_bounds, period_of, windows_outside
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.org.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(demo_campaign: Campaign) -> User:
    return User.objects.get(username="admin")


def audited(instance: object, action: str) -> bool:
    return AuditEvent.objects.filter(object_id=str(instance.pk), action=action).exists()


def test_add_edit_and_remove_a_member(demo_campaign: Campaign, admin: User) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    member = services.member_add(
        campaign=demo_campaign,
        role="member",
        name="孟 小川",
        titles="村委会主任",
        unit=village,
        actor=admin,
    )
    assert member.person.name == "孟小川" and member.person.unit == village
    assert member.titles == ["村委会主任"] and audited(member, "create")
    assert member.order == demo_campaign.group_members.count()  # appended at the end
    services.member_update(
        member=member,
        role="deputy",
        name="孟小川",
        titles="村委会主任、党支部副书记",
        unit=village,
        actor=admin,
    )
    member.refresh_from_db()
    assert member.role == "deputy" and member.titles == ["村委会主任", "党支部副书记"]
    assert audited(member, "update")
    pk = member.pk
    services.member_remove(member=member, actor=admin)
    assert not GroupMember.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="delete").exists()


def test_a_post_without_a_name_is_a_post_to_fill(demo_campaign: Campaign, admin: User) -> None:
    people = Person.objects.count()
    member = services.member_add(
        campaign=demo_campaign, role="member", name="", titles="派出所所长", actor=admin
    )
    assert member.person is None and "待补录" in str(member)
    assert Person.objects.count() == people
    services.member_update(
        member=member, role="member", name="白云飞", titles="派出所所长", actor=admin
    )
    member.refresh_from_db()
    assert member.person.name == "白云飞"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "", "titles": ""}, "请填写姓名，或填写待补录的职务"),
        ({"role": "boss"}, "职务「boss」无法识别"),
    ],
)
def test_a_bad_member_changes_nothing(demo_campaign: Campaign, changes, message) -> None:
    before = demo_campaign.group_members.count()
    args = {"role": "member", "name": "某人", "titles": ""} | changes
    with pytest.raises(ApplicationError, match=message):
        services.member_add(campaign=demo_campaign, **args)
    assert demo_campaign.group_members.count() == before


def test_a_member_of_another_town_is_refused(demo_campaign: Campaign) -> None:
    elsewhere = unit_create(name="别镇", level="town")
    village = unit_create(name="别村", level="village", parent=elsewhere)
    with pytest.raises(ApplicationError, match="「别村」不属于无定河镇"):
        services.member_add(campaign=demo_campaign, role="member", name="某人", unit=village)
    assert not Person.objects.filter(name="某人").exists()


def test_add_edit_and_remove_a_phase(demo_campaign: Campaign, admin: User) -> None:
    last = demo_campaign.phases.order_by("-ends_on").first()
    start = last.ends_on + timedelta(days=1)
    phase = services.phase_add(
        campaign=demo_campaign,
        name="巩固提升",
        starts_on=start,
        ends_on=start + timedelta(days=10),
        actor=admin,
    )
    assert phase.order == demo_campaign.phases.count() and audited(phase, "create")
    services.phase_update(
        phase=phase,
        name="巩固提升",
        starts_on=start,
        ends_on=start + timedelta(days=20),
        actor=admin,
    )
    phase.refresh_from_db()
    assert phase.ends_on == start + timedelta(days=20) and audited(phase, "update")
    pk = phase.pk
    services.phase_remove(phase=phase, actor=admin)
    assert not Phase.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="delete").exists()
    assert [p.order for p in demo_campaign.phases.all()] == list(
        range(1, demo_campaign.phases.count() + 1)
    )


def test_a_phase_is_numbered_by_its_dates(demo_campaign: Campaign) -> None:
    first = demo_campaign.phases.order_by("starts_on").first()
    Phase.objects.filter(pk=first.pk).update(starts_on=first.starts_on + timedelta(days=5))
    early = services.phase_add(
        campaign=demo_campaign,
        name="筹备",
        starts_on=first.starts_on,
        ends_on=first.starts_on + timedelta(days=4),
    )
    assert early.order == 1
    assert list(demo_campaign.phases.values_list("name", flat=True))[0] == "筹备"


@pytest.mark.parametrize(
    ("name", "start", "end", "message"),
    [
        ("", date(2022, 10, 10), date(2022, 10, 20), "阶段名称不能为空"),
        ("巩固", date(2022, 10, 20), date(2022, 10, 10), "结束日期早于开始日期"),
        ("巩固", date(2023, 3, 1), date(2023, 3, 10), "阶段日期超出行动期限"),
        ("巩固", date(2022, 6, 1), date(2022, 6, 10), "日期重叠"),
    ],
)
def test_a_bad_phase_changes_nothing(demo_campaign: Campaign, name, start, end, message) -> None:
    before = list(demo_campaign.phases.values_list("name", "starts_on", "ends_on"))
    with pytest.raises(ApplicationError, match=message):
        services.phase_add(campaign=demo_campaign, name=name, starts_on=start, ends_on=end)
    assert list(demo_campaign.phases.values_list("name", "starts_on", "ends_on")) == before


def test_add_and_remove_a_village(demo_campaign: Campaign, admin: User) -> None:
    town = demo_campaign.unit
    unit = services.village_add(campaign=demo_campaign, name="新 建村", actor=admin)
    assert unit.parent == town and unit.name == "新建村" and unit.level == "village"
    villages = AdminUnit.objects.filter(parent=town, level__in=["village", "community"])
    offices = AdminUnit.objects.filter(parent=town, level="office")
    assert unit.sort_order == max(v.sort_order for v in villages)
    assert all(o.sort_order > unit.sort_order for o in offices)
    with pytest.raises(ApplicationError, match="无定河镇已有「新建村」"):
        services.village_add(campaign=demo_campaign, name="新建村")
    pk = unit.pk
    services.village_remove(campaign=demo_campaign, unit=unit, actor=admin)
    assert not AdminUnit.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="delete").exists()


def test_a_village_with_people_is_kept(demo_campaign: Campaign) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    with pytest.raises(ApplicationError, match="已有人员、地块或其他记录，不能删除"):
        services.village_remove(campaign=demo_campaign, unit=village)
    assert AdminUnit.objects.filter(pk=village.pk).exists()


def test_windows_outside_the_phases_are_found() -> None:
    windows = [("poppy", "sowing", date(2024, 4, 20), date(2024, 5, 31))]
    assert windows_outside(windows, (date(2024, 5, 1), date(2024, 9, 30))) == windows
    assert windows_outside(windows, (date(2024, 4, 1), date(2024, 9, 30))) == []
    assert windows_outside(windows, None) == []
    assert period_of(
        [(date(2024, 5, 1), date(2024, 5, 9)), (date(2024, 4, 1), date(2024, 4, 9))]
    ) == (date(2024, 4, 1), date(2024, 5, 9))
    assert edit_bounds(2024, (date(2023, 12, 1), date(2024, 3, 1))) == (
        date(2023, 12, 1),
        date(2024, 12, 31),
    )


def test_the_campaign_overview_warns_of_windows_outside(demo_campaign: Campaign, admin) -> None:
    windows = list(demo_campaign.critical_windows.all())
    # The demo's first phase starts on Apr 26; both sowing windows open on Apr 20.
    outside = windows_outside_campaign(campaign=demo_campaign, windows=windows)
    assert sorted(str(w) for w in outside) == ["大麻播种期", "罂粟播种期"]
    demo_campaign.phases.filter(name="总结检查").delete()
    demo_campaign.phases.filter(name="踏查铲毒").update(ends_on=date(2022, 8, 31))
    outside = windows_outside_campaign(campaign=demo_campaign, windows=windows)
    assert sorted(str(w) for w in outside) == ["大麻播种期", "大麻结籽期", "罂粟播种期"]
    overview = campaign_overview(campaign=demo_campaign, user=admin, today=date(2022, 7, 10))
    assert overview.windows_outside == outside
