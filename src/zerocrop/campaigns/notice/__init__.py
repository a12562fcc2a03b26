"""Parse a township 禁种铲毒 implementation-plan notice (实施方案) into a draft campaign.

This package is pure: no Django, no I/O. `parse_notice(text)` never raises for any
`str`; whatever it cannot understand, and every guess it makes, becomes a
Chinese sentence in `NoticeDraft.warnings`.

What it reads (see docs/notice-import.md):

* campaign: title (《…》 in the 印发 header, or a standalone "…方案" line), the
  quoted campaign name (“”, 「」, 『』, ""), the town (…镇/乡/苏木/街道), the issuer
  and the issue date (Arabic or Chinese numerals);
* the leading group (组长/副组长/成员 blocks, continuation lines, padded names);
* the group's office (办公室设在…, …任办公室主任/副主任);
* phases (…阶段 lines with a date range), or one overall 时间安排 range;
* goals, monitoring modes and sources, critical growth stages.

One module per section, in the order `parse_notice` runs them: `text` and `dates` (the
text model, numerals and date ranges), `header`, `group` (with `people`, what a token of a
group line is), `office`, `phases`, `goals`; `draft` holds the result dataclasses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from zerocrop.campaigns.notice.dates import cn_to_int, find_full_date
from zerocrop.campaigns.notice.draft import (
    OFFICE_DEPUTY,
    OFFICE_HEAD,
    OVERALL_PHASE_NAME,
    ROLE_DEPUTY,
    ROLE_LEADER,
    ROLE_MEMBER,
    UNIT_KIND_LABELS,
    CampaignInfo,
    DraftMember,
    DraftPhase,
    GroupRole,
    MonitoringMode,
    NoticeDraft,
    Office,
    OfficeRole,
    Unit,
    UnitKind,
)
from zerocrop.campaigns.notice.goals import (
    parse_goals,
    parse_monitoring_modes,
    parse_sources,
    parse_stages,
)
from zerocrop.campaigns.notice.group import collect_units, parse_group, warn_unlisted_villages
from zerocrop.campaigns.notice.header import parse_campaign
from zerocrop.campaigns.notice.office import parse_office
from zerocrop.campaigns.notice.people import is_person_name, is_placeholder, split_unit, unit_kind
from zerocrop.campaigns.notice.phases import parse_phases
from zerocrop.campaigns.notice.text import normalize_text, split_lines, unique

__all__ = [
    "OFFICE_DEPUTY",
    "OFFICE_HEAD",
    "OVERALL_PHASE_NAME",
    "ROLE_DEPUTY",
    "ROLE_LEADER",
    "ROLE_MEMBER",
    "UNIT_KIND_LABELS",
    "CampaignInfo",
    "DraftMember",
    "DraftPhase",
    "GroupRole",
    "MonitoringMode",
    "NoticeDraft",
    "Office",
    "OfficeRole",
    "Unit",
    "UnitKind",
    "cn_to_int",
    "find_full_date",
    "is_person_name",
    "is_placeholder",
    "normalize_text",
    "parse_notice",
    "split_unit",
    "unit_kind",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


def _guarded(section: str, fallback: _T, warnings: list[str], func: Callable[[], _T]) -> _T:
    """Run one section parser; an unexpected bug costs that section, never the import."""
    try:
        return func()
    except Exception as exc:
        logger.exception("notice parser failed in section %s", section)
        warnings.append(f"解析“{section}”时出现内部错误（{type(exc).__name__}），该部分未导入。")
        return fallback


def parse_notice(text: str) -> NoticeDraft:
    """Parse a notice's plain text into a `NoticeDraft`. Never raises for a `str`."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    warnings: list[str] = []
    lines = split_lines(text)
    if not any(line.text for line in lines):
        return NoticeDraft(campaign=CampaignInfo(), warnings=("通知内容为空。",), source_text=text)
    flat = "".join(line.text for line in lines)

    campaign = _guarded(
        "行动信息", CampaignInfo(), warnings, lambda: parse_campaign(lines, warnings)
    )
    members = _guarded("领导小组", [], warnings, lambda: parse_group(lines, warnings))
    office, members = _guarded(
        "办公室", (Office(), members), warnings, lambda: parse_office(lines, members, warnings)
    )
    units = _guarded("单位", [], warnings, lambda: collect_units(members, office, campaign.town))
    warn_unlisted_villages(units, flat, warnings)
    phases = _guarded("实施阶段", [], warnings, lambda: parse_phases(lines, campaign, warnings))

    return NoticeDraft(
        campaign=campaign,
        goals=tuple(_guarded("工作目标", [], warnings, lambda: parse_goals(flat))),
        group=tuple(members),
        office=office,
        phases=tuple(phases),
        units=tuple(units),
        monitoring_modes=tuple(
            _guarded("监测方式", [], warnings, lambda: parse_monitoring_modes(flat))
        ),
        monitoring_sources=tuple(_guarded("监测手段", [], warnings, lambda: parse_sources(flat))),
        critical_stages=tuple(_guarded("关键时期", [], warnings, lambda: parse_stages(flat))),
        warnings=unique(warnings),
        source_text=text,
    )
