"""Helpers for the notice parser tests (tests/campaigns/notice/): fixtures, expected shapes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from zerocrop.campaigns.notice import NoticeDraft, parse_notice
from zerocrop.campaigns.notice_files import read_notice_file

NOTICES = Path(__file__).parents[1] / "campaigns" / "notices"
SEED = Path(__file__).parents[2].parent / "shared/seed/000_cf7400cc5e9430ef.txt"
needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason=f"seed notice {SEED} is not present in this checkout"
)

ROLES = {"组长", "副组长", "成员"}
KINDS = {"village", "community", "police_station", "judicial_office", "office"}


def load(name: str) -> NoticeDraft:
    return parse_notice(read_notice_file(NOTICES / name))


def member(
    role: str,
    name: str | None,
    titles: list[str],
    unit: str | None,
    line: int,
    office_role: str | None = None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "titles": titles,
        "unit": unit,
        "office_role": office_role,
        "phone": None,
        "line": line,
    }


def phase(name: str, start: str, end: str) -> dict[str, str]:
    return {"name": name, "start": start, "end": end}


def units(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "kind": kind} for name, kind in pairs]


def assert_well_formed(draft: NoticeDraft) -> None:
    """Invariants every draft must keep, whatever the input."""
    data = draft.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert all(isinstance(w, str) and w for w in data["warnings"])
    assert not any("内部错误" in w for w in data["warnings"]), data["warnings"]
    for person in data["group"]:
        assert person["role"] in ROLES
        assert person["office_role"] in {None, "办公室主任", "办公室副主任"}
        assert person["name"] is None or (person["name"] and " " not in person["name"])
    assert {u["kind"] for u in data["units"]} <= KINDS
    for item in data["phases"]:
        assert date.fromisoformat(item["start"]) <= date.fromisoformat(item["end"])


TITLE = "东山镇“利剑”禁种铲毒行动实施方案"


def notice_text(title: str, body: str = "", date_line: str = "2023年4月1日") -> str:
    return f"{title}\n东山镇人民政府\n{date_line}\n{body}\n"
