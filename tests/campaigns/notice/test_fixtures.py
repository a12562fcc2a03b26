"""The odd notices in tests/campaigns/notices: one test per style of notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.notices import NOTICES, assert_well_formed, load, member, phase, units
from zerocrop.campaigns.notice import parse_notice
from zerocrop.campaigns.notice_files import read_notice_file


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
