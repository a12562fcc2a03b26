"""The group's office: where it sits (办公室设在…) and who heads it (…任办公室主任).

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from zerocrop.campaigns.notice.draft import OFFICE_DEPUTY, OFFICE_HEAD, DraftMember, Office
from zerocrop.campaigns.notice.people import (
    TITLE_SPLIT_RE,
    is_person_name,
    is_placeholder,
    split_title_name,
)
from zerocrop.campaigns.notice.text import Line, quote_line, squash

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


def parse_office(
    lines: list[Line], members: list[DraftMember], warnings: list[str]
) -> tuple[Office, list[DraftMember]]:
    location_line, location = _office_location(lines)
    if location is None:
        warnings.append("未找到领导小组办公室的设置（“办公室设在…”）。")
    head_who: tuple[str, Line] | None = None
    deputy_who: tuple[str, Line] | None = None
    for line in _office_lines(lines, location_line):
        for clause in _CLAUSE_SPLIT_RE.split(line.text):
            assignment = _office_assignment(squash(clause))
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


def _office_location(lines: list[Line]) -> tuple[Line | None, str | None]:
    for line in lines:
        match = _OFFICE_LOCATION_RE.search(line.text)
        if match:
            return line, match["loc"]
    return None, None


def _office_lines(lines: list[Line], location_line: Line | None) -> Iterator[Line]:
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
    found: tuple[str, Line] | None,
    members: list[DraftMember],
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
        warnings.append(f"{quote_line(line)}列出多人任{post}，只导入第一位。")
        who = people[0]
    if is_placeholder(who):
        warnings.append(f"{quote_line(line)}中{post}的姓名是占位符“{who}”，未导入。")
        return None, None
    if who in names:
        return who, None
    for name in sorted(names, key=len, reverse=True):
        if who.endswith(name):
            return name, None
    split = split_title_name(who)
    if split is not None and not is_person_name(who):
        who = split[1]  # '镇综治办主任陈静' → '陈静'
    if is_person_name(who):
        warnings.append(f"{post}“{who}”不在领导小组名单中，请核对。")
        return who, None
    holders = [m for m in members if m.name and _holds_post(m, who)]
    if len(holders) == 1:
        warnings.append(
            f"{quote_line(line)}中{post}由“{who}”兼任，按领导小组名单推定为"
            f"“{holders[0].name}”，请核对。"
        )
        return holders[0].name, None
    # A post to fill counts only when written the same way ("派出所所长" is not "镇派出所所长").
    posts = [i for i, m in enumerate(members) if m.name is None and _post_text(m) == who]
    if len(posts) == 1:
        warnings.append(f"{quote_line(line)}中{post}由领导小组中的“{who}”兼任，姓名待补录。")
        return None, posts[0]
    warnings.append(f"{quote_line(line)}中{post}只写了职务“{who}”，没有姓名，未导入。")
    return None, None


def _office_people(who: str) -> list[str]:
    """'赵六、孙七' → two people; '副组长、政法委员周强' → one (titles go with the next name)."""
    people: list[str] = []
    titles = ""
    for part in (p for p in TITLE_SPLIT_RE.split(who) if p):
        if is_person_name(part) or is_placeholder(part) or split_title_name(part):
            people.append(titles + part)
            titles = ""
        else:
            titles += part
    if titles:
        people.append(titles)
    return people


def _post_text(member: DraftMember) -> str:
    return (member.unit or "") + "".join(member.titles)


def _holds_post(member: DraftMember, post: str) -> bool:
    full = _post_text(member)
    return bool(full) and (post in member.titles or full.endswith(post) or post.endswith(full))


def _mark_office_roles(
    members: list[DraftMember], head: str | None, deputy: str | None, warnings: list[str]
) -> list[DraftMember]:
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
