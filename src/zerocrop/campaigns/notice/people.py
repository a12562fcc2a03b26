"""What a token of a group line is: a person's name, a placeholder, a title or a unit.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re

from zerocrop.campaigns.notice.draft import UnitKind
from zerocrop.campaigns.notice.text import CJK

_PLACEHOLDER_RE = re.compile(rf"^[{CJK}]?(?:[Xx×✕*]{{1,4}}|某{{1,2}}|[○〇□]{{1,3}}|\?{{1,3}})$")
_NAME_RE = re.compile(rf"^[{CJK}][{CJK}·•・]{{1,7}}$")
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
UNIT_SUFFIX_RE = re.compile(
    r"(?:派出所|司法所|警务室|社区|嘎查|村|办公室|办|中心|站|卫生院|学校|中学|小学|法庭|林场|供电所)$"
)
TITLE_START_RE = re.compile(
    r"^(?:党|支部|总支|书记|副|主任|所长|站长|负责人|村委会|居委会|嘎查委员会|委员|民警|专干|干事|"
    r"教导员|指导员|院长|队长|主席|联络员|网格|会计|文书|嘎查达|苏木达|村长|社长|治保|妇联|团|"
    r"监委会|组长|科长|局长|校长|馆长|场长|庭长|警长|社区民警|常务|第一书记|驻村|工作人员|成员)"
)
TITLE_SPLIT_RE = re.compile(r"[、，,/;；]+")
_MAX_UNIT_NAME = 30


def is_placeholder(token: str) -> bool:
    return bool(_PLACEHOLDER_RE.match(token))


def is_title(token: str) -> bool:
    if token in _SHORT_TITLES:
        return True
    if any(marker in token for marker in _ORG_MARKERS):
        return True
    if len(token) >= 4 and any(marker in token for marker in _SHORT_ORG_MARKERS):
        return True
    if any(token.endswith(s) for s in _PERSON_TITLE_SUFFIXES if len(s) >= 2):
        return len(token) >= 2
    return len(token) >= 4 and token.endswith(("长", "员"))


def is_generic(token: str) -> bool:
    return token.startswith(("各", "全体", "相关", "有关", "辖区")) or token in {"等", "其他"}


def is_person_name(token: str) -> bool:
    return (
        bool(_NAME_RE.match(token))
        and not is_title(token)
        and not is_generic(token)
        and not is_placeholder(token)
    )


def split_unit(piece: str) -> tuple[str | None, str]:
    """'毛布拉格村党支部书记' → ('毛布拉格村', '党支部书记'); no unit → (None, piece)."""
    for end in range(2, min(len(piece), _MAX_UNIT_NAME + 1)):
        prefix, rest = piece[:end], piece[end:]
        window = max(0, len(prefix) - 4)  # every unit suffix is at most 3 characters long
        suffix = UNIT_SUFFIX_RE.search(prefix, window)
        if suffix and suffix.start() > 0 and TITLE_START_RE.match(rest):
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


def ends_like_post(titles: list[str]) -> bool:
    last = titles[-1] if titles else ""
    return any(last.endswith(s) for s in _PERSON_TITLE_SUFFIXES) or last in _SHORT_TITLES


def split_title_name(item: str) -> tuple[str, str] | None:
    """'镇党委书记赵建国' → ('镇党委书记', '赵建国'); None when the item does not end in a name."""
    for size in (3, 2, 4):
        title, name = item[:-size], item[-size:]
        if len(title) >= 2 and is_person_name(name) and ends_like_post([title]):
            return title, name
    return None
