"""The phases: …阶段 lines with a date range, or one overall 时间安排 range.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re
from datetime import date

from zerocrop.campaigns.notice.dates import RangeMatch, find_range, iso_date, resolve_range
from zerocrop.campaigns.notice.draft import OVERALL_PHASE_NAME, CampaignInfo, DraftPhase
from zerocrop.campaigns.notice.text import CJK, NUMBERING_RE, Line, quote_line

_PHASE_HEADER_RE = re.compile(rf"^(?P<name>[{CJK}]{{2,10}})阶段\s*(?:[（(:：]|$)")
_ORDINAL_PHASE_RE = re.compile(r"第[一二三四五六七八九十\d]{1,3}阶段")
_ORDINAL_PHASE_HEADER_RE = re.compile(
    rf"^第[一二三四五六七八九十\d]{{1,3}}阶段\s*[:：]\s*(?P<name>[{CJK}]{{2,10}}?)(?:阶段)?\s*(?:[（(。，,]|$)"
)
_EARLY_DAYS = 60
_OVERALL_KEYS = ("时间安排", "行动时间", "实施时间", "活动时间", "工作时间", "时间跨度", "起止时间")
_MAX_PHASE_PREFIX = 30
_PHASE_NAME_RE = re.compile(rf"^[{CJK}]{{2,12}}$")
_PHASE_PREFIX_RE = re.compile(
    rf"^(?P<name>[{CJK}]{{2,12}}?)\s*(?P<stage>阶段)?\s*(?P<open>[（(:：]|\s)?\s*(?:自|从)?\s*$"
)


def parse_phases(
    lines: list[Line], campaign: CampaignInfo, warnings: list[str]
) -> list[DraftPhase]:
    phases: list[DraftPhase] = []
    found_any = False
    year = campaign.year  # phases run in order: a later one continues the previous one's year
    for line in lines:
        phase = _phase_from_line(line, campaign, year, not phases, warnings)
        if phase is None:
            continue
        found_any = True
        if phase.start is None or phase.end is None:
            warnings.append(f"阶段“{phase.name}”缺少有效的起止日期，未导入该阶段，请补录。")
            continue
        phases.append(phase)
        year = phase.end.year
    if phases:
        return phases
    overall = _overall_phase(lines, campaign, warnings)
    if overall is not None:
        return [overall]
    if not found_any:
        warnings.append("未找到实施阶段（“××阶段（×月×日至×月×日）”）或时间安排。")
    return []


def _phase_from_line(
    line: Line, campaign: CampaignInfo, year: int | None, first: bool, warnings: list[str]
) -> DraftPhase | None:
    text = line.text
    rng = find_range(text)
    if rng is None or rng.start_pos > _MAX_PHASE_PREFIX:
        return _dateless_phase(line, warnings)
    prefix = text[: rng.start_pos]
    if "阶段" not in prefix and NUMBERING_RE.match(prefix) is None:
        return None
    name = _phase_name(prefix, text[rng.end_pos :])
    if name is None or any(key in name for key in _OVERALL_KEYS):
        return None
    where = f"{quote_line(line)}（阶段“{name}”）"
    start, end = _dated_phase(rng, campaign, year, first, where, warnings)
    return DraftPhase(name=name, start=start, end=end)


def _dated_phase(
    rng: RangeMatch,
    campaign: CampaignInfo,
    year: int | None,
    first: bool,
    where: str,
    warnings: list[str],
) -> tuple[date | None, date | None]:
    """Dates of one phase; a year left out is the previous phase's, said in a warning."""
    explicit_year = rng.start_year is not None or rng.from_now
    notes: list[str] = []
    start, end = resolve_range(rng, year, campaign.issued_on, where, notes)
    issued = campaign.issued_on
    if first and not explicit_year and issued and start and (issued - start).days > _EARLY_DAYS:
        notes = [f"{where}的开始日期早于印发日期，已按下一年（{start.year + 1}年）处理。"]
        start, end = resolve_range(rng, start.year + 1, issued, where, notes)
    elif not explicit_year and year is not None and year != campaign.year:
        notes.insert(0, f"{where}未写年份，按上一阶段的年份{year}年处理。")
    warnings.extend(notes)
    return start, end


def _dateless_phase(line: Line, warnings: list[str]) -> DraftPhase | None:
    numbering = NUMBERING_RE.match(line.text)
    text = line.text[numbering.end() :] if numbering else line.text
    ordinal = _ORDINAL_PHASE_HEADER_RE.match(text)
    header = _PHASE_HEADER_RE.match(text) if numbering else None
    if ordinal:
        name = ordinal["name"]
    elif header and not _ORDINAL_PHASE_RE.fullmatch(header["name"] + "阶段"):
        name = header["name"]
    else:
        return None
    warnings.append(f"{quote_line(line)}有阶段“{name}”，但没有可识别的起止日期。")
    return DraftPhase(name=name, start=None, end=None)


def _phase_name(prefix: str, after: str) -> str | None:
    """The phase name from the text before the dates, or after them ("第一阶段（…）：宣传发动").

    Without 阶段 or 第×阶段 the name must be closed by a bracket or colon, so that a
    numbered sentence such as "（三）各村要在5月1日至5月10日…" is not a phase.
    """
    ordinal = _ORDINAL_PHASE_RE.search(prefix)
    body = _ORDINAL_PHASE_RE.sub("", prefix, count=1)
    body = NUMBERING_RE.sub("", body, count=1).strip(" :：")
    if body and not re.fullmatch(r"[\s（(]*", body):
        match = _PHASE_PREFIX_RE.match(body)
        if match and (match["stage"] or match["open"] or ordinal):
            return match["name"]
        return None
    if ordinal is None:
        return None
    tail = re.sub(r"^[\s)）:：、.]+", "", after)
    tail = re.split(r"[，,。；;（(\s]", tail, maxsplit=1)[0].removesuffix("阶段")
    return tail if _PHASE_NAME_RE.match(tail) else ordinal.group(0)


def _overall_phase(
    lines: list[Line], campaign: CampaignInfo, warnings: list[str]
) -> DraftPhase | None:
    texts = [ln for ln in lines if ln.text]
    for index, line in enumerate(texts):
        key = next((k for k in _OVERALL_KEYS if k in line.text), None)
        if key is None:
            continue
        candidates = [line.text[line.text.index(key) :]]
        if index + 1 < len(texts):
            candidates.append(texts[index + 1].text)
        for candidate in candidates:
            rng = find_range(candidate)
            if rng is None:
                continue
            where = f"{quote_line(line)}（{key}）"
            start, end = resolve_range(rng, campaign.year, campaign.issued_on, where, warnings)
            if start is None or end is None:
                warnings.append(f"通知没有分阶段安排，“{key}”的起止日期不完整，未生成阶段。")
                return None
            warnings.append(
                f"通知没有分阶段安排，已按“{key}”中的起止日期（{iso_date(start)}至{iso_date(end)}）"
                f"生成一个阶段“{OVERALL_PHASE_NAME}”。"
            )
            return DraftPhase(name=OVERALL_PHASE_NAME, start=start, end=end)
    return None
