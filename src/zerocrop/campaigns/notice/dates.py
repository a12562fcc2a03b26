"""Chinese and Arabic numerals, full dates and date ranges (…至…, 次年, 自即日起…).

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3}
_CN_DIGIT.update({"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_YEAR = r"(?:\d{4}|[〇零○O一二三四五六七八九]{4})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NEXT_YEAR = r"(?:次年|翌年|第二年|明年)"
_DASH = r"(?:至|到|—+|–|-|~|～|─+|－)"

FULL_DATE_RE = re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MONTH})\s*月\s*(?P<d>{_DAY})\s*[日号]")
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


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


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


def make_date(year: int | None, month: int | None, day: int | None) -> date | None:
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
    for m in FULL_DATE_RE.finditer(text):
        found = make_date(cn_to_int(m["y"]), cn_to_int(m["m"]), cn_to_int(m["d"]))
        if found:
            return found
    return None


@dataclass(frozen=True)
class RangeMatch:
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


def find_range(text: str) -> RangeMatch | None:
    """The earliest date range in `text`, in any supported spelling."""
    found: list[RangeMatch] = []
    for regex in (_CN_RANGE_RE, _DOT_RANGE_RE, _FROM_NOW_RE):
        m = regex.search(text)
        if m:
            found.append(_range_from_match(m))
    return min(found, key=lambda r: r.start_pos) if found else None


def _range_from_match(m: re.Match[str]) -> RangeMatch:
    groups = m.groupdict()

    def num(key: str) -> int | None:
        value = groups.get(key)
        return cn_to_int(value) if value else None

    return RangeMatch(
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


def resolve_range(
    rng: RangeMatch,
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
        start = make_date(start_year, rng.start_month, rng.start_day)
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
    end = make_date(end_year, end_month, end_day)

    if start and end and end < start and not rng.end_year and not rng.next_year:
        end = make_date(end_year + 1, end_month, end_day)
        warnings.append(f"{where}的结束日期早于开始日期，已按跨年处理（结束于{iso_date(end)}）。")
    if not rng.from_now and start is None:
        warnings.append(f"{where}的开始日期“{rng.text}”不是有效日期，未导入。")
    if end is None:
        warnings.append(f"{where}的结束日期“{rng.text}”不是有效日期，未导入。")
    elif start and end < start:
        warnings.append(f"{where}的结束日期{iso_date(end)}早于开始日期{iso_date(start)}，请核对。")
    return start, end
