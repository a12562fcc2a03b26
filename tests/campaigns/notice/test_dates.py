"""Numerals and full dates."""

from __future__ import annotations

from datetime import date

import pytest

from zerocrop.campaigns.notice import cn_to_int, find_full_date


@pytest.mark.parametrize(
    ("token", "value"),
    [("26", 26), ("十", 10), ("十一", 11), ("二十", 20), ("二十六", 26), ("三十一", 31),
     ("二〇二二", 2022), ("二零二三", 2023), ("九", 9), ("", None), ("廿", None), ("十十", None)],
)  # fmt: skip
def test_cn_to_int(token: str, value: int | None) -> None:
    assert cn_to_int(token) == value


def test_find_full_date_skips_impossible_dates() -> None:
    assert find_full_date("2023年2月30日、2023年3月1日") == date(2023, 3, 1)
    assert find_full_date("四月二十六日") is None
