"""The leading group as 组长/副组长/成员 lists: line layouts, phones, posts."""

from __future__ import annotations

import pytest

from support.notices import TITLE, notice_text
from zerocrop.campaigns.notice import parse_notice


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
    draft = parse_notice(notice_text(TITLE, line))
    assert [(m.name, m.titles, m.unit) for m in draft.group] == [(name, titles, unit)]


def test_phone_numbers_on_member_lines() -> None:
    body = (
        "组长：李树文  党委书记  13912345678\n"
        "成员：王鸣山  毛布拉格村党支部书记  联系电话：0477-7512345\n"
        "边永军  无定河第二派出所所长"
    )
    draft = parse_notice(notice_text(TITLE, body))
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
    draft = parse_notice(notice_text(TITLE, body))
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
    draft = parse_notice(notice_text(TITLE, "组长：张三\n成员：镇派出所所长、镇司法所所长"))
    assert [(m.name, m.unit, m.titles) for m in draft.members("成员")] == [
        (None, "镇派出所", ("所长",)),
        (None, "镇司法所", ("所长",)),
    ]
