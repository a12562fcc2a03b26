"""Leadership groups written in prose; five notices of different styles, checked field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zerocrop.campaigns.notice import parse_notice
from zerocrop.campaigns.notice_files import read_notice_file

NOTICES = Path(__file__).parents[1] / "notices"
HEAD = (
    "青山镇人民政府关于印发《青山镇“净土-24”禁种铲毒行动实施方案》的通知\n"
    "青山镇人民政府\n2024年4月8日\n"
)

EXPECTED_BAIYUN = {
    "campaign": {
        "name": "清源",
        "town": "白云镇",
        "county": None,
        "issuer": "白云镇人民政府",
        "issued_on": "2024-03-28",
        "title": "白云镇2024年“清源”禁种铲毒专项行动实施方案",
        "year": 2024,
    },
    "goals": ["零种植", "零产量", "零流出", "踏查率100%"],
    "group": [
        {
            "role": "组长",
            "name": "高志远",
            "titles": ["镇党委书记"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 12,
        },
        {
            "role": "副组长",
            "name": "林芳",
            "titles": ["镇党委副书记", "镇长"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 13,
        },
        {
            "role": "副组长",
            "name": "韩德明",
            "titles": ["镇党委委员", "政法委员"],
            "unit": None,
            "office_role": "办公室主任",
            "phone": None,
            "line": 14,
        },
        {
            "role": "成员",
            "name": "蒋立新",
            "titles": ["所长"],
            "unit": "白云派出所",
            "office_role": None,
            "phone": None,
            "line": 15,
        },
        {
            "role": "成员",
            "name": "方晓东",
            "titles": ["所长"],
            "unit": "白云司法所",
            "office_role": None,
            "phone": None,
            "line": 16,
        },
        {
            "role": "成员",
            "name": "邓玉梅",
            "titles": ["党支部书记"],
            "unit": "东岭村",
            "office_role": None,
            "phone": None,
            "line": 17,
        },
        {
            "role": "成员",
            "name": "宋涛",
            "titles": ["党总支书记", "村委会主任"],
            "unit": "西岭村",
            "office_role": None,
            "phone": None,
            "line": 18,
        },
        {
            "role": "成员",
            "name": "曹文",
            "titles": ["党支部书记"],
            "unit": "青石社区",
            "office_role": None,
            "phone": None,
            "line": 19,
        },
    ],
    "office": {"location": "镇综治中心", "head": "韩德明", "deputy": None},
    "phases": [
        {"name": "宣传发动", "start": "2024-04-01", "end": "2024-04-20"},
        {"name": "集中踏查", "start": "2024-04-21", "end": "2024-08-31"},
        {"name": "总结验收", "start": "2024-09-01", "end": "2024-09-15"},
    ],
    "units": [
        {"name": "白云派出所", "kind": "police_station"},
        {"name": "白云司法所", "kind": "judicial_office"},
        {"name": "东岭村", "kind": "village"},
        {"name": "西岭村", "kind": "village"},
        {"name": "青石社区", "kind": "community"},
        {"name": "镇综治中心", "kind": "office"},
    ],
    "monitoring_modes": [
        {"mode": "精测", "zone": "重点区域"},
        {"mode": "巡测", "zone": "一般区域"},
    ],
    "monitoring_sources": ["无人机巡查"],
    "critical_stages": ["开花期", "生长期"],
    "warnings": [],
}

EXPECTED_QINGSHAN = {
    "campaign": {
        "name": "净土-24",
        "town": "青山镇",
        "county": None,
        "issuer": "青山镇人民政府",
        "issued_on": "2024-04-08",
        "title": "青山镇“净土-24”禁种铲毒行动实施方案",
        "year": 2024,
    },
    "goals": ["零种植", "零产量", "发现率100%", "铲除率100%"],
    "group": [
        {
            "role": "组长",
            "name": "赵建国",
            "titles": ["镇党委书记"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "副组长",
            "name": "孙丽",
            "titles": ["镇党委副书记", "镇长"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "钱伟",
            "titles": ["党支部书记"],
            "unit": "东岭村",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "冯涛",
            "titles": ["党总支书记"],
            "unit": "西岭村",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "韩磊",
            "titles": ["所长"],
            "unit": "镇派出所",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
    ],
    "office": {"location": "镇综治办", "head": "陈静", "deputy": None},
    "phases": [
        {"name": "动员部署", "start": "2024-04-08", "end": "2024-04-30"},
        {"name": "踏查铲毒", "start": "2024-05-01", "end": "2024-09-10"},
    ],
    "units": [
        {"name": "东岭村", "kind": "village"},
        {"name": "西岭村", "kind": "village"},
        {"name": "镇派出所", "kind": "police_station"},
        {"name": "镇综治办", "kind": "office"},
    ],
    "monitoring_modes": [],
    "monitoring_sources": [],
    "critical_stages": [],
    "warnings": ["办公室主任“陈静”不在领导小组名单中，请核对。"],
}

EXPECTED_LIUSHU = {
    "campaign": {
        "name": "雷霆-24",
        "town": "柳树乡",
        "county": None,
        "issuer": "柳树乡人民政府",
        "issued_on": "2024-04-15",
        "title": "柳树乡“雷霆-24”禁种铲毒行动工作方案",
        "year": 2024,
    },
    "goals": [],
    "group": [
        {
            "role": "组长",
            "name": "王建华",
            "titles": ["乡党委书记"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 7,
        },
        {
            "role": "副组长",
            "name": "刘海燕",
            "titles": ["乡长"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 7,
        },
        {
            "role": "副组长",
            "name": "杜明",
            "titles": ["乡人大主席"],
            "unit": None,
            "office_role": "办公室主任",
            "phone": None,
            "line": 7,
        },
        {
            "role": "成员",
            "name": "许文斌",
            "titles": ["所长"],
            "unit": "柳树派出所",
            "office_role": None,
            "phone": None,
            "line": 8,
        },
        {
            "role": "成员",
            "name": "马丽娜",
            "titles": ["党支部书记"],
            "unit": "南湾村",
            "office_role": "办公室副主任",
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "杨光",
            "titles": ["党支部书记", "村委会主任"],
            "unit": "北坡村",
            "office_role": None,
            "phone": None,
            "line": 10,
        },
    ],
    "office": {"location": "乡综治中心", "head": "杜明", "deputy": "马丽娜"},
    "phases": [
        {"name": "宣传发动", "start": "2024-04-15", "end": "2024-05-05"},
        {"name": "集中铲除", "start": "2024-05-06", "end": "2024-09-30"},
    ],
    "units": [
        {"name": "柳树派出所", "kind": "police_station"},
        {"name": "南湾村", "kind": "village"},
        {"name": "北坡村", "kind": "village"},
        {"name": "乡综治中心", "kind": "office"},
    ],
    "monitoring_modes": [],
    "monitoring_sources": [],
    "critical_stages": [],
    "warnings": [],
}

EXPECTED_SHAHE = {
    "campaign": {
        "name": "春雷",
        "town": "沙河镇",
        "county": None,
        "issuer": "沙河镇人民政府",
        "issued_on": "2024-04-02",
        "title": "沙河镇“春雷”禁种铲毒行动实施方案",
        "year": 2024,
    },
    "goals": ["零种植"],
    "group": [
        {
            "role": "组长",
            "name": "周海涛",
            "titles": ["镇党委书记"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 7,
        },
        {
            "role": "副组长",
            "name": "吴静",
            "titles": ["镇长"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 7,
        },
        {
            "role": "成员",
            "name": None,
            "titles": ["派出所负责人"],
            "unit": None,
            "office_role": "办公室主任",
            "phone": None,
            "line": 7,
        },
        {
            "role": "成员",
            "name": None,
            "titles": ["司法所负责人"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 7,
        },
        {
            "role": "成员",
            "name": None,
            "titles": ["党支部书记"],
            "unit": "各村",
            "office_role": None,
            "phone": None,
            "line": 7,
        },
    ],
    "office": {"location": "镇派出所", "head": None, "deputy": None},
    "phases": [
        {"name": "宣传", "start": "2024-04-02", "end": "2024-04-30"},
        {"name": "踏查", "start": "2024-05-01", "end": "2024-08-31"},
    ],
    "units": [{"name": "镇派出所", "kind": "police_station"}],
    "monitoring_modes": [],
    "monitoring_sources": [],
    "critical_stages": ["播种期", "开花期"],
    "warnings": [
        "第7行“成立沙河镇禁种铲毒行动领导小组，由镇党委书记周海涛任组长，镇…”中的成员“派出所负责人”没有写姓名，已作为待补录的职务导入，请补录。",
        "第7行“成立沙河镇禁种铲毒行动领导小组，由镇党委书记周海涛任组长，镇…”中的成员“司法所负责人”没有写姓名，已作为待补录的职务导入，请补录。",
        "第7行“成立沙河镇禁种铲毒行动领导小组，由镇党委书记周海涛任组长，镇…”中的成员“各村党支部书记”没有列出具体的村（社区）名单，也没有姓名，已作为待补录的职务导入，请补录。",
        "第7行“成立沙河镇禁种铲毒行动领导小组，由镇党委书记周海涛任组长，镇…”中办公室主任由领导小组中的“派出所负责人”兼任，姓名待补录。",
    ],
}

EXPECTED_HONGSHI = {
    "campaign": {
        "name": "利剑-24",
        "town": "红石镇",
        "county": None,
        "issuer": "红石镇人民政府",
        "issued_on": "2024-04-20",
        "title": "红石镇“利剑-24”禁种铲毒行动实施方案",
        "year": 2024,
    },
    "goals": [],
    "group": [
        {
            "role": "组长",
            "name": "郑国栋",
            "titles": ["镇党委书记"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "副组长",
            "name": "何秀兰",
            "titles": ["镇党委副书记", "镇长"],
            "unit": None,
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "副组长",
            "name": "周强",
            "titles": ["镇党委委员", "政法委员"],
            "unit": None,
            "office_role": "办公室主任",
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": None,
            "titles": ["所长"],
            "unit": "镇派出所",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": None,
            "titles": ["所长"],
            "unit": "镇司法所",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "冯玉山",
            "titles": ["党支部书记"],
            "unit": "石门村",
            "office_role": None,
            "phone": None,
            "line": 9,
        },
        {
            "role": "成员",
            "name": "梁静",
            "titles": ["党支部书记"],
            "unit": "红石社区",
            "office_role": "办公室副主任",
            "phone": None,
            "line": 9,
        },
    ],
    "office": {"location": "镇平安办", "head": "周强", "deputy": "梁静"},
    "phases": [
        {"name": "动员部署", "start": "2024-04-20", "end": "2024-05-10"},
        {"name": "踏查铲毒", "start": "2024-05-11", "end": "2024-09-20"},
        {"name": "总结检查", "start": "2024-09-21", "end": "2024-09-30"},
    ],
    "units": [
        {"name": "镇派出所", "kind": "police_station"},
        {"name": "镇司法所", "kind": "judicial_office"},
        {"name": "石门村", "kind": "village"},
        {"name": "红石社区", "kind": "community"},
        {"name": "镇平安办", "kind": "office"},
    ],
    "monitoring_modes": [],
    "monitoring_sources": [],
    "critical_stages": [],
    "warnings": [
        "第9行“成立以镇党委书记郑国栋为组长，镇党委副书记、镇长何秀兰，镇党…”中的成员“镇派出所所长”没有写姓名，已作为待补录的职务导入，请补录。",
        "第9行“成立以镇党委书记郑国栋为组长，镇党委副书记、镇长何秀兰，镇党…”中的成员“镇司法所所长”没有写姓名，已作为待补录的职务导入，请补录。",
    ],
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("baiyun_tabular.txt", EXPECTED_BAIYUN),
        ("qingshan_prose.txt", EXPECTED_QINGSHAN),
        ("liushu_mixed.txt", EXPECTED_LIUSHU),
        ("shahe_posts.txt", EXPECTED_SHAHE),
        ("hongshi_deputy_office.txt", EXPECTED_HONGSHI),
    ],
)
def test_notice_styles_give_every_field(name: str, expected: dict[str, Any]) -> None:
    assert parse_notice(read_notice_file(NOTICES / name)).to_dict() == expected


def group(body: str) -> list[tuple[str, str | None, tuple[str, ...], str | None]]:
    draft = parse_notice(HEAD + body)
    return [(m.role, m.name, m.titles, m.unit) for m in draft.group]


@pytest.mark.parametrize(
    "sentence",
    [
        "成立领导小组，由镇党委书记赵建国任组长，镇长孙丽担任副组长，东岭村党支部书记钱伟为成员。",
        "成立领导小组，镇党委书记赵建国同志担任组长，镇长孙丽同志任副组长，东岭村党支部书记钱伟同志为成员。",
        "成立领导小组，组长由镇党委书记赵建国担任，副组长为镇长孙丽，成员：东岭村党支部书记钱伟。",
        "成立以镇党委书记赵建国为组长，镇长孙丽为副组长，东岭村党支部书记钱伟为成员的领导小组。",
        "成立领导小组，由赵建国（镇党委书记）任组长，孙丽（镇长）任副组长，钱伟（东岭村党支部书记）为成员。",
    ],
)
def test_role_phrasings(sentence: str) -> None:
    assert group(sentence) == [
        ("组长", "赵建国", ("镇党委书记",), None),
        ("副组长", "孙丽", ("镇长",), None),
        ("成员", "钱伟", ("党支部书记",), "东岭村"),
    ]


def test_sentence_wrapped_over_lines_keeps_each_line_number() -> None:
    body = (
        "成立禁种铲毒工作领导小组，由镇党委书记赵建国任组长，镇长\n"
        "孙丽、政法委员周强任副组长，东岭村、西岭村党支部书记为成员。\n"
    )
    draft = parse_notice(HEAD + body)
    assert [(m.role, m.name, m.titles, m.unit, m.line) for m in draft.group] == [
        ("组长", "赵建国", ("镇党委书记",), None, 4),
        ("副组长", "孙丽", ("镇长",), None, 5),  # the name is on the next line
        ("副组长", "周强", ("政法委员",), None, 5),
        ("成员", None, ("党支部书记",), "东岭村", 5),
        ("成员", None, ("党支部书记",), "西岭村", 5),
    ]
    assert [u.name for u in draft.units] == ["东岭村", "西岭村"]


def test_member_list_after_a_colon_runs_to_the_full_stop() -> None:
    body = (
        "成立领导小组，由赵建国任组长，成员：钱伟、冯涛，韩磊同志。"
        "办公室设在镇综治办，由冯涛兼任办公室主任。\n"
    )
    assert group(body) == [
        ("组长", "赵建国", (), None),
        ("成员", "钱伟", (), None),
        ("成员", "冯涛", (), None),
        ("成员", "韩磊", (), None),
    ]
    draft = parse_notice(HEAD + body)
    assert draft.office.head == "冯涛"
    assert not any("不在领导小组名单中" in w for w in draft.warnings)


def test_executive_deputy_is_a_deputy_with_a_warning() -> None:
    body = "成立领导小组，由赵建国任组长，孙丽任常务副组长。\n"
    draft = parse_notice(HEAD + body)
    assert [(m.role, m.name) for m in draft.group] == [("组长", "赵建国"), ("副组长", "孙丽")]
    assert any("“常务副组长”按副组长导入" in w for w in draft.warnings)


def test_prose_about_other_work_is_not_a_group() -> None:
    body = (
        "各村要成立相应的工作机构，由村党支部书记负责本村踏查。\n"
        "镇平安办要会同派出所开展督导检查。\n"
    )
    draft = parse_notice(HEAD + body)
    assert draft.group == ()
    assert "未找到领导小组名单（“组长：”“副组长：”“成员：”）。" in draft.warnings


def test_office_head_who_is_a_deputy_in_the_prose_is_not_reported_missing() -> None:
    body = (
        "成立领导小组，由赵建国任组长，政法委员周强任副组长。"
        "领导小组办公室设在镇综治办，办公室主任由周强同志兼任。\n"
    )
    draft = parse_notice(HEAD + body)
    assert draft.office.head == "周强"
    assert [m.office_role for m in draft.group] == [None, "办公室主任"]
    assert not any("不在领导小组名单中" in w for w in draft.warnings)


def test_office_head_named_only_by_a_post_to_fill_marks_that_post() -> None:
    body = (
        "成立领导小组，由赵建国任组长，派出所所长为成员。"
        "办公室设在镇派出所，由派出所所长兼任办公室主任。\n"
    )
    draft = parse_notice(HEAD + body)
    assert draft.office.head is None
    assert [(m.name, m.titles, m.office_role) for m in draft.group] == [
        ("赵建国", (), None),
        (None, ("派出所所长",), "办公室主任"),
    ]
    assert any("由领导小组中的“派出所所长”兼任，姓名待补录" in w for w in draft.warnings)
