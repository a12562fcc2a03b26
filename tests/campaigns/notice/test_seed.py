"""The seed notice (利剑-22 of 无定河镇), read whole and checked field by field."""

from __future__ import annotations

from datetime import date

from support.notices import SEED, needs_seed, phase
from zerocrop.campaigns.notice import parse_notice


@needs_seed
def test_seed_notice_campaign_facts() -> None:
    draft = parse_notice(SEED.read_text(encoding="utf-8"))
    assert draft.to_dict()["campaign"] == {
        "name": "利剑-22",
        "town": "无定河镇",
        "county": None,
        "issuer": "无定河镇人民政府",
        "issued_on": "2022-04-26",
        "title": "无定河镇“利剑-22”禁种铲毒行动实施方案",
        "year": 2022,
    }
    assert draft.goals == ("零种植", "零产量", "发现率100%", "铲除率100%")
    assert draft.warnings == ()


@needs_seed
def test_seed_notice_group() -> None:
    draft = parse_notice(SEED.read_text(encoding="utf-8"))
    leaders = draft.members("组长")
    deputies = draft.members("副组长")
    members = draft.members("成员")
    assert [(m.name, m.titles) for m in leaders] == [("李树文", ("党委书记",))]
    assert [(m.name, m.titles) for m in deputies] == [
        ("斯楞格", ("党委副书记", "政府镇长")),
        ("张万祥", ("党委副书记", "政法委员")),
    ]
    assert len(members) == 21
    assert [(m.name, m.unit, m.titles) for m in members[:4]] == [
        ("李登军", "无定河第一派出所", ("所长",)),
        ("边永军", "无定河第二派出所", ("所长",)),
        ("南定", "无定河司法所", ("所长",)),
        ("苏醒", "河南司法所", ("所长",)),
    ]
    by_name = {m.name: m for m in members}
    assert by_name["王鸣山"].unit == "毛布拉格村"
    assert by_name["王鸣山"].titles == ("党支部书记", "村委会主任")
    assert by_name["石秀荣"].titles == ("党总支书记", "村委会主任")
    assert by_name["尚娟"].unit == "河园社区"
    assert by_name["尚娟"].titles == ("党支部书记", "居委会主任")
    assert by_name["思兵兵"].unit == "河南社区"
    assert by_name["思兵兵"].titles == ("党支部书记",)
    assert by_name["吉雅"].unit == "镇平安建设办"
    assert by_name["吉雅"].titles == ("负责人",)
    assert {"潘兵", "尚娟", "南定", "苏醒", "吉雅"} <= set(by_name)
    office_roles = {m.name: m.office_role for m in draft.group if m.office_role}
    assert office_roles == {"张万祥": "办公室主任", "吉雅": "办公室副主任"}


@needs_seed
def test_seed_notice_office_phases_units_monitoring() -> None:
    draft = parse_notice(SEED.read_text(encoding="utf-8"))
    data = draft.to_dict()
    assert data["office"] == {"location": "镇平安建设办公室", "head": "张万祥", "deputy": "吉雅"}
    assert data["phases"] == [
        phase("动员部署", "2022-04-26", "2022-05-10"),
        phase("禁种宣传", "2022-05-10", "2022-05-25"),
        phase("踏查铲毒", "2022-05-25", "2022-09-20"),
        phase("总结检查", "2022-09-20", "2022-09-30"),
    ]
    villages = [u.name for u in draft.units_of("village")]
    assert len(villages) == 14
    assert villages[0] == "毛布拉格村"
    assert villages[-1] == "巴图湾村"
    assert "河南村" in villages
    assert [u.name for u in draft.units_of("community")] == ["河园社区", "河南社区"]
    assert [u.name for u in draft.units_of("police_station")] == [
        "无定河第一派出所",
        "无定河第二派出所",
    ]
    assert [u.name for u in draft.units_of("judicial_office")] == ["无定河司法所", "河南司法所"]
    assert [u.name for u in draft.units_of("office")] == ["镇平安建设办"]
    secretaries = {m.unit for m in draft.members("成员") if m.titles[0].endswith("书记")}
    assert set(villages) | {"河园社区", "河南社区"} == secretaries
    assert data["monitoring_modes"] == [
        {"mode": "精测", "zone": "重点区域"},
        {"mode": "巡测", "zone": "传统区域"},
        {"mode": "抽测", "zone": "潜在区域"},
        {"mode": "机动", "zone": None},
    ]
    assert draft.monitoring_sources == ("卫星遥感", "无人机航测")
    assert draft.critical_stages == ("播种期", "开花期", "割浆期")
    assert draft.source_text.startswith("无定河镇人民政府关于印发")


@needs_seed
def test_seed_notice_with_chinese_numeral_date_and_full_width_spaces() -> None:
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("2022年4月26日", "二〇二二年四月二十六日").replace("南  定", "南\u3000定")
    draft = parse_notice(text)
    assert draft.campaign.issued_on == date(2022, 4, 26)
    assert "南定" in {m.name for m in draft.group}
    assert draft.warnings == ()
