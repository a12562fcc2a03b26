"""What a token is: units, unit kinds, placeholders, names, titles."""

from __future__ import annotations

import pytest

from zerocrop.campaigns.notice import is_person_name, is_placeholder, split_unit, unit_kind


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        ("毛布拉格村党支部书记", ("毛布拉格村", "党支部书记")),
        ("河园社区党支部书记", ("河园社区", "党支部书记")),
        ("新村社区党支部书记", ("新村社区", "党支部书记")),
        ("无定河第一派出所所长", ("无定河第一派出所", "所长")),
        ("平安建设办公室主任", ("平安建设办公室", "主任")),
        ("乌兰嘎查党支部书记", ("乌兰嘎查", "党支部书记")),
        ("村委会主任", (None, "村委会主任")),
        ("派出所所长", (None, "派出所所长")),
        ("党委副书记", (None, "党委副书记")),
    ],
)
def test_split_unit(piece: str, expected: tuple[str | None, str]) -> None:
    assert split_unit(piece) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [("毛布拉格村", "village"), ("乌兰嘎查", "village"), ("河园社区", "community"),
     ("无定河第一派出所", "police_station"), ("河南司法所", "judicial_office"),
     ("镇平安建设办", "office"), ("镇综治中心", "office")],
)  # fmt: skip
def test_unit_kind(name: str, kind: str) -> None:
    assert unit_kind(name) == kind


@pytest.mark.parametrize("token", ["XX", "xx", "××", "***", "*", "某某", "张XX", "王某", "○○"])
def test_placeholders(token: str) -> None:
    assert is_placeholder(token)
    assert not is_person_name(token)


@pytest.mark.parametrize("token", ["李树文", "吉雅", "额尔敦毕力格", "思兵兵", "斯琴·巴特尔"])
def test_person_names(token: str) -> None:
    assert is_person_name(token)
    assert not is_placeholder(token)


@pytest.mark.parametrize("token", ["党委书记", "镇长", "所长", "镇派出所所长", "各村党支部书记"])
def test_titles_are_not_names(token: str) -> None:
    assert not is_person_name(token)
