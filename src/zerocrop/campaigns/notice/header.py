"""The campaign header: title, quoted name, town and county, issuer, issue date, year.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re
from datetime import date

from zerocrop.campaigns.notice.dates import FULL_DATE_RE, cn_to_int, find_full_date, make_date
from zerocrop.campaigns.notice.draft import CampaignInfo
from zerocrop.campaigns.notice.text import CJK, NUMBERING_RE, Line, quote_line, squash

_HEADER_RE = re.compile(r"(?P<issuer>[^\n]{0,60}?)\n?关于印发\s*《(?P<title>[^》]{2,120})》")
_TITLE_LINE_RE = re.compile(r"^[^，。；;：:《》]{4,60}(?:实施方案|工作方案|行动方案|方案)$")
_QUOTED_RE = re.compile(r"[“\"「『‘](?P<name>[^”\"」』’“「『‘\n]{1,24})[”\"」』’]")
_TOWN_RE = re.compile(rf"^(?:中共)?(?:\d{{4}}年)?(?P<town>[{CJK}]{{1,15}}?(?:苏木|街道|镇|乡))")
_COUNTY_PREFIX_RE = re.compile(
    rf"^(?P<prefix>.*[省市盟州县旗区])(?P<rest>[{CJK}]+(?:苏木|街道|镇|乡))$"
)
_ISSUER_LINE_RE = re.compile(
    rf"^[{CJK}]{{2,30}}(?:人民政府|办事处|委员会|党委|政府|禁毒办公室|禁毒办)$"
)
_DATE_LINE_RE = re.compile(rf"^{FULL_DATE_RE.pattern}$")
_YEAR_IN_TITLE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年")

_HEADER_SCAN_LINES = 8
_MAX_HEADER_LINE = 200


def parse_campaign(lines: list[Line], warnings: list[str]) -> CampaignInfo:
    header_issuer, header_title = _header(lines)
    title_line = _standalone_title(lines)
    title = header_title or (title_line.text if title_line else None)
    if header_title and title_line and squash(title_line.text) != header_title:
        warnings.append(
            f"通知标题中的《{header_title}》与{quote_line(title_line, 60)}不一致，已采用通知标题。"
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


def _header(lines: list[Line]) -> tuple[str | None, str | None]:
    """Issuer and title from '××关于印发《…》的通知', which may wrap over several lines.

    The issuer is what precedes 关于印发 on its line, or the whole line before it.
    """
    head = [squash(ln.text)[:_MAX_HEADER_LINE] for ln in lines if ln.text][:_HEADER_SCAN_LINES]
    match = _HEADER_RE.search("\n".join(head))
    if match is None:
        return None, None
    title = match["title"].replace("\n", "")
    return (match["issuer"] or None), title


def _standalone_title(lines: list[Line]) -> Line | None:
    for line in lines:
        text = line.text
        if (
            _TITLE_LINE_RE.match(text)
            and "关于印发" not in text
            and NUMBERING_RE.match(text) is None
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


def _issuer_line(lines: list[Line]) -> str | None:
    for line in lines:
        if _ISSUER_LINE_RE.match(squash(line.text)):
            return squash(line.text)
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
    match = _TOWN_RE.match(squash(text))
    if match is None:
        return None, None
    town = match["town"]
    prefix = _COUNTY_PREFIX_RE.match(town)
    if prefix and len(prefix["rest"]) >= 3:
        return prefix["rest"], prefix["prefix"]
    return town, None


def _issue_date(lines: list[Line], warnings: list[str]) -> date | None:
    for line in lines:
        match = _DATE_LINE_RE.match(line.text)
        if match:
            found = make_date(cn_to_int(match["y"]), cn_to_int(match["m"]), cn_to_int(match["d"]))
            if found:
                return found
            warnings.append(f"{quote_line(line)}不是有效日期，未作为印发日期。")
    for line in lines[:40]:
        found = find_full_date(line.text)
        if found:
            warnings.append(
                f"没有单独一行的落款日期，印发日期按{quote_line(line)}中的"
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
