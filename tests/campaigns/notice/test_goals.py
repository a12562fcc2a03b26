"""Goals, monitoring modes and sources, critical stages."""

from __future__ import annotations

from support.notices import TITLE, notice_text
from zerocrop.campaigns.notice import parse_notice


def test_goals_monitoring_and_stages() -> None:
    body = (
        "确保“零种植、零产量、零流入”，踏查率100%，发现率和铲除率均达到100%。"
        "依托航空遥感和无人机巡查，做好重点地区精测、一般地区普测和机动巡测。"
        "在大麻播种期、生长期、结籽期加强巡查。"
    )
    draft = parse_notice(notice_text(TITLE, body))
    assert draft.goals == ("零种植", "零产量", "零流入", "踏查率100%", "发现率100%", "铲除率100%")
    assert draft.monitoring_sources == ("航空遥感", "无人机巡查")
    assert [(m.mode, m.zone) for m in draft.monitoring_modes] == [
        ("精测", "重点地区"),
        ("普测", "一般地区"),
        ("机动", None),
    ]
    assert draft.critical_stages == ("播种期", "生长期", "结籽期")
