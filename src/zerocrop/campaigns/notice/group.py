"""The leading group: 组长/副组长/成员 lists, the group in prose, and the units it names.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from zerocrop.campaigns.notice.draft import (
    ROLE_DEPUTY,
    ROLE_LEADER,
    ROLE_MEMBER,
    DraftMember,
    GroupRole,
    Office,
    Unit,
)
from zerocrop.campaigns.notice.people import (
    TITLE_SPLIT_RE,
    TITLE_START_RE,
    UNIT_SUFFIX_RE,
    ends_like_post,
    is_generic,
    is_person_name,
    is_placeholder,
    is_title,
    split_title_name,
    split_unit,
    unit_kind,
)
from zerocrop.campaigns.notice.text import CJK, NUMBERING_RE, Line, quote_line, squash, unique

_LABEL_RE = re.compile(
    r"^(?P<label>(?:常\s*务\s*)?副\s*组\s*长|组\s*长|成\s*员)\s*(?:[:：]\s*|\s+)(?P<rest>.*)$"
)
_BRACKETED_NAME_RE = re.compile(
    rf"(?P<name>[{CJK}·]{{2,6}})[（(](?P<titles>[^（）()]{{1,40}})[)）]\s*[、，,;；]?"
)
_TITLE_THEN_NAME_RE = re.compile(
    rf"^(?P<title>.+(?:书记|主任|所长|镇长|乡长|站长|负责人|委员|主席|部长|局长|院长|队长|"
    rf"干事|专干|民警|嘎查达|苏木达))(?P<name>[{CJK}]{{2,3}})$"
)
_PADDED_NAME_RE = re.compile(rf"(?:^|(?<=[\s:：、，,]))([{CJK}]) +([{CJK}])(?=$|[\s（(、，,])")
_NOT_MEMBER_MARKS = ("。", "，", "；", ";", "！", "？", "：", ":", "领导小组", "工作小组")
_PHONE_RE = re.compile(r"^(?:1\d{10}|(?:0\d{2,3}-?)?\d{7,8})$")
_PHONE_LABEL_RE = re.compile(r"(?:联系)?(?:电话|手机)\s*[:：]?")
_MAX_MEMBER_LINE = 80
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
    parts = [p for p in TITLE_SPLIT_RE.split(token) if p]
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


def _titles_and_unit(raw_titles: list[str]) -> tuple[tuple[str, ...], str | None]:
    unit: str | None = None
    titles: list[str] = []
    for raw in raw_titles:
        for piece in TITLE_SPLIT_RE.split(raw):
            if not piece:
                continue
            found_unit, title = split_unit(piece) if unit is None else (None, piece)
            if found_unit:
                unit = found_unit
            titles.append(title)
    return unique(titles), unit


def _looks_like_member_line(text: str) -> bool:
    if not text or len(text) > _MAX_MEMBER_LINE:
        return False
    text = _PHONE_LABEL_RE.sub(" ", text)
    if any(mark in text for mark in _NOT_MEMBER_MARKS) or NUMBERING_RE.match(text):
        return False
    entries = _assemble_entries(_tokenize_member_text(text))
    if not entries:
        return False
    # A title-only line must still name a post a person holds (…所长, …书记).
    return all(e.has_person() or ends_like_post(e.titles) for e in entries)


def _role_of(label: str, line: Line, warnings: list[str]) -> GroupRole:
    label = squash(label)
    if label == "组长":
        return ROLE_LEADER
    if label == "成员":
        return ROLE_MEMBER
    if label != "副组长":
        warnings.append(f"{quote_line(line)}中的“{label}”按副组长导入。")
    return ROLE_DEPUTY


def _members_from_text(
    text: str, role: GroupRole, line: Line, warnings: list[str]
) -> list[DraftMember]:
    members: list[DraftMember] = []
    for entry in _assemble_entries(_tokenize_member_text(text)):
        member = _member_from_entry(entry, role, line, warnings)
        if member is not None:
            members.append(member)
    return members


def _member_from_entry(
    entry: _Entry, role: GroupRole, line: Line, warnings: list[str]
) -> DraftMember | None:
    raw_titles = list(entry.titles)
    name = entry.name
    if not entry.has_person() and len(raw_titles) == 1:
        split = _TITLE_THEN_NAME_RE.match(raw_titles[0])
        if split and is_person_name(split["name"]) and is_title(split["title"]):
            name, raw_titles = split["name"], [split["title"]]
            warnings.append(
                f"{quote_line(line)}中职务与姓名连写，已拆为姓名“{name}”、"
                f"职务“{split['title']}”，请核对。"
            )
    generic = [t for t in raw_titles if is_generic(t)]
    if generic and name is None and entry.placeholder is None:
        warnings.append(
            f"{quote_line(line)}中的“{generic[0]}”{_UNLISTED_MARK}，该项未导入，请补录。"
        )
        return None
    titles, unit = _titles_and_unit(raw_titles)
    if entry.placeholder is not None:
        warnings.append(
            f"{quote_line(line)}中的姓名是占位符“{entry.placeholder}”，姓名未导入，请补录。"
        )
    elif name is None:
        warnings.append(f"{quote_line(line)}只有职务没有姓名，姓名未导入，请补录。")
    return DraftMember(
        role=role, name=name, titles=titles, unit=unit, phone=entry.phone, line=line.number
    )


def parse_group(lines: list[Line], warnings: list[str]) -> list[DraftMember]:
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


def _parse_listed_group(lines: list[Line], warnings: list[str]) -> list[DraftMember]:
    members: list[DraftMember] = []
    role: GroupRole | None = None
    closed = False
    for line in lines:
        label = _LABEL_RE.match(line.text)
        if label and closed:
            warnings.append(
                f"{quote_line(line)}在领导小组名单之后又出现名单（可能是其他工作组），未导入。"
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


def _warn_duplicates(members: list[DraftMember], warnings: list[str]) -> None:
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


# The group in prose.
#
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


def _paragraphs(lines: list[Line]) -> list[_Paragraph]:
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
            and NUMBERING_RE.match(line.text) is None
            and _LABEL_RE.match(line.text) is None
        )
        if starts and not joinable:
            paragraphs.append(_Paragraph(text, tuple(starts)))
            text, starts = "", []
        if line.text:
            starts.append((len(text), line.number))
            text += squash(line.text)
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


def _is_bare_unit(item: str) -> bool:
    """'派出所', '各村': a unit whose post is named by the next item ('派出所、司法所负责人')."""
    return bool(UNIT_SUFFIX_RE.search(item)) and not ends_like_post([item])


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
        elif split := split_title_name(part):
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
        if UNIT_SUFFIX_RE.search(part[:end]) and TITLE_START_RE.match(part[end:]):
            return part[end:]
    return part


def _prose_member(
    item: _ProseItem, role: GroupRole, line: Line, warnings: list[str]
) -> DraftMember:
    titles, unit = _titles_and_unit(list(item.titles))
    name = item.name
    if name is not None and is_placeholder(name):
        warnings.append(f"{quote_line(line)}中的姓名是占位符“{name}”，姓名未导入，请补录。")
        name = None
    elif name is None:
        post = "".join(item.titles)
        missing = f"{_UNLISTED_MARK}，也没有姓名" if is_generic(unit or post) else "没有写姓名"
        warnings.append(
            f"{quote_line(line)}中的{role}“{post}”{missing}，已作为待补录的职务导入，请补录。"
        )
    return DraftMember(role=role, name=name, titles=titles, unit=unit, line=line.number)


def _parse_prose_group(lines: list[Line], warnings: list[str]) -> list[DraftMember]:
    """The first paragraph(s) that give group roles in sentences, in text order."""
    by_number = {line.number: line for line in lines}
    members: list[DraftMember] = []
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
    paragraph: _Paragraph, previous: str, by_number: dict[int, Line], warnings: list[str]
) -> list[DraftMember]:
    text = paragraph.text
    if not any(key in text or key in previous for key in _PROSE_CONTEXT):
        return []
    if _LABEL_RE.match(text):
        return []  # a 组长：… list line, read by the list parser
    members: list[DraftMember] = []
    listing: GroupRole | None = None  # after '成员：' the clauses up to '。' are people
    # '镇长何秀兰，政法委员周强为副组长': people before a comma share the role after it.
    waiting: list[tuple[Line, list[_ProseItem]]] = []
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


# The units the group names.


def collect_units(members: list[DraftMember], office: Office, town: str | None) -> list[Unit]:
    units: dict[str, Unit] = {}
    for member in members:
        if member.unit and member.unit not in units and not is_generic(member.unit):
            units[member.unit] = Unit(member.unit, unit_kind(member.unit))
    location = office.location
    if location and not is_generic(location):
        known = {_canonical_unit(name, town) for name in units}
        if _canonical_unit(location, town) not in known:
            units[location] = Unit(location, unit_kind(location))
    return list(units.values())


def _canonical_unit(name: str, town: str | None) -> str:
    if town and name.startswith(town):
        name = name[len(town) :]
    name = re.sub(r"^(?:镇|乡|苏木|街道)", "", name)
    return re.sub(r"办公室$", "办", name)


def warn_unlisted_villages(units: list[Unit], flat: str, warnings: list[str]) -> None:
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
