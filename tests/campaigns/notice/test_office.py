"""The group's office: heads given by post or from outside the group."""

from __future__ import annotations

from support.notices import TITLE, notice_text
from zerocrop.campaigns.notice import parse_notice


def test_office_head_given_only_as_a_post_is_resolved_from_the_group_with_a_warning() -> None:
    body = (
        "组长：张三 镇党委书记\n成员：李四 东山派出所所长\n"
        "办公室设在东山派出所，办公室主任由东山派出所所长兼任。"
    )
    draft = parse_notice(notice_text(TITLE, body))
    assert draft.office.head == "李四"
    assert any("推定为“李四”" in w for w in draft.warnings)
    assert [m.office_role for m in draft.group] == [None, "办公室主任"]


def test_office_head_not_in_group_is_kept_with_a_warning() -> None:
    body = (
        "组长：张三 镇党委书记\n"
        "办公室设在镇禁毒办，王五同志任办公室主任，赵六、孙七同志任办公室副主任。"
    )
    draft = parse_notice(notice_text(TITLE, body))
    assert (draft.office.head, draft.office.deputy) == ("王五", "赵六")
    assert "办公室主任“王五”不在领导小组名单中，请核对。" in draft.warnings
    assert any("列出多人任办公室副主任" in w for w in draft.warnings)
