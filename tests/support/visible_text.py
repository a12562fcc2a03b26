"""The text a person reads on a page: element text and the attributes shown or spoken."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SPOKEN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Text inside these is a command or a name typed as it is written, not prose.
TYPED_TAGS = {"code", "kbd"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Identifiers shown as they are (a record's UUID, a hash): their letter-only runs ("…-accb-…")
# are not words.
IDENTIFIER = re.compile(
    r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b|\b[0-9a-fA-F]{16,}\b"
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.prose: list[str] = []  # the parts but for typed text
        self._hidden = 0
        self._typed = 0

    def _add(self, text: str) -> None:
        self.parts.append(text)
        if not self._typed:
            self.prose.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for key, value in attrs:
            if key in SPOKEN_ATTRIBUTES and value:
                self._add(value)
        named = dict(attrs)
        if tag == "input" and named.get("type") in BUTTON_INPUTS and named.get("value"):
            self._add(named["value"])  # a button's label is its value
        if tag in TYPED_TAGS:
            self._typed += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden -= 1
        if tag in TYPED_TAGS:
            self._typed -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self._add(data.strip())


def visible_text(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return reader.parts


def english_words(html: str, *, allowed: set[str] = frozenset()) -> set[str]:
    """Latin-letter words of three letters or more, but for names the product uses as they are
    and text typed as it is written (`<code>`, `<kbd>`)."""
    reader = _Reader()
    reader.feed(html)
    parts = [IDENTIFIER.sub(" ", part) for part in reader.prose]
    words = {w for part in parts for w in ENGLISH_WORD.findall(part)}
    return words - {"ZeroCrop", *allowed}
