"""The campaign header: name and town from the title, the issue date."""

from __future__ import annotations

from datetime import date

import pytest

from support.notices import TITLE, notice_text
from zerocrop.campaigns.notice import parse_notice


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
    draft = parse_notice(notice_text(title))
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
    draft = parse_notice(notice_text(TITLE, date_line=line))
    assert draft.campaign.issued_on == expected
    assert draft.campaign.year == expected.year


def test_impossible_issue_date_is_reported_not_used() -> None:
    draft = parse_notice(notice_text(TITLE, date_line="2023年2月30日"))
    assert draft.campaign.issued_on is None
    assert any("第3行“2023年2月30日”不是有效日期" in w for w in draft.warnings)
