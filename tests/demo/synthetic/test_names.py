"""Tests for the synthetic town's personal names (no Django needed)."""

from __future__ import annotations

import re

from zerocrop.demo.synthetic import person_names
from zerocrop.demo.synthetic.names import surname


def test_person_names_are_distinct_and_deterministic() -> None:
    names = person_names(500, seed=3)
    assert len(set(names)) == 500
    assert names == person_names(500, seed=3)
    assert names != person_names(500, seed=4)
    assert all(2 <= len(name) <= 6 for name in names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", name) for name in names)


def test_han_names_have_a_surname_and_mongolian_names_none() -> None:
    assert surname("王建军") == "王"
    assert surname("斯琴高娃") == "斯琴高娃"
    assert surname("巴图") == "巴图"
