"""The text model: fold full-width and invisible characters, split into numbered lines.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_RE = re.compile(r"\s+")
NUMBERING_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十\d]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）][、.．]?"
    r"|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # folded and stripped


def normalize_text(text: str) -> str:
    """Fold full-width alphanumerics/spaces, drop invisible characters, unify newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return text.translate(_FOLD)


def split_lines(text: str) -> list[Line]:
    return [Line(i, raw.strip()) for i, raw in enumerate(normalize_text(text).split("\n"), 1)]


def squash(text: str) -> str:
    return _SPACE_RE.sub("", text)


def quote_line(line: Line, limit: int = 30) -> str:
    text = line.text if len(line.text) <= limit else line.text[:limit] + "…"
    return f"第{line.number}行“{text}”"


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
