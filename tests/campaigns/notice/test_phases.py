"""Phases: range spellings, names after the dates, year crossings."""

from __future__ import annotations

from datetime import date

import pytest

from support.notices import TITLE, notice_text
from zerocrop.campaigns.notice import parse_notice


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
    draft = parse_notice(notice_text(TITLE, line))
    assert [(p.name, p.start, p.end) for p in draft.phases] == [("动员部署", start, end)]
    assert not any("阶段" in w for w in draft.warnings)


def test_phase_name_written_after_the_dates() -> None:
    draft = parse_notice(notice_text(TITLE, "第一阶段（4月1日至4月30日）：宣传发动。召开动员会。"))
    assert [(p.name, p.start, p.end) for p in draft.phases] == [
        ("宣传发动", date(2023, 4, 1), date(2023, 4, 30))
    ]


def test_numbered_sentence_with_dates_is_not_a_phase() -> None:
    body = "（一）宣传阶段（4月1日至4月30日）\n（三）各村要在5月1日至5月10日前完成自查。"
    draft = parse_notice(notice_text(TITLE, body))
    assert [p.name for p in draft.phases] == ["宣传"]


def test_implicit_year_crossing_is_said_in_a_warning() -> None:
    draft = parse_notice(notice_text(TITLE, "（一）冬季踏查阶段（12月1日至2月28日）"))
    assert [(p.start, p.end) for p in draft.phases] == [(date(2023, 12, 1), date(2024, 2, 28))]
    assert any("已按跨年处理" in w for w in draft.warnings)


def test_phases_of_a_notice_issued_late_in_the_year_move_to_the_next_year() -> None:
    text = notice_text(
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
