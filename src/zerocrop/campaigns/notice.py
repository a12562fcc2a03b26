"""Parse a township 禁种铲毒 implementation-plan notice (实施方案) into a draft campaign.

This module is pure: no Django, no I/O. `parse_notice(text)` never raises for any
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
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, TypeVar

logger = logging.getLogger(__name__)

GroupRole = Literal["组长", "副组长", "成员"]
UnitKind = Literal["village", "community", "police_station", "judicial_office", "office"]
OfficeRole = Literal["办公室主任", "办公室副主任"]

ROLE_LEADER: GroupRole = "组长"
ROLE_DEPUTY: GroupRole = "副组长"
ROLE_MEMBER: GroupRole = "成员"
OFFICE_HEAD: OfficeRole = "办公室主任"
OFFICE_DEPUTY: OfficeRole = "办公室副主任"

UNIT_KIND_LABELS: dict[str, str] = {
    "village": "村",
    "community": "社区",
    "police_station": "派出所",
    "judicial_office": "司法所",
    "office": "机关科室",
}

# Name of the single phase generated from an overall 时间安排 range.
OVERALL_PHASE_NAME = "全程"


# --------------------------------------------------------------------------- result model


@dataclass(frozen=True)
class CampaignInfo:
    name: str | None = None
    town: str | None = None
    county: str | None = None  # only when the title itself names it ("石门县青石镇…")
    issuer: str | None = None
    issued_on: date | None = None
    title: str | None = None
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "town": self.town,
            "county": self.county,
            "issuer": self.issuer,
            "issued_on": _iso(self.issued_on),
            "title": self.title,
            "year": self.year,
        }


@dataclass(frozen=True)
class GroupMember:
    role: GroupRole
    name: str | None
    titles: tuple[str, ...] = ()
    unit: str | None = None
    office_role: OfficeRole | None = None
    phone: str | None = None
    line: int | None = None  # 1-based source line, for people who check the import

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "titles": list(self.titles),
            "unit": self.unit,
            "office_role": self.office_role,
            "phone": self.phone,
            "line": self.line,
        }


@dataclass(frozen=True)
class Office:
    location: str | None = None
    head: str | None = None
    deputy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location, "head": self.head, "deputy": self.deputy}


@dataclass(frozen=True)
class Phase:
    name: str
    start: date | None
    end: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": _iso(self.start), "end": _iso(self.end)}


@dataclass(frozen=True)
class Unit:
    name: str
    kind: UnitKind

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class MonitoringMode:
    mode: str
    zone: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "zone": self.zone}


@dataclass(frozen=True)
class NoticeDraft:
    campaign: CampaignInfo
    goals: tuple[str, ...] = ()
    group: tuple[GroupMember, ...] = ()
    office: Office = Office()
    phases: tuple[Phase, ...] = ()
    units: tuple[Unit, ...] = ()
    monitoring_modes: tuple[MonitoringMode, ...] = ()
    monitoring_sources: tuple[str, ...] = ()
    critical_stages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    source_text: str = field(default="", repr=False, compare=False)  # kept as 方案原文

    def members(self, role: GroupRole) -> tuple[GroupMember, ...]:
        return tuple(m for m in self.group if m.role == role)

    def units_of(self, kind: UnitKind) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.to_dict(),
            "goals": list(self.goals),
            "group": [m.to_dict() for m in self.group],
            "office": self.office.to_dict(),
            "phases": [p.to_dict() for p in self.phases],
            "units": [u.to_dict() for u in self.units],
            "monitoring_modes": [m.to_dict() for m in self.monitoring_modes],
            "monitoring_sources": list(self.monitoring_sources),
            "critical_stages": list(self.critical_stages),
            "warnings": list(self.warnings),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --------------------------------------------------------------------------- text model

# Full-width letters/digits/space and invisible characters are folded; Chinese
# punctuation is kept (the regexes accept both widths).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0).isalnum()}
_FOLD.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x0009: " ",
        0x200B: None,
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFEFF: None,
        0xFF05: "%",
        0xFF0A: "*",
        0xFF0D: "-",
        0xFF0E: ".",
        0xFF0F: "/",
    }
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_RE = re.compile(r"\s+")
_NUMBERING_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十\d]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）][、.．]?"
    r"|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str  # folded and stripped


def normalize_text(text: str) -> str:
    """Fold full-width alphanumerics/spaces, drop invisible characters, unify newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return text.translate(_FOLD)


def _split_lines(text: str) -> list[_Line]:
    return [_Line(i, raw.strip()) for i, raw in enumerate(normalize_text(text).split("\n"), 1)]


def _squash(text: str) -> str:
    return _SPACE_RE.sub("", text)


def _quote_line(line: _Line, limit: int = 30) -> str:
    text = line.text if len(line.text) <= limit else line.text[:limit] + "…"
    return f"第{line.number}行“{text}”"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --------------------------------------------------------------------------- numbers and dates

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3}
_CN_DIGIT.update({"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_YEAR = r"(?:\d{4}|[〇零○O一二三四五六七八九]{4})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NEXT_YEAR = r"(?:次年|翌年|第二年|明年)"
_DASH = r"(?:至|到|—+|–|-|~|～|─+|－)"

_FULL_DATE_RE = re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MONTH})\s*月\s*(?P<d>{_DAY})\s*[日号]")
_CN_RANGE_RE = re.compile(
    rf"(?:(?P<sy>{_YEAR})\s*年\s*)?(?P<sm>{_MONTH})\s*月\s*(?P<sd>{_DAY})\s*[日号]?\s*起?"
    rf"\s*{_DASH}\s*(?P<next>{_NEXT_YEAR})?\s*(?:(?P<ey>{_YEAR})\s*年\s*)?"
    rf"(?:(?P<em>{_MONTH})\s*月\s*)?(?:(?P<ed>{_DAY})(?!\s*月)\s*[日号]?|(?P<eend>底|末))"
)
_DOT_RANGE_RE = re.compile(
    r"(?<![\d.])(?:(?P<sy>\d{4})[./])?(?P<sm>1[0-2]|0?[1-9])[./](?P<sd>3[01]|[12]\d|0?[1-9])"
    rf"\s*{_DASH}\s*(?:(?P<ey>\d{{4}})[./])?(?:(?P<em>1[0-2]|0?[1-9])[./])?"
    r"(?P<ed>3[01]|[12]\d|0?[1-9])(?![\d./])"
)
_FROM_NOW_RE = re.compile(
    rf"(?:自|从)?即日起?\s*{_DASH}\s*(?P<next>{_NEXT_YEAR})?\s*(?:(?P<ey>{_YEAR})\s*年\s*)?"
    rf"(?P<em>{_MONTH})\s*月\s*(?:(?P<ed>{_DAY})\s*[日号]?|(?P<eend>底|末))"
)


def cn_to_int(token: str) -> int | None:
    """'26' → 26, '二十六' → 26, '十' → 10, '二〇二二' → 2022; None when not a number."""
    token = token.strip()
    if not token:
        return None
    if re.fullmatch(r"[0-9]+", token):
        return int(token)
    if "十" in token:
        left, _, right = token.partition("十")
        if (left and left not in _CN_DIGIT) or (right and right not in _CN_DIGIT):
            return None
        return (_CN_DIGIT[left] if left else 1) * 10 + (_CN_DIGIT[right] if right else 0)
    if all(ch in _CN_DIGIT for ch in token):
        return int("".join(str(_CN_DIGIT[ch]) for ch in token))
    return None


def _make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None or not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1] if 1 <= month <= 12 and year >= 1 else 31


def find_full_date(text: str) -> date | None:
    """The first valid 'YYYY年M月D日' (Arabic or Chinese numerals) in `text`."""
    for m in _FULL_DATE_RE.finditer(text):
        found = _make_date(cn_to_int(m["y"]), cn_to_int(m["m"]), cn_to_int(m["d"]))
        if found:
            return found
    return None


@dataclass(frozen=True)
class _RangeMatch:
    start_pos: int
    end_pos: int
    from_now: bool
    start_year: int | None
    start_month: int | None
    start_day: int | None
    next_year: bool
    end_year: int | None
    end_month: int | None
    end_day: int | None  # None with month_end=True means the last day of the month
    month_end: bool
    text: str


def _find_range(text: str) -> _RangeMatch | None:
    """The earliest date range in `text`, in any supported spelling."""
    found: list[_RangeMatch] = []
    for regex in (_CN_RANGE_RE, _DOT_RANGE_RE, _FROM_NOW_RE):
        m = regex.search(text)
        if m:
            found.append(_range_from_match(m))
    return min(found, key=lambda r: r.start_pos) if found else None


def _range_from_match(m: re.Match[str]) -> _RangeMatch:
    groups = m.groupdict()

    def num(key: str) -> int | None:
        value = groups.get(key)
        return cn_to_int(value) if value else None

    return _RangeMatch(
        start_pos=m.start(),
        end_pos=m.end(),
        from_now="sm" not in groups,
        start_year=num("sy"),
        start_month=num("sm"),
        start_day=num("sd"),
        next_year=bool(groups.get("next")),
        end_year=num("ey"),
        end_month=num("em"),
        end_day=num("ed"),
        month_end=bool(groups.get("eend")),
        text=m.group(0),
    )


def _resolve_range(
    rng: _RangeMatch,
    base_year: int | None,
    issued_on: date | None,
    where: str,
    warnings: list[str],
) -> tuple[date | None, date | None]:
    """Turn a matched range into dates; every assumption made is reported in `warnings`."""
    if rng.from_now:
        start = issued_on
        start_year = issued_on.year if issued_on else base_year
        if issued_on:
            warnings.append(
                f"{where}写的是“即日起”，开始日期按印发日期{issued_on.isoformat()}处理。"
            )
        else:
            warnings.append(f"{where}写的是“即日起”，但没有印发日期，开始日期未导入。")
    else:
        start_year = rng.start_year or base_year
        start = _make_date(start_year, rng.start_month, rng.start_day)
    if start_year is None:
        warnings.append(f"{where}的日期“{rng.text}”没有年份，且通知中找不到印发年份，日期未导入。")
        return None, None

    end_month = rng.end_month or (start.month if start else rng.start_month)
    if rng.end_year:
        end_year = rng.end_year
    elif rng.next_year:
        end_year = start_year + 1
    else:
        end_year = start_year
    end_day = _last_day(end_year, end_month or 0) if rng.month_end else rng.end_day
    end = _make_date(end_year, end_month, end_day)

    if start and end and end < start and not rng.end_year and not rng.next_year:
        end = _make_date(end_year + 1, end_month, end_day)
        warnings.append(f"{where}的结束日期早于开始日期，已按跨年处理（结束于{_iso(end)}）。")
    if not rng.from_now and start is None:
        warnings.append(f"{where}的开始日期“{rng.text}”不是有效日期，未导入。")
    if end is None:
        warnings.append(f"{where}的结束日期“{rng.text}”不是有效日期，未导入。")
    elif start and end < start:
        warnings.append(f"{where}的结束日期{_iso(end)}早于开始日期{_iso(start)}，请核对。")
    return start, end


# --------------------------------------------------------------------------- campaign header

_HEADER_RE = re.compile(r"(?P<issuer>[^\n]{0,60}?)\n?关于印发\s*《(?P<title>[^》]{2,120})》")
_TITLE_LINE_RE = re.compile(r"^[^，。；;：:《》]{4,60}(?:实施方案|工作方案|行动方案|方案)$")
_QUOTED_RE = re.compile(r"[“\"「『‘](?P<name>[^”\"」』’“「『‘\n]{1,24})[”\"」』’]")
_TOWN_RE = re.compile(rf"^(?:中共)?(?:\d{{4}}年)?(?P<town>[{_CJK}]{{1,15}}?(?:苏木|街道|镇|乡))")
_COUNTY_PREFIX_RE = re.compile(
    rf"^(?P<prefix>.*[省市盟州县旗区])(?P<rest>[{_CJK}]+(?:苏木|街道|镇|乡))$"
)
_ISSUER_LINE_RE = re.compile(
    rf"^[{_CJK}]{{2,30}}(?:人民政府|办事处|委员会|党委|政府|禁毒办公室|禁毒办)$"
)
_DATE_LINE_RE = re.compile(rf"^{_FULL_DATE_RE.pattern}$")
_YEAR_IN_TITLE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年")

_HEADER_SCAN_LINES = 8
_MAX_HEADER_LINE = 200


def _parse_campaign(lines: list[_Line], warnings: list[str]) -> CampaignInfo:
    header_issuer, header_title = _header(lines)
    title_line = _standalone_title(lines)
    title = header_title or (title_line.text if title_line else None)
    if header_title and title_line and _squash(title_line.text) != header_title:
        warnings.append(
            f"通知标题中的《{header_title}》与{_quote_line(title_line, 60)}不一致，已采用通知标题。"
        )
    if title is None:
        warnings.append(
            "未找到方案标题（“关于印发《…》的通知”或单独一行的“…方案”），行动名称未导入。"
        )

    name = _campaign_name(title, warnings)
    issuer = header_issuer or _issuer_line(lines)
    if issuer is None:
        warnings.append("未找到发文单位（如“××镇人民政府”）。")
    town, county = _town(title, issuer, warnings)
    issued_on = _issue_date(lines, warnings)
    year = _campaign_year(issued_on, title, warnings)
    return CampaignInfo(
        name=name,
        town=town,
        county=county,
        issuer=issuer,
        issued_on=issued_on,
        title=title,
        year=year,
    )


def _header(lines: list[_Line]) -> tuple[str | None, str | None]:
    """Issuer and title from '××关于印发《…》的通知', which may wrap over several lines.

    The issuer is what precedes 关于印发 on its line, or the whole line before it.
    """
    head = [_squash(ln.text)[:_MAX_HEADER_LINE] for ln in lines if ln.text][:_HEADER_SCAN_LINES]
    match = _HEADER_RE.search("\n".join(head))
    if match is None:
        return None, None
    title = match["title"].replace("\n", "")
    return (match["issuer"] or None), title


def _standalone_title(lines: list[_Line]) -> _Line | None:
    for line in lines:
        text = line.text
        if (
            _TITLE_LINE_RE.match(text)
            and "关于印发" not in text
            and _NUMBERING_RE.match(text) is None
            and not text.startswith(("为", "根据", "按照", "依据"))
        ):
            return line
    return None


def _campaign_name(title: str | None, warnings: list[str]) -> str | None:
    if not title:
        return None  # already reported as a missing title
    match = _QUOTED_RE.search(title)
    if match:
        return match["name"].strip()
    warnings.append(f"标题《{title}》中没有用引号标出的行动名称，行动名称未导入。")
    return None


def _issuer_line(lines: list[_Line]) -> str | None:
    for line in lines:
        if _ISSUER_LINE_RE.match(_squash(line.text)):
            return _squash(line.text)
    return None


def _town(
    title: str | None, issuer: str | None, warnings: list[str]
) -> tuple[str | None, str | None]:
    """The town, and the county prefix written before it (if any)."""
    from_title, title_prefix = _town_in(title)
    from_issuer, issuer_prefix = _town_in(issuer)
    town = from_title or from_issuer
    if town is None:
        warnings.append("标题和发文单位中都没有乡镇名称（××镇/乡/苏木/街道）。")
        return None, None
    if from_title and from_issuer and from_title != from_issuer:
        warnings.append(
            f"标题中的乡镇“{from_title}”与发文单位中的“{from_issuer}”不一致，已采用标题中的。"
        )
    prefix = title_prefix if from_title else issuer_prefix
    if prefix:
        warnings.append(
            f"乡镇名称前带有上级区划“{prefix}”，乡镇按“{town}”导入，“{prefix}”作为上级区划。"
        )
    return town, prefix


def _town_in(text: str | None) -> tuple[str | None, str | None]:
    """The town named at the start of `text`, and the county prefix removed from it."""
    if not text:
        return None, None
    match = _TOWN_RE.match(_squash(text))
    if match is None:
        return None, None
    town = match["town"]
    prefix = _COUNTY_PREFIX_RE.match(town)
    if prefix and len(prefix["rest"]) >= 3:
        return prefix["rest"], prefix["prefix"]
    return town, None


def _issue_date(lines: list[_Line], warnings: list[str]) -> date | None:
    for line in lines:
        match = _DATE_LINE_RE.match(line.text)
        if match:
            found = _make_date(cn_to_int(match["y"]), cn_to_int(match["m"]), cn_to_int(match["d"]))
            if found:
                return found
            warnings.append(f"{_quote_line(line)}不是有效日期，未作为印发日期。")
    for line in lines[:40]:
        found = find_full_date(line.text)
        if found:
            warnings.append(
                f"没有单独一行的落款日期，印发日期按{_quote_line(line)}中的"
                f"{found.isoformat()}推定，请核对。"
            )
            return found
    warnings.append("未找到印发日期（如“2022年4月26日”）。")
    return None


def _campaign_year(issued_on: date | None, title: str | None, warnings: list[str]) -> int | None:
    if issued_on:
        return issued_on.year
    match = _YEAR_IN_TITLE_RE.search(title or "")
    if match:
        warnings.append(f"没有印发日期，行动年度按标题中的“{match.group(0)}”确定。")
        return int(match["y"])
    warnings.append("无法确定行动年度，实施阶段的日期可能无法导入。")
    return None


# --------------------------------------------------------------------------- people and units

_LABEL_RE = re.compile(
    r"^(?P<label>(?:常\s*务\s*)?副\s*组\s*长|组\s*长|成\s*员)\s*(?:[:：]\s*|\s+)(?P<rest>.*)$"
)
_PLACEHOLDER_RE = re.compile(rf"^[{_CJK}]?(?:[Xx×✕*]{{1,4}}|某{{1,2}}|[○〇□]{{1,3}}|\?{{1,3}})$")
_NAME_RE = re.compile(rf"^[{_CJK}][{_CJK}·•・]{{1,7}}$")
_PERSON_TITLE_SUFFIXES = (
    "书记", "主任", "委员", "负责人", "干事", "专干", "民警", "主席", "所长", "站长", "镇长",
    "乡长", "部长", "局长", "院长", "队长", "科长", "校长", "馆长", "场长", "庭长", "社长",
    "村长", "组长", "嘎查达", "苏木达", "教导员", "指导员", "联络员", "网格员", "协管员",
    "专员", "会计", "文书", "助理", "主管", "警长", "辅警", "代表", "成员",
)  # fmt: skip
_SHORT_TITLES = frozenset(
    {"镇长", "乡长", "所长", "站长", "主任", "书记", "组长", "委员", "队长", "科长", "部长",
     "局长", "院长", "会计", "文书", "民警", "主席", "社长", "校长", "村长", "专干", "干事"}
)  # fmt: skip
_ORG_MARKERS = (
    "派出所", "司法所", "社区", "嘎查", "办公室", "中心", "党委", "政府", "人大", "纪委",
    "政法", "武装", "支部", "总支", "委会", "禁毒", "综治", "卫生院", "苏木", "街道",
)  # fmt: skip
_SHORT_ORG_MARKERS = ("村", "办", "站", "所", "院", "局", "镇", "乡")
_UNIT_SUFFIX_RE = re.compile(
    r"(?:派出所|司法所|警务室|社区|嘎查|村|办公室|办|中心|站|卫生院|学校|中学|小学|法庭|林场|供电所)$"
)
_TITLE_START_RE = re.compile(
    r"^(?:党|支部|总支|书记|副|主任|所长|站长|负责人|村委会|居委会|嘎查委员会|委员|民警|专干|干事|"
    r"教导员|指导员|院长|队长|主席|联络员|网格|会计|文书|嘎查达|苏木达|村长|社长|治保|妇联|团|"
    r"监委会|组长|科长|局长|校长|馆长|场长|庭长|警长|社区民警|常务|第一书记|驻村|工作人员|成员)"
)
_BRACKETED_NAME_RE = re.compile(
    rf"(?P<name>[{_CJK}·]{{2,6}})[（(](?P<titles>[^（）()]{{1,40}})[)）]\s*[、，,;；]?"
)
_TITLE_THEN_NAME_RE = re.compile(
    rf"^(?P<title>.+(?:书记|主任|所长|镇长|乡长|站长|负责人|委员|主席|部长|局长|院长|队长|"
    rf"干事|专干|民警|嘎查达|苏木达))(?P<name>[{_CJK}]{{2,3}})$"
)
_TITLE_SPLIT_RE = re.compile(r"[、，,/;；]+")
_PADDED_NAME_RE = re.compile(rf"(?:^|(?<=[\s:：、，,]))([{_CJK}]) +([{_CJK}])(?=$|[\s（(、，,])")
_NOT_MEMBER_MARKS = ("。", "，", "；", ";", "！", "？", "：", ":", "领导小组", "工作小组")
_PHONE_RE = re.compile(r"^(?:1\d{10}|(?:0\d{2,3}-?)?\d{7,8})$")
_PHONE_LABEL_RE = re.compile(r"(?:联系)?(?:电话|手机)\s*[:：]?")
_MAX_MEMBER_LINE = 80
_MAX_UNIT_NAME = 30
_UNLISTED_MARK = "没有列出具体的村（社区）名单"


@dataclass
class _Entry:
    """One person on a group line while it is being assembled."""

    name: str | None = None
    placeholder: str | None = None
    titles: list[str] = field(default_factory=list)
    phone: str | None = None

    def has_person(self) -> bool:
        return self.name is not None or self.placeholder is not None


def is_placeholder(token: str) -> bool:
    return bool(_PLACEHOLDER_RE.match(token))


def _is_title(token: str) -> bool:
    if token in _SHORT_TITLES:
        return True
    if any(marker in token for marker in _ORG_MARKERS):
        return True
    if len(token) >= 4 and any(marker in token for marker in _SHORT_ORG_MARKERS):
        return True
    if any(token.endswith(s) for s in _PERSON_TITLE_SUFFIXES if len(s) >= 2):
        return len(token) >= 2
    return len(token) >= 4 and token.endswith(("长", "员"))


def _is_generic(token: str) -> bool:
    return token.startswith(("各", "全体", "相关", "有关", "辖区")) or token in {"等", "其他"}


def is_person_name(token: str) -> bool:
    return (
        bool(_NAME_RE.match(token))
        and not _is_title(token)
        and not _is_generic(token)
        and not is_placeholder(token)
    )


def _merge_spaced_name(tokens: list[str]) -> list[str]:
    """'南', '定' → '南定': runs of single characters are one padded name."""
    merged: list[str] = []
    run: list[str] = []
    for token in tokens:
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            merged.append("".join(run))
            run = []
        merged.append(token)
    if run:
        merged.append("".join(run))
    return merged


def _expand_token(token: str) -> list[str]:
    """'张三、李四' → two tokens; '党委副书记、政府镇长' → two title tokens of one person."""
    parts = [p for p in _TITLE_SPLIT_RE.split(token) if p]
    return [p[:-2] if p.endswith("同志") and len(p) > 3 else p for p in parts]


def _tokenize_member_text(text: str) -> list[str]:
    def unbracket(match: re.Match[str]) -> str:
        if is_person_name(match["name"]):
            return f" {match['name']} {match['titles']} "
        return match.group(0)

    text = _PHONE_LABEL_RE.sub(" ", text)
    text = _PADDED_NAME_RE.sub(r"\1\2", text)
    text = _BRACKETED_NAME_RE.sub(unbracket, text)
    tokens = _merge_spaced_name(text.split())
    return [part for token in tokens for part in _expand_token(token)]


def _token_kind(token: str) -> Literal["name", "placeholder", "phone", "title"]:
    if _PHONE_RE.match(token):
        return "phone"
    if is_placeholder(token):
        return "placeholder"
    if is_person_name(token):
        return "name"
    return "title"


def _assemble_entries(tokens: list[str]) -> list[_Entry]:
    """Group tokens into people, both for 'NAME TITLE' and for 'TITLE NAME' layouts."""
    if not tokens:
        return []
    title_first = _token_kind(tokens[0]) == "title"
    entries: list[_Entry] = []
    current = _Entry()
    for token in tokens:
        kind = _token_kind(token)
        if kind == "phone":
            current.phone = current.phone or token
            continue
        if kind == "title":
            if title_first and current.has_person():
                entries.append(current)
                current = _Entry()
            current.titles.append(token)
            continue
        if current.has_person():
            entries.append(current)
            current = _Entry()
        if kind == "name":
            current.name = token
        else:
            current.placeholder = token
    entries.append(current)
    entries = [e for e in entries if e.has_person() or e.titles]
    if len(entries) == 1 and not entries[0].has_person():
        return _split_posts(entries[0])
    return entries


def _split_posts(entry: _Entry) -> list[_Entry]:
    """'镇派出所所长、镇司法所所长' (no names) lists two posts, one per unit."""
    with_unit = [t for t in entry.titles if split_unit(t)[0] is not None]
    if len(with_unit) < 2:
        return [entry]
    posts: list[_Entry] = []
    for title in entry.titles:
        if split_unit(title)[0] is not None or not posts:
            posts.append(_Entry())
        posts[-1].titles.append(title)
    return posts


def split_unit(piece: str) -> tuple[str | None, str]:
    """'毛布拉格村党支部书记' → ('毛布拉格村', '党支部书记'); no unit → (None, piece)."""
    for end in range(2, min(len(piece), _MAX_UNIT_NAME + 1)):
        prefix, rest = piece[:end], piece[end:]
        window = max(0, len(prefix) - 4)  # every unit suffix is at most 3 characters long
        suffix = _UNIT_SUFFIX_RE.search(prefix, window)
        if suffix and suffix.start() > 0 and _TITLE_START_RE.match(rest):
            return prefix, rest
    return None, piece


def unit_kind(name: str) -> UnitKind:
    if name.endswith(("派出所", "警务室")):
        return "police_station"
    if name.endswith("司法所"):
        return "judicial_office"
    if name.endswith("社区"):
        return "community"
    if name.endswith(("村", "嘎查")):
        return "village"
    return "office"


def _titles_and_unit(raw_titles: list[str]) -> tuple[tuple[str, ...], str | None]:
    unit: str | None = None
    titles: list[str] = []
    for raw in raw_titles:
        for piece in _TITLE_SPLIT_RE.split(raw):
            if not piece:
                continue
            found_unit, title = split_unit(piece) if unit is None else (None, piece)
            if found_unit:
                unit = found_unit
            titles.append(title)
    return _unique(titles), unit


def _looks_like_member_line(text: str) -> bool:
    if not text or len(text) > _MAX_MEMBER_LINE:
        return False
    text = _PHONE_LABEL_RE.sub(" ", text)
    if any(mark in text for mark in _NOT_MEMBER_MARKS) or _NUMBERING_RE.match(text):
        return False
    entries = _assemble_entries(_tokenize_member_text(text))
    if not entries:
        return False
    # A title-only line must still name a post a person holds (…所长, …书记).
    return all(e.has_person() or _ends_like_post(e.titles) for e in entries)


def _ends_like_post(titles: list[str]) -> bool:
    last = titles[-1] if titles else ""
    return any(last.endswith(s) for s in _PERSON_TITLE_SUFFIXES) or last in _SHORT_TITLES


def _role_of(label: str, line: _Line, warnings: list[str]) -> GroupRole:
    label = _squash(label)
    if label == "组长":
        return ROLE_LEADER
    if label == "成员":
        return ROLE_MEMBER
    if label != "副组长":
        warnings.append(f"{_quote_line(line)}中的“{label}”按副组长导入。")
    return ROLE_DEPUTY


def _members_from_text(
    text: str, role: GroupRole, line: _Line, warnings: list[str]
) -> list[GroupMember]:
    members: list[GroupMember] = []
    for entry in _assemble_entries(_tokenize_member_text(text)):
        member = _member_from_entry(entry, role, line, warnings)
        if member is not None:
            members.append(member)
    return members


def _member_from_entry(
    entry: _Entry, role: GroupRole, line: _Line, warnings: list[str]
) -> GroupMember | None:
    raw_titles = list(entry.titles)
    name = entry.name
    if not entry.has_person() and len(raw_titles) == 1:
        split = _TITLE_THEN_NAME_RE.match(raw_titles[0])
        if split and is_person_name(split["name"]) and _is_title(split["title"]):
            name, raw_titles = split["name"], [split["title"]]
            warnings.append(
                f"{_quote_line(line)}中职务与姓名连写，已拆为姓名“{name}”、"
                f"职务“{split['title']}”，请核对。"
            )
    generic = [t for t in raw_titles if _is_generic(t)]
    if generic and name is None and entry.placeholder is None:
        warnings.append(
            f"{_quote_line(line)}中的“{generic[0]}”{_UNLISTED_MARK}，该项未导入，请补录。"
        )
        return None
    titles, unit = _titles_and_unit(raw_titles)
    if entry.placeholder is not None:
        warnings.append(
            f"{_quote_line(line)}中的姓名是占位符“{entry.placeholder}”，姓名未导入，请补录。"
        )
    elif name is None:
        warnings.append(f"{_quote_line(line)}只有职务没有姓名，姓名未导入，请补录。")
    return GroupMember(
        role=role, name=name, titles=titles, unit=unit, phone=entry.phone, line=line.number
    )


def _parse_group(lines: list[_Line], warnings: list[str]) -> list[GroupMember]:
    """The group from 组长：/成员： lists and from sentences, in the order of the text."""
    listed = _parse_listed_group(lines, warnings)
    prose = _parse_prose_group(lines, warnings)
    known = {(m.role, m.name) for m in listed if m.name}
    prose = [m for m in prose if m.name is None or (m.role, m.name) not in known]
    members = sorted(listed + prose, key=lambda m: m.line or 0)
    if not members:
        warnings.append("未找到领导小组名单（“组长：”“副组长：”“成员：”）。")
    elif not any(m.role == ROLE_LEADER for m in members):
        warnings.append("领导小组名单中没有组长。")
    _warn_duplicates(members, warnings)
    return members


def _parse_listed_group(lines: list[_Line], warnings: list[str]) -> list[GroupMember]:
    members: list[GroupMember] = []
    role: GroupRole | None = None
    closed = False
    for line in lines:
        label = _LABEL_RE.match(line.text)
        if label and closed:
            warnings.append(
                f"{_quote_line(line)}在领导小组名单之后又出现名单（可能是其他工作组），未导入。"
            )
            continue
        if label:
            role = _role_of(label["label"], line, warnings)
            members.extend(_members_from_text(label["rest"], role, line, warnings))
            continue
        if role is None or closed or not line.text:
            continue
        if _looks_like_member_line(line.text):
            members.extend(_members_from_text(line.text, role, line, warnings))
        else:
            closed = True
    return members


def _warn_duplicates(members: list[GroupMember], warnings: list[str]) -> None:
    seen: dict[str, list[int]] = {}
    for member in members:
        if member.name:
            seen.setdefault(member.name, []).append(member.line or 0)
    for name, numbers in seen.items():
        if len(numbers) > 1:
            where = "、".join(f"第{n}行" for n in numbers)
            warnings.append(
                f"领导小组名单中“{name}”出现{len(numbers)}次（{where}），均已保留，"
                "请核对是同名同姓还是重复录入。"
            )


# --------------------------------------------------------------------------- the group in prose

# "成立…领导小组，由镇党委书记赵建国任组长，镇长孙丽、政法委员周强任副组长，派出所、司法所
# 负责人和各村党支部书记为成员": clauses that end in a role (A任组长) or start with one
# (组长由A担任).
_PROSE_ROLE = r"(?P<role>常务副组长|副组长|组长|成员)"
_PROSE_WHO_END = r"(?:等同志|同志|等人|等)?"
_PROSE_ROLE_LAST_RE = re.compile(
    rf"^(?P<who>.+?){_PROSE_WHO_END}(?:兼任|担任|出任|任|为|作为)(?:领导小组|小组)?{_PROSE_ROLE}$"
)
_PROSE_ROLE_FIRST_RE = re.compile(
    rf"^(?:领导小组|小组)?{_PROSE_ROLE}(?:由|为|是|包括|有)(?P<who>.+?){_PROSE_WHO_END}"
    r"(?:兼任|担任|出任|组成|同志组成)?$"
)
_PROSE_ROLE_COLON_RE = re.compile(rf"^(?:领导小组|小组)?{_PROSE_ROLE}(?:如下)?[:：](?P<who>.*)$")
_PROSE_LEAD_IN_RE = re.compile(
    r"^.*?(?:成立|组建|调整)(?:了)?(?:以|由)|^(?:特|现|并|同时|其中|具体由|由|以)+"
)
_PROSE_TRAILER_RE = re.compile(r"的[^，。]{0,40}(?:领导小组|工作小组|指挥部)$")
_PROSE_CLAUSE_RE = re.compile(r"[，,；;。]")
_PROSE_ITEM_SPLIT_RE = re.compile(r"[、/]+|(?<=[所长记任员人部办村区队站])(?:以及|和|及|与)")
_PROSE_CONTEXT = ("领导小组", "工作小组", "指挥部")
_PARAGRAPH_END = ("。", "；", ";", "：", ":")
_MAX_PARAGRAPH_LINES = 8
_MAX_PROSE_NAME = 4
_MIN_WRAPPED_LINE = 16  # shorter lines (headers, signatures) end their paragraph


@dataclass(frozen=True)
class _Paragraph:
    text: str
    starts: tuple[tuple[int, int], ...]  # (offset in text, source line number) per joined line

    def line_at(self, offset: int) -> int:
        number = self.starts[0][1]
        for start, line in self.starts:
            if start > offset:
                break
            number = line
        return number


def _paragraphs(lines: list[_Line]) -> list[_Paragraph]:
    """Lines joined while a sentence wraps (a line not ending in 。；：, the next not numbered)."""
    paragraphs: list[_Paragraph] = []
    text = ""
    starts: list[tuple[int, int]] = []
    for line in lines:
        joinable = (
            starts
            and line.text
            and len(text) - starts[-1][0] >= _MIN_WRAPPED_LINE
            and not text.endswith(_PARAGRAPH_END)
            and len(starts) < _MAX_PARAGRAPH_LINES
            and _NUMBERING_RE.match(line.text) is None
            and _LABEL_RE.match(line.text) is None
        )
        if starts and not joinable:
            paragraphs.append(_Paragraph(text, tuple(starts)))
            text, starts = "", []
        if line.text:
            starts.append((len(text), line.number))
            text += _squash(line.text)
    if starts:
        paragraphs.append(_Paragraph(text, tuple(starts)))
    return paragraphs


def _prose_assignment(clause: str) -> tuple[str, str, bool] | None:
    """(role label, who, opens a list) for a clause that gives a group role."""
    clause = _PROSE_TRAILER_RE.sub("", clause)
    for candidate in (clause, _PROSE_LEAD_IN_RE.sub("", clause, count=1)):
        colon = _PROSE_ROLE_COLON_RE.match(candidate)
        if colon:
            return colon["role"], colon["who"], True
        for pattern in (_PROSE_ROLE_FIRST_RE, _PROSE_ROLE_LAST_RE):
            match = pattern.match(candidate)
            if match and match["who"] and "办公室" not in match["who"]:
                who = _PROSE_LEAD_IN_RE.sub("", match["who"], count=1) or match["who"]
                return match["role"], who, False
    return None


def _split_title_name(item: str) -> tuple[str, str] | None:
    """'镇党委书记赵建国' → ('镇党委书记', '赵建国'); None when the item does not end in a name."""
    for size in (3, 2, 4):
        title, name = item[:-size], item[-size:]
        if len(title) >= 2 and is_person_name(name) and _ends_like_post([title]):
            return title, name
    return None


def _is_bare_unit(item: str) -> bool:
    """'派出所', '各村': a unit whose post is named by the next item ('派出所、司法所负责人')."""
    return bool(_UNIT_SUFFIX_RE.search(item)) and not _ends_like_post([item])


@dataclass(frozen=True)
class _ProseItem:
    name: str | None
    titles: tuple[str, ...]


def _prose_items(who: str) -> list[_ProseItem]:
    """People and posts in one clause; titles written before a name belong to that name."""
    raw = [_strip_comrade(part) for part in _PROSE_ITEM_SPLIT_RE.split(who)]
    items: list[_ProseItem] = []
    pending: list[str] = []
    for part in (p for p in raw if p):
        bracketed = _BRACKETED_NAME_RE.fullmatch(part)
        if bracketed and is_person_name(bracketed["name"]):
            name, own = bracketed["name"], [bracketed["titles"]]
        elif _is_prose_name(part) or is_placeholder(part):
            name, own = part, []
        elif split := _split_title_name(part):
            name, own = split[1], [split[0]]
        else:
            pending.append(part)
            continue
        own_unit = any(split_unit(t)[0] for t in own)
        if pending and own_unit and any(split_unit(p)[0] or _is_bare_unit(p) for p in pending):
            items.extend(_posts(pending))  # '司法所负责人、派出所所长王明': two people
            pending = []
        items.append(_ProseItem(name, tuple(pending + own)))
        pending = []
    items.extend(_posts(pending))
    return items


def _is_prose_name(part: str) -> bool:
    """A name in running text is short: '成立领导小组' is a phrase, not a name."""
    short = len(part) <= _MAX_PROSE_NAME or "·" in part
    return short and is_person_name(part) and not _is_bare_unit(part)  # '东岭村' is a unit


def _strip_comrade(part: str) -> str:
    part = re.sub(r"(?:等同志|同志|等人|等)$", "", part)
    if part.startswith("各"):  # '各村（社区）党支部书记' → '各村党支部书记'
        part = re.sub(r"[（(][^）)]*[)）]", "", part)
    return part


def _posts(parts: list[str]) -> list[_ProseItem]:
    """Posts without names; a bare unit takes the post of the item after it."""
    posts: list[_ProseItem] = []
    waiting: list[str] = []
    for part in parts:
        if _is_bare_unit(part):
            waiting.append(part)
            continue
        title = _post_of(part)
        posts.extend(_ProseItem(None, (f"{bare}{title}",)) for bare in waiting)
        posts.append(_ProseItem(None, (part,)))
        waiting = []
    posts.extend(_ProseItem(None, (bare,)) for bare in waiting)
    return posts


def _post_of(part: str) -> str:
    """'司法所负责人' → '负责人': the post once the unit in front of it is left out."""
    for end in range(2, len(part)):
        if _UNIT_SUFFIX_RE.search(part[:end]) and _TITLE_START_RE.match(part[end:]):
            return part[end:]
    return part


def _prose_member(
    item: _ProseItem, role: GroupRole, line: _Line, warnings: list[str]
) -> GroupMember:
    titles, unit = _titles_and_unit(list(item.titles))
    name = item.name
    if name is not None and is_placeholder(name):
        warnings.append(f"{_quote_line(line)}中的姓名是占位符“{name}”，姓名未导入，请补录。")
        name = None
    elif name is None:
        post = "".join(item.titles)
        missing = f"{_UNLISTED_MARK}，也没有姓名" if _is_generic(unit or post) else "没有写姓名"
        warnings.append(
            f"{_quote_line(line)}中的{role}“{post}”{missing}，已作为待补录的职务导入，请补录。"
        )
    return GroupMember(role=role, name=name, titles=titles, unit=unit, line=line.number)


def _parse_prose_group(lines: list[_Line], warnings: list[str]) -> list[GroupMember]:
    """The first paragraph(s) that give group roles in sentences, in text order."""
    by_number = {line.number: line for line in lines}
    members: list[GroupMember] = []
    previous = ""
    for paragraph in _paragraphs(lines):
        found = _prose_paragraph(paragraph, previous, by_number, warnings)
        previous = paragraph.text
        if found:
            members.extend(found)
        elif members:
            break
    return members


def _prose_paragraph(
    paragraph: _Paragraph, previous: str, by_number: dict[int, _Line], warnings: list[str]
) -> list[GroupMember]:
    text = paragraph.text
    if not any(key in text or key in previous for key in _PROSE_CONTEXT):
        return []
    if _LABEL_RE.match(text):
        return []  # a 组长：… list line, read by the list parser
    members: list[GroupMember] = []
    listing: GroupRole | None = None  # after '成员：' the clauses up to '。' are people
    # '镇长何秀兰，政法委员周强为副组长': people before a comma share the role after it.
    waiting: list[tuple[_Line, list[_ProseItem]]] = []
    offset = 0
    for clause in _PROSE_CLAUSE_RE.split(text):
        start = offset
        mark = text[offset + len(clause) : offset + len(clause) + 1]
        offset += len(clause) + 1
        found = _prose_assignment(clause)
        who = found[1] if found is not None else clause
        line = by_number[paragraph.line_at(start + max(clause.find(who), 0))]
        if found is not None:
            role = _role_of(found[0], line, warnings)
            listing = role if found[2] else None
            before = [] if found[2] else waiting
        elif listing is not None and clause and "办公室" not in clause:
            role, before = listing, []
        else:
            listing = None
            items = _prose_items(clause) if "办公室" not in clause else []
            people = bool(items) and all(i.name is not None for i in items)
            waiting = [*waiting, (line, items)] if people and mark not in {"。", ""} else []
            continue
        for where, items in [*before, (line, _prose_items(who))]:
            for item in items:
                found_at = text.find(item.name or "".join(item.titles)[:2], start)
                if found_at >= start and paragraph.line_at(found_at) != where.number:
                    where = by_number[paragraph.line_at(found_at)]
                members.append(_prose_member(item, role, where, warnings))
        waiting = []
        if mark in {"。", ""}:
            listing = None
    return members


def _collect_units(members: list[GroupMember], office: Office, town: str | None) -> list[Unit]:
    units: dict[str, Unit] = {}
    for member in members:
        if member.unit and member.unit not in units and not _is_generic(member.unit):
            units[member.unit] = Unit(member.unit, unit_kind(member.unit))
    location = office.location
    if location and not _is_generic(location):
        known = {_canonical_unit(name, town) for name in units}
        if _canonical_unit(location, town) not in known:
            units[location] = Unit(location, unit_kind(location))
    return list(units.values())


def _canonical_unit(name: str, town: str | None) -> str:
    if town and name.startswith(town):
        name = name[len(town) :]
    name = re.sub(r"^(?:镇|乡|苏木|街道)", "", name)
    return re.sub(r"办公室$", "办", name)


# --------------------------------------------------------------------------- office

_OFFICE_LOCATION_RE = re.compile(
    r"办公室\s*[（(]?\s*(?:设在|设于|位于)\s*(?P<loc>[^，,。；;（()）\s]{2,30})"
)
_OFFICE_CLAUSE_PATTERNS = (
    re.compile(
        r"^(?:由)?(?P<who>.+?)(?:同志)?(?:兼任|担任|任|为)(?:领导小组)?(?:办公室)?(?P<vice>副)?主任$"
    ),
    re.compile(
        r"^(?:领导小组)?(?:办公室)?(?P<vice>副)?主任(?:由|是)(?P<who>.+?)(?:同志)?(?:兼任|担任|负责)?$"
    ),
    re.compile(r"^(?:领导小组)?办公室(?P<vice>副)?主任\s*[:：]?\s*(?P<who>[^\s:：]{2,20})$"),
)
_CLAUSE_SPLIT_RE = re.compile(r"[，,。；;]")


def _parse_office(
    lines: list[_Line], members: list[GroupMember], warnings: list[str]
) -> tuple[Office, list[GroupMember]]:
    location_line, location = _office_location(lines)
    if location is None:
        warnings.append("未找到领导小组办公室的设置（“办公室设在…”）。")
    head_who: tuple[str, _Line] | None = None
    deputy_who: tuple[str, _Line] | None = None
    for line in _office_lines(lines, location_line):
        for clause in _CLAUSE_SPLIT_RE.split(line.text):
            assignment = _office_assignment(_squash(clause))
            if assignment is None:
                continue
            who, vice = assignment
            if vice and deputy_who is None:
                deputy_who = (who, line)
            elif not vice and head_who is None:
                head_who = (who, line)
    head, head_post = _resolve_person(head_who, members, OFFICE_HEAD, warnings)
    deputy, deputy_post = _resolve_person(deputy_who, members, OFFICE_DEPUTY, warnings)
    if head_who is None and location is not None:
        warnings.append("未找到领导小组办公室主任。")
    members = _mark_office_roles(members, head, deputy, warnings)
    for index, role in ((head_post, OFFICE_HEAD), (deputy_post, OFFICE_DEPUTY)):
        if index is not None and members[index].office_role is None:
            members[index] = replace(members[index], office_role=role)
    return Office(location=location, head=head, deputy=deputy), members


def _office_location(lines: list[_Line]) -> tuple[_Line | None, str | None]:
    for line in lines:
        match = _OFFICE_LOCATION_RE.search(line.text)
        if match:
            return line, match["loc"]
    return None, None


def _office_lines(lines: list[_Line], location_line: _Line | None) -> Iterator[_Line]:
    """The office sentence, the two lines after it, and any line naming an office post."""
    near: set[int] = set()
    if location_line is not None:
        following = [ln for ln in lines if ln.number >= location_line.number and ln.text]
        near = {ln.number for ln in following[:3]}
    for line in lines:
        if line.number in near or "办公室主任" in line.text or "办公室副主任" in line.text:
            yield line


def _office_assignment(clause: str) -> tuple[str, bool] | None:
    for pattern in _OFFICE_CLAUSE_PATTERNS:
        match = pattern.match(clause)
        if match and match["who"]:
            return match["who"], bool(match["vice"])
    return None


def _resolve_person(
    found: tuple[str, _Line] | None,
    members: list[GroupMember],
    post: str,
    warnings: list[str],
) -> tuple[str | None, int | None]:
    """The office holder's name; or, when the group has the post without a name, its index."""
    if found is None:
        return None, None
    who, line = found
    who = who.removeprefix("由").removesuffix("同志")
    names = [m.name for m in members if m.name]
    people = _office_people(who)
    if len(people) > 1:
        warnings.append(f"{_quote_line(line)}列出多人任{post}，只导入第一位。")
        who = people[0]
    if is_placeholder(who):
        warnings.append(f"{_quote_line(line)}中{post}的姓名是占位符“{who}”，未导入。")
        return None, None
    if who in names:
        return who, None
    for name in sorted(names, key=len, reverse=True):
        if who.endswith(name):
            return name, None
    split = _split_title_name(who)
    if split is not None and not is_person_name(who):
        who = split[1]  # '镇综治办主任陈静' → '陈静'
    if is_person_name(who):
        warnings.append(f"{post}“{who}”不在领导小组名单中，请核对。")
        return who, None
    holders = [m for m in members if m.name and _holds_post(m, who)]
    if len(holders) == 1:
        warnings.append(
            f"{_quote_line(line)}中{post}由“{who}”兼任，按领导小组名单推定为"
            f"“{holders[0].name}”，请核对。"
        )
        return holders[0].name, None
    # A post to fill counts only when written the same way ("派出所所长" is not "镇派出所所长").
    posts = [i for i, m in enumerate(members) if m.name is None and _post_text(m) == who]
    if len(posts) == 1:
        warnings.append(f"{_quote_line(line)}中{post}由领导小组中的“{who}”兼任，姓名待补录。")
        return None, posts[0]
    warnings.append(f"{_quote_line(line)}中{post}只写了职务“{who}”，没有姓名，未导入。")
    return None, None


def _office_people(who: str) -> list[str]:
    """'赵六、孙七' → two people; '副组长、政法委员周强' → one (titles go with the next name)."""
    people: list[str] = []
    titles = ""
    for part in (p for p in _TITLE_SPLIT_RE.split(who) if p):
        if is_person_name(part) or is_placeholder(part) or _split_title_name(part):
            people.append(titles + part)
            titles = ""
        else:
            titles += part
    if titles:
        people.append(titles)
    return people


def _post_text(member: GroupMember) -> str:
    return (member.unit or "") + "".join(member.titles)


def _holds_post(member: GroupMember, post: str) -> bool:
    full = _post_text(member)
    return bool(full) and (post in member.titles or full.endswith(post) or post.endswith(full))


def _mark_office_roles(
    members: list[GroupMember], head: str | None, deputy: str | None, warnings: list[str]
) -> list[GroupMember]:
    marked = list(members)
    for person, role in ((head, OFFICE_HEAD), (deputy, OFFICE_DEPUTY)):
        if person is None:
            continue
        indexes = [i for i, m in enumerate(marked) if m.name == person]
        if not indexes:
            continue
        if len(indexes) > 1:
            warnings.append(f"{role}“{person}”在名单中出现多次，{role}只标在第一处。")
        marked[indexes[0]] = replace(marked[indexes[0]], office_role=role)
    return marked


# --------------------------------------------------------------------------- phases

_PHASE_HEADER_RE = re.compile(rf"^(?P<name>[{_CJK}]{{2,10}})阶段\s*(?:[（(:：]|$)")
_ORDINAL_PHASE_RE = re.compile(r"第[一二三四五六七八九十\d]{1,3}阶段")
_ORDINAL_PHASE_HEADER_RE = re.compile(
    rf"^第[一二三四五六七八九十\d]{{1,3}}阶段\s*[:：]\s*(?P<name>[{_CJK}]{{2,10}}?)(?:阶段)?\s*(?:[（(。，,]|$)"
)
_EARLY_DAYS = 60
_OVERALL_KEYS = ("时间安排", "行动时间", "实施时间", "活动时间", "工作时间", "时间跨度", "起止时间")
_MAX_PHASE_PREFIX = 30
_PHASE_NAME_RE = re.compile(rf"^[{_CJK}]{{2,12}}$")
_PHASE_PREFIX_RE = re.compile(
    rf"^(?P<name>[{_CJK}]{{2,12}}?)\s*(?P<stage>阶段)?\s*(?P<open>[（(:：]|\s)?\s*(?:自|从)?\s*$"
)


def _parse_phases(lines: list[_Line], campaign: CampaignInfo, warnings: list[str]) -> list[Phase]:
    phases: list[Phase] = []
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
    line: _Line, campaign: CampaignInfo, year: int | None, first: bool, warnings: list[str]
) -> Phase | None:
    text = line.text
    rng = _find_range(text)
    if rng is None or rng.start_pos > _MAX_PHASE_PREFIX:
        return _dateless_phase(line, warnings)
    prefix = text[: rng.start_pos]
    if "阶段" not in prefix and _NUMBERING_RE.match(prefix) is None:
        return None
    name = _phase_name(prefix, text[rng.end_pos :])
    if name is None or any(key in name for key in _OVERALL_KEYS):
        return None
    where = f"{_quote_line(line)}（阶段“{name}”）"
    start, end = _dated_phase(rng, campaign, year, first, where, warnings)
    return Phase(name=name, start=start, end=end)


def _dated_phase(
    rng: _RangeMatch,
    campaign: CampaignInfo,
    year: int | None,
    first: bool,
    where: str,
    warnings: list[str],
) -> tuple[date | None, date | None]:
    """Dates of one phase; a year left out is the previous phase's, said in a warning."""
    explicit_year = rng.start_year is not None or rng.from_now
    notes: list[str] = []
    start, end = _resolve_range(rng, year, campaign.issued_on, where, notes)
    issued = campaign.issued_on
    if first and not explicit_year and issued and start and (issued - start).days > _EARLY_DAYS:
        notes = [f"{where}的开始日期早于印发日期，已按下一年（{start.year + 1}年）处理。"]
        start, end = _resolve_range(rng, start.year + 1, issued, where, notes)
    elif not explicit_year and year is not None and year != campaign.year:
        notes.insert(0, f"{where}未写年份，按上一阶段的年份{year}年处理。")
    warnings.extend(notes)
    return start, end


def _dateless_phase(line: _Line, warnings: list[str]) -> Phase | None:
    numbering = _NUMBERING_RE.match(line.text)
    text = line.text[numbering.end() :] if numbering else line.text
    ordinal = _ORDINAL_PHASE_HEADER_RE.match(text)
    header = _PHASE_HEADER_RE.match(text) if numbering else None
    if ordinal:
        name = ordinal["name"]
    elif header and not _ORDINAL_PHASE_RE.fullmatch(header["name"] + "阶段"):
        name = header["name"]
    else:
        return None
    warnings.append(f"{_quote_line(line)}有阶段“{name}”，但没有可识别的起止日期。")
    return Phase(name=name, start=None, end=None)


def _phase_name(prefix: str, after: str) -> str | None:
    """The phase name from the text before the dates, or after them ("第一阶段（…）：宣传发动").

    Without 阶段 or 第×阶段 the name must be closed by a bracket or colon, so that a
    numbered sentence such as "（三）各村要在5月1日至5月10日…" is not a phase.
    """
    ordinal = _ORDINAL_PHASE_RE.search(prefix)
    body = _ORDINAL_PHASE_RE.sub("", prefix, count=1)
    body = _NUMBERING_RE.sub("", body, count=1).strip(" :：")
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


def _overall_phase(lines: list[_Line], campaign: CampaignInfo, warnings: list[str]) -> Phase | None:
    texts = [ln for ln in lines if ln.text]
    for index, line in enumerate(texts):
        key = next((k for k in _OVERALL_KEYS if k in line.text), None)
        if key is None:
            continue
        candidates = [line.text[line.text.index(key) :]]
        if index + 1 < len(texts):
            candidates.append(texts[index + 1].text)
        for candidate in candidates:
            rng = _find_range(candidate)
            if rng is None:
                continue
            where = f"{_quote_line(line)}（{key}）"
            start, end = _resolve_range(rng, campaign.year, campaign.issued_on, where, warnings)
            if start is None or end is None:
                warnings.append(f"通知没有分阶段安排，“{key}”的起止日期不完整，未生成阶段。")
                return None
            warnings.append(
                f"通知没有分阶段安排，已按“{key}”中的起止日期（{_iso(start)}至{_iso(end)}）"
                f"生成一个阶段“{OVERALL_PHASE_NAME}”。"
            )
            return Phase(name=OVERALL_PHASE_NAME, start=start, end=end)
    return None


# --------------------------------------------------------------------------- goals and monitoring

_ZERO_GOAL_RE = re.compile(r"零(?:种植|产量|流出|流入|外流|危害|发生)")
_RATE_NAMES = r"(?:发现率|铲除率|踏查率|覆盖率|查处率|到位率|知晓率)"
_RATE_RE = re.compile(
    rf"(?P<names>{_RATE_NAMES}(?:\s*[、和与及,，]\s*{_RATE_NAMES}){{0,5}})\s*"
    r"(?:均|要|必须|务必|都)?\s*(?:达到|达|为|实现)?\s*(?P<value>\d{1,3}(?:\.\d+)?)\s*[%％]"
)
_MODE_RE = re.compile(rf"(?P<zone>[{_CJK}]{{2}}(?:区域|地区|地块))(?P<mode>精测|巡测|抽测|普测)")
_FLEX_MODE_RE = re.compile(r"机动(?:监测|巡测|航测|抽测)")
_SOURCE_RE = re.compile(r"卫星遥感|航空遥感|无人机航测|无人机巡查|无人机航拍|无人机巡航|直升机巡查")
_STAGE_RE = re.compile(r"(?:播种|出苗|幼苗|生长|开花|结果|结籽|割浆|收割|成熟|收获)期")


def _parse_goals(text: str) -> list[str]:
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _ZERO_GOAL_RE.finditer(text)]
    for match in _RATE_RE.finditer(text):
        value = match["value"]
        for rate in re.findall(_RATE_NAMES, match["names"]):
            found.append((match.start(), f"{rate}{value}%"))
    return list(_unique(goal for _, goal in sorted(found, key=lambda item: item[0])))


def _parse_monitoring_modes(text: str) -> list[MonitoringMode]:
    found: list[tuple[int, MonitoringMode]] = [
        (m.start(), MonitoringMode(mode=m["mode"], zone=m["zone"])) for m in _MODE_RE.finditer(text)
    ]
    flex = _FLEX_MODE_RE.search(text)
    if flex:
        found.append((flex.start(), MonitoringMode(mode="机动", zone=None)))
    modes: dict[str, MonitoringMode] = {}
    for _, mode in sorted(found, key=lambda item: item[0]):
        modes.setdefault(mode.mode, mode)
    return list(modes.values())


def _parse_sources(text: str) -> list[str]:
    return list(_unique(m.group(0) for m in _SOURCE_RE.finditer(text)))


def _parse_stages(text: str) -> list[str]:
    return list(_unique(m.group(0) for m in _STAGE_RE.finditer(text)))


def _warn_unlisted_villages(units: list[Unit], flat: str, warnings: list[str]) -> None:
    """'各村' with no village anywhere in the group: say so once.

    The parser cannot know the town's villages, so it says what the notice lacks, not
    that none will be imported: the campaign lists the villages already registered.
    """
    if any(u.kind == "village" for u in units) or not re.search(r"各(?:村|嘎查)", flat):
        return
    if any(_UNLISTED_MARK in w for w in warnings):
        return
    warnings.append(
        f"通知中提到“各村”，但{_UNLISTED_MARK}；行动沿用系统中本乡镇已登记的村（社区），请核对。"
    )


# --------------------------------------------------------------------------- entry point

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
    lines = _split_lines(text)
    if not any(line.text for line in lines):
        return NoticeDraft(campaign=CampaignInfo(), warnings=("通知内容为空。",), source_text=text)
    flat = "".join(line.text for line in lines)

    campaign = _guarded(
        "行动信息", CampaignInfo(), warnings, lambda: _parse_campaign(lines, warnings)
    )
    members = _guarded("领导小组", [], warnings, lambda: _parse_group(lines, warnings))
    office, members = _guarded(
        "办公室", (Office(), members), warnings, lambda: _parse_office(lines, members, warnings)
    )
    units = _guarded("单位", [], warnings, lambda: _collect_units(members, office, campaign.town))
    _warn_unlisted_villages(units, flat, warnings)
    phases = _guarded("实施阶段", [], warnings, lambda: _parse_phases(lines, campaign, warnings))

    return NoticeDraft(
        campaign=campaign,
        goals=tuple(_guarded("工作目标", [], warnings, lambda: _parse_goals(flat))),
        group=tuple(members),
        office=office,
        phases=tuple(phases),
        units=tuple(units),
        monitoring_modes=tuple(
            _guarded("监测方式", [], warnings, lambda: _parse_monitoring_modes(flat))
        ),
        monitoring_sources=tuple(_guarded("监测手段", [], warnings, lambda: _parse_sources(flat))),
        critical_stages=tuple(_guarded("关键时期", [], warnings, lambda: _parse_stages(flat))),
        warnings=_unique(warnings),
        source_text=text,
    )
