"""The notice importer (zerocrop.campaigns.notice / notice_files): pure, no Django."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerocrop.campaigns.notice import (
    NoticeDraft,
    cn_to_int,
    find_full_date,
    is_person_name,
    is_placeholder,
    parse_notice,
    split_unit,
    unit_kind,
)
from zerocrop.campaigns.notice_files import NoticeFileError, decode_text, read_notice_file

NOTICES = Path(__file__).parent / "notices"
SEED = Path(__file__).parents[2].parent / "shared/seed/000_cf7400cc5e9430ef.txt"
needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason=f"seed notice {SEED} is not present in this checkout"
)

ROLES = {"组长", "副组长", "成员"}
KINDS = {"village", "community", "police_station", "judicial_office", "office"}


def load(name: str) -> NoticeDraft:
    return parse_notice(read_notice_file(NOTICES / name))


def member(
    role: str,
    name: str | None,
    titles: list[str],
    unit: str | None,
    line: int,
    office_role: str | None = None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "titles": titles,
        "unit": unit,
        "office_role": office_role,
        "phone": None,
        "line": line,
    }


def phase(name: str, start: str, end: str) -> dict[str, str]:
    return {"name": name, "start": start, "end": end}


def units(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "kind": kind} for name, kind in pairs]


def assert_well_formed(draft: NoticeDraft) -> None:
    """Invariants every draft must keep, whatever the input."""
    data = draft.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert all(isinstance(w, str) and w for w in data["warnings"])
    assert not any("内部错误" in w for w in data["warnings"]), data["warnings"]
    for person in data["group"]:
        assert person["role"] in ROLES
        assert person["office_role"] in {None, "办公室主任", "办公室副主任"}
        assert person["name"] is None or (person["name"] and " " not in person["name"])
    assert {u["kind"] for u in data["units"]} <= KINDS
    for item in data["phases"]:
        assert date.fromisoformat(item["start"]) <= date.fromisoformat(item["end"])


# --------------------------------------------------------------------------- the seed notice


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


# --------------------------------------------------------------------------- odd notices


def test_township_with_one_time_range_instead_of_phases() -> None:
    draft = load("hongliu_xiang_time_range.txt")
    data = draft.to_dict()
    assert data["campaign"] == {
        "name": "清源2023",
        "town": "红柳乡",
        "county": None,
        "issuer": "红柳乡人民政府",
        "issued_on": "2023-03-06",  # 二〇二三年三月六日
        "title": "红柳乡「清源2023」禁种铲毒专项行动实施方案",
        "year": 2023,
    }
    assert data["group"] == [
        member("组长", "何春林", ["乡党委书记"], None, 17),
        member("副组长", "马玉兰", ["乡党委副书记", "乡长"], None, 18, "办公室主任"),
        member("成员", "丁国强", ["所长"], "红柳派出所", 19),
        member("成员", "杨帆", ["所长"], "红柳司法所", 20),
        member("成员", "沙建民", ["党支部书记"], "上坪村", 21),
        member("成员", "马成", ["党支部书记"], "下坪村", 22),
        member("成员", "白海燕", ["党支部书记", "居委会主任"], "红柳社区", 23),
        member("成员", "周晓", ["专干"], "乡禁毒办", 24, "办公室副主任"),
    ]
    assert data["office"] == {"location": "乡禁毒办", "head": "马玉兰", "deputy": "周晓"}
    assert data["phases"] == [phase("全程", "2023-03-10", "2023-10-31")]
    assert data["units"] == units(
        ("红柳派出所", "police_station"),
        ("红柳司法所", "judicial_office"),
        ("上坪村", "village"),
        ("下坪村", "village"),
        ("红柳社区", "community"),
        ("乡禁毒办", "office"),
    )
    assert data["goals"] == ["零种植", "零产量", "发现率100%", "铲除率100%"]
    assert data["monitoring_modes"] == []
    assert data["monitoring_sources"] == ["无人机航测"]
    assert data["critical_stages"] == ["播种期", "开花期"]
    assert data["warnings"] == [
        "通知没有分阶段安排，已按“行动时间”中的起止日期（2023-03-10至2023-10-31）"
        "生成一个阶段“全程”。"
    ]


def test_sumu_with_placeholder_names() -> None:
    draft = load("bayintala_sumu_placeholders.txt")
    data = draft.to_dict()
    assert data["campaign"] == {
        "name": "春雷行动",
        "town": "巴音塔拉苏木",
        "county": None,
        "issuer": "巴音塔拉苏木人民政府",
        "issued_on": "2024-03-18",
        "title": '巴音塔拉苏木"春雷行动"禁种铲毒工作方案',
        "year": 2024,
    }
    assert data["group"] == [
        member("组长", None, ["苏木党委书记"], None, 12),
        member("副组长", None, ["苏木党委副书记", "苏木达"], None, 13),
        member("成员", None, ["所长"], "巴音塔拉派出所", 14),
        member("成员", None, ["党支部书记", "嘎查委员会主任"], "乌兰嘎查", 15),
        member("成员", "额尔敦毕力格", ["党支部书记"], "宝日嘎查", 16, "办公室主任"),
        member("成员", "其木格", ["党委书记"], "巴音塔拉社区", 17),
        member("成员", None, ["主任"], "苏木综治中心", 18),
    ]
    assert data["office"] == {"location": "苏木综治中心", "head": "额尔敦毕力格", "deputy": None}
    assert data["phases"] == [
        phase("宣传发动", "2024-03-18", "2024-03-31"),
        phase("踏查清除", "2024-04-01", "2024-08-31"),
        phase("总结验收", "2024-09-01", "2024-09-15"),
    ]
    assert data["units"] == units(
        ("巴音塔拉派出所", "police_station"),
        ("乌兰嘎查", "village"),
        ("宝日嘎查", "village"),
        ("巴音塔拉社区", "community"),
        ("苏木综治中心", "office"),
    )
    assert data["goals"] == ["零种植"]
    assert data["monitoring_modes"] == [
        {"mode": "精测", "zone": "重点区域"},
        {"mode": "巡测", "zone": "传统区域"},
    ]
    assert data["monitoring_sources"] == ["卫星遥感"]
    assert data["warnings"] == [
        "第12行“组  长：XX  苏木党委书记”中的姓名是占位符“XX”，姓名未导入，请补录。",
        "第13行“副组长：××  苏木党委副书记、苏木达”中的姓名是占位符“××”，姓名未导入，请补录。",
        "第14行“成  员：***  巴音塔拉派出所所长”中的姓名是占位符“***”，姓名未导入，请补录。",
        "第15行“某某  乌兰嘎查党支部书记、嘎查委员会主任”中的姓名是占位符“某某”，"
        "姓名未导入，请补录。",
        "第18行“张XX  苏木综治中心主任”中的姓名是占位符“张XX”，姓名未导入，请补录。",
    ]


def test_generic_villages_title_only_members_and_office_in_police_station() -> None:
    draft = load("shuangshu_generic_villages.txt")
    data = draft.to_dict()
    assert data["campaign"]["name"] == "净土"
    assert data["campaign"]["town"] == "双树镇"
    assert data["campaign"]["issued_on"] == "2023-04-10"
    assert data["group"] == [
        member("组长", "韩立东", ["镇党委书记"], None, 10),  # title written before the name
        member("副组长", "孙岩", ["镇长"], None, 11),
        member("成员", None, ["所长"], "镇派出所", 12),
        member("成员", None, ["所长"], "镇司法所", 14),
    ]
    assert data["office"] == {"location": "镇派出所", "head": None, "deputy": None}
    assert data["phases"] == [
        phase("宣传发动", "2023-04-10", "2023-04-30"),
        phase("集中踏查", "2023-05-01", "2023-08-31"),
    ]
    assert data["units"] == units(("镇派出所", "police_station"), ("镇司法所", "judicial_office"))
    assert data["goals"] == ["零种植", "零产量"]
    assert data["warnings"] == [
        "第12行“成  员：镇派出所所长”只有职务没有姓名，姓名未导入，请补录。",
        "第13行“各村党支部书记”中的“各村党支部书记”没有列出具体的村（社区）名单，"
        "该项未导入，请补录。",
        "第14行“镇司法所所长”只有职务没有姓名，姓名未导入，请补录。",
        "第15行“领导小组办公室设在镇派出所，办公室主任由派出所所长兼任。”中办公室主任"
        "只写了职务“派出所所长”，没有姓名，未导入。",
        "第19行“（三）巩固提高阶段（9月份）”有阶段“巩固提高”，但没有可识别的起止日期。",
        "阶段“巩固提高”缺少有效的起止日期，未导入该阶段，请补录。",
    ]


def test_cross_year_phases_chinese_numerals_and_duplicate_names() -> None:
    draft = load("yunling_cross_year_duplicates.txt")
    data = draft.to_dict()
    assert data["campaign"] == {
        "name": "雷霆",
        "town": "云岭乡",
        "county": None,
        "issuer": "云岭乡人民政府",  # not the "…文件" masthead above it
        "issued_on": "2023-10-09",
        "title": "云岭乡2023—2024年度“雷霆”冬春季禁种铲毒行动实施方案",
        "year": 2023,
    }
    assert data["group"] == [
        member("组长", "段正平", ["乡党委书记"], None, 17),
        member("副组长", "李国华", ["乡党委副书记", "乡长"], None, 18),
        member("副组长", "罗永昌", ["乡党委副书记"], None, 19, "办公室主任"),
        member("成员", "李国华", ["乡党委副书记", "乡长"], None, 20),
        member("成员", "王芳", ["党总支书记"], "大坪村", 21),
        member("成员", "王芳", ["党支部书记"], "小河村", 22),
        member("成员", "杨绍忠", ["所长"], "云岭派出所", 23, "办公室副主任"),
        member("成员", "罗永昌", ["主任"], "乡平安办", 24),
    ]
    assert data["office"] == {"location": "乡平安办", "head": "罗永昌", "deputy": "杨绍忠"}
    assert data["phases"] == [
        phase("宣传发动", "2023-10-15", "2023-11-30"),
        phase("集中铲除", "2023-12-01", "2024-02-28"),
        phase("复查巩固", "2024-03-01", "2024-03-31"),
    ]
    assert data["units"] == units(
        ("大坪村", "village"),
        ("小河村", "village"),
        ("云岭派出所", "police_station"),
        ("乡平安办", "office"),
    )
    assert data["goals"] == ["零种植", "零产量", "零流出", "发现率100%", "铲除率100%"]
    assert data["critical_stages"] == ["出苗期", "开花期"]
    assert data["warnings"] == [
        "领导小组名单中“李国华”出现2次（第18行、第20行），均已保留，请核对是同名同姓还是重复录入。",
        "领导小组名单中“罗永昌”出现2次（第19行、第24行），均已保留，请核对是同名同姓还是重复录入。",
        "领导小组名单中“王芳”出现2次（第21行、第22行），均已保留，请核对是同名同姓还是重复录入。",
        "办公室主任“罗永昌”在名单中出现多次，办公室主任只标在第一处。",
        "第29行“第三阶段：复查巩固（3月1日-3月31日）。对已铲除地块开展…”（阶段“复查巩固”）"
        "未写年份，按上一阶段的年份2024年处理。",
    ]


def test_gbk_file_with_street_office_and_bracketed_titles() -> None:
    path = NOTICES / "jinshan_jiedao_gbk.txt"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the fixture really is GBK
    data = load("jinshan_jiedao_gbk.txt").to_dict()
    assert data["campaign"] == {
        "name": "护苗2024",
        "town": "金山街道",
        "county": None,
        "issuer": "金山街道办事处",
        "issued_on": "2024-05-06",
        "title": "金山街道“护苗2024”禁种铲毒行动实施方案",
        "year": 2024,
    }
    assert data["group"] == [
        member("组长", "陈建平", ["街道党工委书记"], None, 8),
        member("副组长", "刘洋", ["街道办事处主任"], None, 9),
        member("副组长", "黄晓梅", ["街道党工委副书记"], None, 9),
        member("成员", "郑凯", ["所长"], "金山派出所", 10),
        member("成员", "林玉珍", ["党委书记", "居委会主任"], "东湖社区", 11),
        member("成员", "吴志刚", ["党委书记"], "西岭社区", 12),
        member("成员", "唐敏", ["主任"], "街道综治中心", 13, "办公室主任"),
    ]
    assert data["office"] == {"location": "街道综治中心", "head": "唐敏", "deputy": None}
    assert data["phases"] == [
        phase("宣传发动", "2024-05-06", "2024-05-20"),
        phase("排查清除", "2024-05-21", "2024-08-31"),
        phase("总结", "2024-09-01", "2024-09-10"),
    ]
    assert data["units"] == units(
        ("金山派出所", "police_station"),
        ("东湖社区", "community"),
        ("西岭社区", "community"),
        ("街道综治中心", "office"),
    )
    assert data["warnings"] == []


def test_bom_crlf_file_with_county_prefix_second_group_and_bad_dates() -> None:
    raw = (NOTICES / "qingshi_bom_crlf.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    data = load("qingshi_bom_crlf.txt").to_dict()
    assert data["campaign"] == {
        "name": "利剑2023",
        "town": "青石镇",
        "county": "石门县",
        "issuer": "青石镇人民政府",
        "issued_on": "2023-05-08",  # full-width digits
        "title": "石门县青石镇“利剑2023”禁种铲毒行动实施方案",
        "year": 2023,
    }
    assert data["group"] == [
        member("组长", "周平", ["镇党委书记"], None, 13),
        member("副组长", "覃海波", ["镇党委副书记", "镇长"], None, 14, "办公室主任"),
        member("成员", "覃丽", ["党支部书记"], "青石村", 15),
        member("成员", "向东升", ["党总支书记", "村委会主任"], "龙潭村", 16),
        member("成员", "田勇", ["副所长"], "青石派出所", 17),
        member("成员", None, ["负责人"], "镇综治办", 18),
    ]
    assert data["office"] == {"location": "镇综治办", "head": "覃海波", "deputy": None}
    assert data["phases"] == [
        phase("部署", "2023-05-08", "2023-05-31"),  # 即日起 → the issue date
        phase("清查", "2023-06-01", "2023-08-31"),  # 6.1-8.31
    ]
    assert data["units"] == units(
        ("青石村", "village"),
        ("龙潭村", "village"),
        ("青石派出所", "police_station"),
        ("镇综治办", "office"),
    )
    assert data["warnings"] == [
        "乡镇名称前带有上级区划“石门县”，乡镇按“青石镇”导入，“石门县”作为上级区划。",
        "第18行“镇综治办负责人”只有职务没有姓名，姓名未导入，请补录。",
        "第22行“组  长：覃海波”在领导小组名单之后又出现名单（可能是其他工作组），未导入。",
        "第23行“成  员：镇纪委、镇综治办相关人员”在领导小组名单之后又出现名单"
        "（可能是其他工作组），未导入。",
        "第25行“（一）部署阶段（即日起至5月31日）”（阶段“部署”）写的是“即日起”，"
        "开始日期按印发日期2023-05-08处理。",
        "第27行“（三）验收阶段（9月1日至9月31日）”（阶段“验收”）的结束日期"
        "“9月1日至9月31日”不是有效日期，未导入。",
        "阶段“验收”缺少有效的起止日期，未导入该阶段，请补录。",
    ]


def test_unquoted_title_inline_date_and_several_members_per_line() -> None:
    data = load("changling_unquoted_title.txt").to_dict()
    assert data["campaign"] == {
        "name": None,
        "town": "长岭镇",
        "county": None,
        "issuer": None,
        "issued_on": "2022-03-15",
        "title": "长岭镇2022年禁种铲毒工作实施方案",
        "year": 2022,
    }
    assert data["group"] == [
        member("组长", "赵德明", ["镇党委书记"], None, 6),
        member("副组长", "钱文斌", ["镇长"], None, 7, "办公室主任"),
        member("成员", "孙立新", ["所长"], "镇派出所", 8),
        member("成员", "李红", ["党支部书记"], "东坡村", 8),
        member("成员", "周建国", ["党支部书记"], "西坡村", 8),
    ]
    assert data["office"] == {"location": "镇禁毒办", "head": "钱文斌", "deputy": None}
    assert data["phases"] == [
        phase("动员", "2022-03-15", "2022-03-31"),
        phase("踏查", "2022-04-01", "2022-07-31"),
    ]
    assert data["units"] == units(
        ("镇派出所", "police_station"),
        ("东坡村", "village"),
        ("西坡村", "village"),
        ("镇禁毒办", "office"),
    )
    assert data["warnings"] == [
        "标题《长岭镇2022年禁种铲毒工作实施方案》中没有用引号标出的行动名称，行动名称未导入。",
        "未找到发文单位（如“××镇人民政府”）。",
        "没有单独一行的落款日期，印发日期按第3行“为切实做好2022年禁种铲毒工作，"
        "镇党委、政府研究制定了《长…”中的2022-03-15推定，请核对。",
        "第7行“常务副组长：钱文斌 镇长”中的“常务副组长”按副组长导入。",
    ]


def _write_docx(path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("柳河镇人民政府关于印发《柳河镇“清风-24”禁种铲毒行动实施方案》的通知")
    document.add_paragraph("柳河镇人民政府")
    document.add_paragraph("二〇二四年四月二日")
    document.add_paragraph("柳河镇“清风-24”禁种铲毒行动实施方案")
    document.add_paragraph("一、组织领导")
    table = document.add_table(rows=4, cols=3)
    rows = [
        ("组长", "孙国栋", "镇党委书记"),
        ("副组长", "钱  进", "镇党委副书记、镇长"),
        ("成员", "赵  丽", "柳河村党支部书记、村委会主任"),
        ("", "冯  强", "柳河派出所所长"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("领导小组办公室设在镇综治中心，钱进同志兼任办公室主任。")
    document.add_paragraph("（一）宣传阶段（4月2日—4月30日）")
    document.add_paragraph("（二）铲除阶段（5月1日—8月31日）")
    document.save(str(path))


def test_docx_notice_with_the_group_in_a_table(tmp_path: Path) -> None:
    path = tmp_path / "柳河镇方案.docx"
    _write_docx(path)
    data = parse_notice(read_notice_file(path)).to_dict()
    assert data["campaign"]["name"] == "清风-24"
    assert data["campaign"]["town"] == "柳河镇"
    assert data["campaign"]["issued_on"] == "2024-04-02"
    assert [
        (m["role"], m["name"], m["titles"], m["unit"], m["office_role"]) for m in data["group"]
    ] == [
        ("组长", "孙国栋", ["镇党委书记"], None, None),
        ("副组长", "钱进", ["镇党委副书记", "镇长"], None, "办公室主任"),
        ("成员", "赵丽", ["党支部书记", "村委会主任"], "柳河村", None),
        ("成员", "冯强", ["所长"], "柳河派出所", None),
    ]
    assert data["office"] == {"location": "镇综治中心", "head": "钱进", "deputy": None}
    assert data["phases"] == [
        phase("宣传", "2024-04-02", "2024-04-30"),
        phase("铲除", "2024-05-01", "2024-08-31"),
    ]
    assert data["units"] == units(
        ("柳河村", "village"), ("柳河派出所", "police_station"), ("镇综治中心", "office")
    )
    assert data["warnings"] == []


@pytest.mark.parametrize("path", sorted(NOTICES.glob("*.txt")), ids=lambda p: p.name)
def test_every_fixture_is_well_formed(path: Path) -> None:
    draft = parse_notice(read_notice_file(path))
    assert_well_formed(draft)
    assert draft.members("组长"), "every fixture has a 组长 line"


# --------------------------------------------------------------------------- small pieces


TITLE = "东山镇“利剑”禁种铲毒行动实施方案"


def _notice(title: str, body: str = "", date_line: str = "2023年4月1日") -> str:
    return f"{title}\n东山镇人民政府\n{date_line}\n{body}\n"


@pytest.mark.parametrize(
    ("title", "name", "town"),
    [
        ("东山镇“利剑-22”禁种铲毒行动实施方案", "利剑-22", "东山镇"),
        ("西河乡「清源2023」禁种铲毒行动实施方案", "清源2023", "西河乡"),
        ('乌兰苏木"春雷行动"禁种铲毒工作方案', "春雷行动", "乌兰苏木"),
        ("南湖街道『护苗』禁种铲毒行动方案", "护苗", "南湖街道"),
        ("北岭镇2023年“净土”禁种铲毒行动实施方案", "净土", "北岭镇"),
    ],
)
def test_campaign_name_and_town_from_the_title(title: str, name: str, town: str) -> None:
    draft = parse_notice(_notice(title))
    assert (draft.campaign.name, draft.campaign.town, draft.campaign.title) == (name, town, title)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022年4月26日", date(2022, 4, 26)),
        ("二〇二二年四月二十六日", date(2022, 4, 26)),
        ("二零二三年十二月三十一日", date(2023, 12, 31)),
        ("2024 年 1 月 5 日", date(2024, 1, 5)),
        ("２０２３年５月８日", date(2023, 5, 8)),
    ],
)
def test_issue_date_spellings(line: str, expected: date) -> None:
    draft = parse_notice(_notice(TITLE, date_line=line))
    assert draft.campaign.issued_on == expected
    assert draft.campaign.year == expected.year


def test_impossible_issue_date_is_reported_not_used() -> None:
    draft = parse_notice(_notice(TITLE, date_line="2023年2月30日"))
    assert draft.campaign.issued_on is None
    assert any("第3行“2023年2月30日”不是有效日期" in w for w in draft.warnings)


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("（一）动员部署阶段（4月26日至5月10日）。", date(2023, 4, 26), date(2023, 5, 10)),
        ("(一)动员部署阶段(4月26日—5月10日)", date(2023, 4, 26), date(2023, 5, 10)),
        ("一、动员部署阶段：4月26日-5月10日", date(2023, 4, 26), date(2023, 5, 10)),
        ("1.动员部署阶段 4月26日～5月10日", date(2023, 4, 26), date(2023, 5, 10)),
        ("（一）动员部署阶段（四月二十六日至五月十日）", date(2023, 4, 26), date(2023, 5, 10)),
        ("（一）动员部署阶段（4月26日至30日）", date(2023, 4, 26), date(2023, 4, 30)),
        ("（一）动员部署阶段（4月26日至5月底）", date(2023, 4, 26), date(2023, 5, 31)),
        ("（一）动员部署阶段（2023.4.26-2023.5.10）", date(2023, 4, 26), date(2023, 5, 10)),
        ("第一阶段：动员部署（4月26日至5月10日）", date(2023, 4, 26), date(2023, 5, 10)),
        ("（一）动员部署阶段（11月1日至次年1月31日）", date(2023, 11, 1), date(2024, 1, 31)),
        (
            "（一）动员部署阶段（2023年11月1日至2024年1月31日）",
            date(2023, 11, 1),
            date(2024, 1, 31),
        ),
    ],
)
def test_phase_range_spellings(line: str, start: date, end: date) -> None:
    draft = parse_notice(_notice(TITLE, line))
    assert [(p.name, p.start, p.end) for p in draft.phases] == [("动员部署", start, end)]
    assert not any("阶段" in w for w in draft.warnings)


def test_phase_name_written_after_the_dates() -> None:
    draft = parse_notice(_notice(TITLE, "第一阶段（4月1日至4月30日）：宣传发动。召开动员会。"))
    assert [(p.name, p.start, p.end) for p in draft.phases] == [
        ("宣传发动", date(2023, 4, 1), date(2023, 4, 30))
    ]


def test_numbered_sentence_with_dates_is_not_a_phase() -> None:
    body = "（一）宣传阶段（4月1日至4月30日）\n（三）各村要在5月1日至5月10日前完成自查。"
    draft = parse_notice(_notice(TITLE, body))
    assert [p.name for p in draft.phases] == ["宣传"]


def test_implicit_year_crossing_is_said_in_a_warning() -> None:
    draft = parse_notice(_notice(TITLE, "（一）冬季踏查阶段（12月1日至2月28日）"))
    assert [(p.start, p.end) for p in draft.phases] == [(date(2023, 12, 1), date(2024, 2, 28))]
    assert any("已按跨年处理" in w for w in draft.warnings)


def test_phases_of_a_notice_issued_late_in_the_year_move_to_the_next_year() -> None:
    text = _notice(
        "东山镇“利剑”禁种铲毒行动实施方案", "（一）宣传阶段（1月5日至2月28日）", "2023年12月20日"
    )
    draft = parse_notice(text)
    assert [(p.start, p.end) for p in draft.phases] == [(date(2024, 1, 5), date(2024, 2, 28))]
    assert any("已按下一年（2024年）处理" in w for w in draft.warnings)


def test_phases_without_a_known_year_are_not_guessed() -> None:
    draft = parse_notice("东山镇“利剑”禁种铲毒行动实施方案\n（一）宣传阶段（4月1日至4月30日）\n")
    assert draft.campaign.year is None
    assert draft.phases == ()
    assert any("没有年份" in w for w in draft.warnings)


@pytest.mark.parametrize(
    ("line", "name", "titles", "unit"),
    [
        ("组  长：李树文  党委书记", "李树文", ("党委书记",), None),
        ("组长：党委书记 李树文", "李树文", ("党委书记",), None),
        ("组长：李树文（党委书记）", "李树文", ("党委书记",), None),
        ("组长：李树文(党委书记、镇长)", "李树文", ("党委书记", "镇长"), None),
        (
            "组\u3000\u3000长：吉\u3000\u3000雅  镇平安建设办负责人",
            "吉雅",
            ("负责人",),
            "镇平安建设办",
        ),
        ("组长：党委书记李树文", "李树文", ("党委书记",), None),
        ("组长：王  强  新村社区党支部书记", "王强", ("党支部书记",), "新村社区"),
    ],
)
def test_member_line_layouts(
    line: str, name: str, titles: tuple[str, ...], unit: str | None
) -> None:
    draft = parse_notice(_notice(TITLE, line))
    assert [(m.name, m.titles, m.unit) for m in draft.group] == [(name, titles, unit)]


def test_phone_numbers_on_member_lines() -> None:
    body = (
        "组长：李树文  党委书记  13912345678\n"
        "成员：王鸣山  毛布拉格村党支部书记  联系电话：0477-7512345\n"
        "边永军  无定河第二派出所所长"
    )
    draft = parse_notice(_notice(TITLE, body))
    assert [(m.name, m.titles, m.unit, m.phone) for m in draft.group] == [
        ("李树文", ("党委书记",), None, "13912345678"),
        ("王鸣山", ("党支部书记",), "毛布拉格村", "0477-7512345"),
        ("边永军", ("所长",), "无定河第二派出所", None),
    ]
    assert draft.warnings == (
        "未找到领导小组办公室的设置（“办公室设在…”）。",
        "未找到实施阶段（“××阶段（×月×日至×月×日）”）或时间安排。",
    )


def test_names_only_list_and_continuation_until_next_label() -> None:
    body = (
        "组长：张三\n副组长：李四、王五\n赵六\n成员：孙七 钱八\n\n周九\n"
        "领导小组下设办公室，负责日常工作。\n吴十"
    )
    draft = parse_notice(_notice(TITLE, body))
    assert [(m.role, m.name) for m in draft.group] == [
        ("组长", "张三"),
        ("副组长", "李四"),
        ("副组长", "王五"),
        ("副组长", "赵六"),
        ("成员", "孙七"),
        ("成员", "钱八"),
        ("成员", "周九"),
    ]


def test_title_only_line_with_several_posts_gives_one_entry_per_post() -> None:
    draft = parse_notice(_notice(TITLE, "组长：张三\n成员：镇派出所所长、镇司法所所长"))
    assert [(m.name, m.unit, m.titles) for m in draft.members("成员")] == [
        (None, "镇派出所", ("所长",)),
        (None, "镇司法所", ("所长",)),
    ]


def test_office_head_given_only_as_a_post_is_resolved_from_the_group_with_a_warning() -> None:
    body = (
        "组长：张三 镇党委书记\n成员：李四 东山派出所所长\n"
        "办公室设在东山派出所，办公室主任由东山派出所所长兼任。"
    )
    draft = parse_notice(_notice(TITLE, body))
    assert draft.office.head == "李四"
    assert any("推定为“李四”" in w for w in draft.warnings)
    assert [m.office_role for m in draft.group] == [None, "办公室主任"]


def test_office_head_not_in_group_is_kept_with_a_warning() -> None:
    body = (
        "组长：张三 镇党委书记\n"
        "办公室设在镇禁毒办，王五同志任办公室主任，赵六、孙七同志任办公室副主任。"
    )
    draft = parse_notice(_notice(TITLE, body))
    assert (draft.office.head, draft.office.deputy) == ("王五", "赵六")
    assert "办公室主任“王五”不在领导小组名单中，请核对。" in draft.warnings
    assert any("列出多人任办公室副主任" in w for w in draft.warnings)


def test_goals_monitoring_and_stages() -> None:
    body = (
        "确保“零种植、零产量、零流入”，踏查率100%，发现率和铲除率均达到100%。"
        "依托航空遥感和无人机巡查，做好重点地区精测、一般地区普测和机动巡测。"
        "在大麻播种期、生长期、结籽期加强巡查。"
    )
    draft = parse_notice(_notice(TITLE, body))
    assert draft.goals == ("零种植", "零产量", "零流入", "踏查率100%", "发现率100%", "铲除率100%")
    assert draft.monitoring_sources == ("航空遥感", "无人机巡查")
    assert [(m.mode, m.zone) for m in draft.monitoring_modes] == [
        ("精测", "重点地区"),
        ("普测", "一般地区"),
        ("机动", None),
    ]
    assert draft.critical_stages == ("播种期", "生长期", "结籽期")


def test_empty_and_unrelated_text_give_warnings_not_errors() -> None:
    assert parse_notice("").warnings == ("通知内容为空。",)
    assert parse_notice(" \n\u3000\n").warnings == ("通知内容为空。",)
    draft = parse_notice("今天天气很好。")
    assert draft.group == () and draft.phases == ()
    assert "未找到领导小组名单（“组长：”“副组长：”“成员：”）。" in draft.warnings
    assert "未找到印发日期（如“2022年4月26日”）。" in draft.warnings


@pytest.mark.parametrize(
    ("token", "value"),
    [("26", 26), ("十", 10), ("十一", 11), ("二十", 20), ("二十六", 26), ("三十一", 31),
     ("二〇二二", 2022), ("二零二三", 2023), ("九", 9), ("", None), ("廿", None), ("十十", None)],
)  # fmt: skip
def test_cn_to_int(token: str, value: int | None) -> None:
    assert cn_to_int(token) == value


def test_find_full_date_skips_impossible_dates() -> None:
    assert find_full_date("2023年2月30日、2023年3月1日") == date(2023, 3, 1)
    assert find_full_date("四月二十六日") is None


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        ("毛布拉格村党支部书记", ("毛布拉格村", "党支部书记")),
        ("河园社区党支部书记", ("河园社区", "党支部书记")),
        ("新村社区党支部书记", ("新村社区", "党支部书记")),
        ("无定河第一派出所所长", ("无定河第一派出所", "所长")),
        ("平安建设办公室主任", ("平安建设办公室", "主任")),
        ("乌兰嘎查党支部书记", ("乌兰嘎查", "党支部书记")),
        ("村委会主任", (None, "村委会主任")),
        ("派出所所长", (None, "派出所所长")),
        ("党委副书记", (None, "党委副书记")),
    ],
)
def test_split_unit(piece: str, expected: tuple[str | None, str]) -> None:
    assert split_unit(piece) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [("毛布拉格村", "village"), ("乌兰嘎查", "village"), ("河园社区", "community"),
     ("无定河第一派出所", "police_station"), ("河南司法所", "judicial_office"),
     ("镇平安建设办", "office"), ("镇综治中心", "office")],
)  # fmt: skip
def test_unit_kind(name: str, kind: str) -> None:
    assert unit_kind(name) == kind


@pytest.mark.parametrize("token", ["XX", "xx", "××", "***", "*", "某某", "张XX", "王某", "○○"])
def test_placeholders(token: str) -> None:
    assert is_placeholder(token)
    assert not is_person_name(token)


@pytest.mark.parametrize("token", ["李树文", "吉雅", "额尔敦毕力格", "思兵兵", "斯琴·巴特尔"])
def test_person_names(token: str) -> None:
    assert is_person_name(token)
    assert not is_placeholder(token)


@pytest.mark.parametrize("token", ["党委书记", "镇长", "所长", "镇派出所所长", "各村党支部书记"])
def test_titles_are_not_names(token: str) -> None:
    assert not is_person_name(token)


# --------------------------------------------------------------------------- reading files


def test_read_utf8_utf8_bom_and_gbk(tmp_path: Path) -> None:
    text = "组长：李树文  党委书记\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"):
        path = tmp_path / f"notice-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert read_notice_file(path) == text, encoding


def test_upper_case_suffix_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "NOTICE.TXT"
    path.write_text("组长：李树文", encoding="utf-8")
    assert read_notice_file(path) == "组长：李树文"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notice.pdf", b"%PDF-1.4", "不支持的文件类型 .pdf"),
        ("notice", b"abc", "不支持的文件类型 （无扩展名）"),
        ("notice.doc", b"\xd0\xcf\x11\xe0", "不支持旧版 Word（.doc）文件"),
        ("notice.docx", b"not a zip at all", "无法读取 Word 文件"),
        ("notice.txt", b"\x81\x30\xff\xff\xfe", "无法识别文件编码"),
        ("notice.txt", b"abc\x00def", "不是文本文件"),
    ],
)
def test_unreadable_files_raise_a_chinese_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NoticeFileError, match=message.replace("(", r"\(").replace(".", r"\.")):
        read_notice_file(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(NoticeFileError, match="找不到文件"):
        read_notice_file(tmp_path / "nope.txt")
    with pytest.raises(NoticeFileError, match="不是文件"):
        read_notice_file(tmp_path)


def test_decode_text_prefers_utf8() -> None:
    assert decode_text("无定河镇".encode()) == "无定河镇"
    assert decode_text("无定河镇".encode("gbk")) == "无定河镇"


# --------------------------------------------------------------------------- never raises

_NOTICE_LINES = [
    line for path in sorted(NOTICES.glob("*.txt")) for line in read_notice_file(path).splitlines()
] + [
    "组  长：南  定  党委书记",
    "副 组 长：XX",
    "成员：各村党支部书记",
    "（一）阶段（13月40日至0月0日）",
    "（二）踏查阶段（即日起至次年二月三十日）",
    "办公室设在",
    "由同志兼任办公室主任",
    "二〇二二年十三月三十二日",
    "关于印发《",
]
_SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
_TRUNCATION_SOURCE = _SEED_TEXT or read_notice_file(NOTICES / "yunling_cross_year_duplicates.txt")
_NOTICE_ALPHABET = st.sampled_from(
    list('组长副成员：:（）()“”「」"年月日至—-~.0123456789一二三四五六七八九十〇阶段村社区派出所')
    + list("司法办公室设在任主任X×*某 \u3000\n、，。镇乡苏木街道关于印发《》的通知即日起次年同志")
)
_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.text())
def test_parse_never_raises_on_random_text(text: str) -> None:
    assert_well_formed(parse_notice(text))


@_FUZZ
@given(st.text(alphabet=_NOTICE_ALPHABET, max_size=400))
def test_parse_never_raises_on_notice_like_noise(text: str) -> None:
    assert_well_formed(parse_notice(text))


@_FUZZ
@given(
    st.lists(st.sampled_from(_NOTICE_LINES), max_size=50),
    st.lists(st.tuples(st.integers(0, 49), st.integers(0, 60), st.text(max_size=3)), max_size=10),
)
def test_parse_never_raises_on_mixed_notice_lines(
    lines: list[str], edits: list[tuple[int, int, str]]
) -> None:
    for index, position, insert in edits:
        if index < len(lines):
            lines[index] = lines[index][:position] + insert + lines[index][position:]
    assert_well_formed(parse_notice("\n".join(lines)))


@_FUZZ
@given(st.integers(0, len(_TRUNCATION_SOURCE)), st.integers(0, len(_TRUNCATION_SOURCE)))
def test_parse_never_raises_on_truncated_notice(start: int, end: int) -> None:
    assert_well_formed(parse_notice(_TRUNCATION_SOURCE[min(start, end) : max(start, end)]))
