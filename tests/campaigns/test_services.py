import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from zerocrop.campaigns.models import Campaign, GroupMember, Phase, Pledge
from zerocrop.campaigns.services import campaign_create_from_facts, pledge_register, pledge_void
from zerocrop.core.errors import ApplicationError
from zerocrop.org.models import AdminUnit, Person, User

pytestmark = pytest.mark.django_db


def facts(**campaign: object) -> dict:
    return {
        "campaign": {"name": "清源-23", "town": "红柳镇", "issued_on": "2023-04-20", **campaign},
        "phases": [
            {"name": "动员部署", "start": "2023-04-20", "end": "2023-05-05"},
            {"name": "踏查铲毒", "start": "2023-05-05", "end": "2023-09-15"},
        ],
        "units": [
            {"name": "东沟村", "kind": "village"},
            {"name": "红柳派出所", "kind": "police_station"},
        ],
        "group": [
            {"role": "组长", "name": "赵 刚", "titles": ["党委书记"], "unit": None},
            {"role": "成员", "name": "钱进", "titles": ["党支部书记"], "unit": "东沟村"},
        ],
    }


def test_demo_campaign_has_the_notice_facts(demo_campaign: Campaign) -> None:
    assert demo_campaign.name == "利剑-22"
    assert demo_campaign.unit.name == "无定河镇" and demo_campaign.unit.parent.name == "乌审旗"
    members = GroupMember.objects.filter(campaign=demo_campaign)
    assert members.filter(role="leader").get().person.name == "李树文"
    assert members.filter(role="deputy").count() == 2
    assert members.filter(role="member").count() == 21
    assert members.get(office_role="director").person.name == "张万祥"
    assert members.get(office_role="deputy_director").person.name == "吉雅"
    phases = list(demo_campaign.phases.values_list("name", "starts_on", "ends_on"))
    assert phases[0] == ("动员部署", date(2022, 4, 26), date(2022, 5, 10))
    assert phases[-1] == ("总结检查", date(2022, 9, 20), date(2022, 9, 30))
    villages = AdminUnit.objects.filter(parent=demo_campaign.unit, level="village")
    assert villages.count() == 14
    assert demo_campaign.critical_windows.count() == 6
    assert demo_campaign.liaisons.count() == 16


def test_create_from_facts_builds_units_people_and_group() -> None:
    campaign = campaign_create_from_facts(facts=facts())
    assert campaign.year == 2023
    village = AdminUnit.objects.get(name="东沟村")
    assert village.parent == campaign.unit and village.path.startswith(campaign.unit.path)
    assert AdminUnit.objects.get(name="红柳派出所").office_kind == "police_station"
    assert Person.objects.get(name="钱进").unit == village
    assert GroupMember.objects.get(person__name="赵刚").role == "leader"


def test_bad_phase_dates_change_nothing() -> None:
    bad = facts()
    bad["phases"][1]["end"] = "2023-04-01"
    counts = (Campaign.objects.count(), AdminUnit.objects.count(), Phase.objects.count())
    with pytest.raises(ApplicationError, match="第2阶段「踏查铲毒」的结束日期早于开始日期"):
        campaign_create_from_facts(facts=bad)
    assert (Campaign.objects.count(), AdminUnit.objects.count(), Phase.objects.count()) == counts
    assert not AdminUnit.objects.filter(name="红柳镇").exists()


def test_unreadable_date_is_named() -> None:
    with pytest.raises(ApplicationError, match="印发日期的日期「四月」无法识别"):
        campaign_create_from_facts(facts=facts(issued_on="四月"))


def test_duplicate_campaign_is_refused() -> None:
    campaign_create_from_facts(facts=facts())
    with pytest.raises(ApplicationError, match="红柳镇已有名为「清源-23」的行动"):
        campaign_create_from_facts(facts=facts())
    assert Campaign.objects.filter(name="清源-23").count() == 1


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_pledge_scan_is_stored_by_hash(demo_campaign: Campaign) -> None:
    village = AdminUnit.objects.get(name="红进滩村")
    data = png_bytes()
    pledge = pledge_register(
        campaign=demo_campaign,
        kind="household",
        unit=village,
        signer="王二",
        household="红进滩村3组",
        signed_on=date(2022, 5, 3),
        scan_name="扫描.png",
        scan_file=data,
    )
    assert pledge.scan.storage_name.endswith(f"{pledge.scan.sha256}.png")
    assert pledge.scan.original_name == "扫描.png"
    with default_storage.open(pledge.scan.storage_name, "rb") as stored:
        assert stored.read() == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空.pdf", b"", "是空文件"),
        ("病毒.pdf", b"MZ\x90\x00 not a pdf", "不是 PDF、JPG 或 PNG 文件"),
        ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片已损坏"),
    ],
)
def test_bad_scans_are_refused_and_nothing_is_saved(
    demo_campaign: Campaign, name: str, data: bytes, message: str
) -> None:
    before = Pledge.objects.count()
    with pytest.raises(ApplicationError, match=message):
        pledge_register(
            campaign=demo_campaign,
            kind="unit",
            unit=AdminUnit.objects.get(name="庙滩村"),
            signer="马海山",
            signed_on=date(2022, 5, 3),
            scan_name=name,
            scan_file=data,
        )
    assert Pledge.objects.count() == before


def test_pledge_for_a_unit_outside_the_campaign_is_refused(demo_campaign: Campaign) -> None:
    other = campaign_create_from_facts(facts=facts())
    with pytest.raises(ApplicationError, match="不属于无定河镇"):
        pledge_register(
            campaign=demo_campaign,
            kind="unit",
            unit=AdminUnit.objects.get(name="东沟村"),
            signer="钱进",
            signed_on=date(2022, 5, 3),
        )
    assert other.pledges.count() == 0


def test_void_needs_a_reason_and_keeps_the_record(demo_campaign: Campaign) -> None:
    pledge = Pledge.objects.filter(campaign=demo_campaign).first()
    with pytest.raises(ApplicationError, match="作废必须填写原因"):
        pledge_void(pledge=pledge, reason="  ")
    pledge_void(pledge=pledge, reason="签订人写错")
    pledge.refresh_from_db()
    assert pledge.voided_at is not None and pledge.void_reason == "签订人写错"


def test_notice_listing_only_an_office_keeps_it_after_the_villages(demo_campaign: Campaign) -> None:
    from zerocrop.campaigns.notice import parse_notice
    from zerocrop.campaigns.selectors import campaign_overview

    draft = parse_notice(
        "无定河镇人民政府关于印发《无定河镇“清源-23”禁种铲毒行动实施方案》的通知\n"
        "无定河镇人民政府\n2023年4月1日\n"
        "成立领导小组，由镇党委书记李树文任组长，各村党支部书记为成员。"
        "领导小组下设办公室，办公室设在镇综治中心。\n"
        "（一）宣传发动阶段（4月1日至4月30日）\n"
        "各村要组织踏查。\n"
    )
    assert not any("村级单位未导入" in w for w in draft.warnings)
    assert [u.name for u in draft.units] == ["镇综治中心"]
    campaign = campaign_create_from_facts(facts=draft.to_dict())
    admin = User.objects.get(username="admin")
    overview = campaign_overview(campaign=campaign, user=admin, today=date(2023, 5, 1))
    levels = [r.unit.level for r in overview.unit_rows]
    assert overview.counts["villages"] == 14 and overview.counts["communities"] == 2
    first_office = levels.index("office")
    assert "village" not in levels[first_office:] and "community" not in levels[first_office:]
    office = AdminUnit.objects.get(parent=campaign.unit, name="镇综治中心")
    villages = AdminUnit.objects.filter(parent=campaign.unit, level__in=["village", "community"])
    assert office.sort_order > max(v.sort_order for v in villages)
