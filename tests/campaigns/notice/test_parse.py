"""`parse_notice` as a whole: empty input, and it never raises on any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.notices import NOTICES, SEED, assert_well_formed
from zerocrop.campaigns.notice import parse_notice
from zerocrop.campaigns.notice_files import read_notice_file


def test_empty_and_unrelated_text_give_warnings_not_errors() -> None:
    assert parse_notice("").warnings == ("通知内容为空。",)
    assert parse_notice(" \n\u3000\n").warnings == ("通知内容为空。",)
    draft = parse_notice("今天天气很好。")
    assert draft.group == () and draft.phases == ()
    assert "未找到领导小组名单（“组长：”“副组长：”“成员：”）。" in draft.warnings
    assert "未找到印发日期（如“2022年4月26日”）。" in draft.warnings


_NOTICE_LINES = [
    line for path in sorted(NOTICES.glob("*.txt")) for line in read_notice_file(path).splitlines()
] + [
    "组  长：南  定  党委书记",
    "副 组 长：XX",
    "成员：各村党支部书记",
    "（一）阶段（13月40日至0月0日）",
    "（二）踏查阶段（即日起至次年二月三十日）",
    "办公室设在",
    "由同志兼任办公室主任",
    "二〇二二年十三月三十二日",
    "关于印发《",
]
_SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
_TRUNCATION_SOURCE = _SEED_TEXT or read_notice_file(NOTICES / "yunling_cross_year_duplicates.txt")
_NOTICE_ALPHABET = st.sampled_from(
    list('组长副成员：:（）()“”「」"年月日至—-~.0123456789一二三四五六七八九十〇阶段村社区派出所')
    + list("司法办公室设在任主任X×*某 \u3000\n、，。镇乡苏木街道关于印发《》的通知即日起次年同志")
)
_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.text())
def test_parse_never_raises_on_random_text(text: str) -> None:
    assert_well_formed(parse_notice(text))


@_FUZZ
@given(st.text(alphabet=_NOTICE_ALPHABET, max_size=400))
def test_parse_never_raises_on_notice_like_noise(text: str) -> None:
    assert_well_formed(parse_notice(text))


@_FUZZ
@given(
    st.lists(st.sampled_from(_NOTICE_LINES), max_size=50),
    st.lists(st.tuples(st.integers(0, 49), st.integers(0, 60), st.text(max_size=3)), max_size=10),
)
def test_parse_never_raises_on_mixed_notice_lines(
    lines: list[str], edits: list[tuple[int, int, str]]
) -> None:
    for index, position, insert in edits:
        if index < len(lines):
            lines[index] = lines[index][:position] + insert + lines[index][position:]
    assert_well_formed(parse_notice("\n".join(lines)))


@_FUZZ
@given(st.integers(0, len(_TRUNCATION_SOURCE)), st.integers(0, len(_TRUNCATION_SOURCE)))
def test_parse_never_raises_on_truncated_notice(start: int, end: int) -> None:
    assert_well_formed(parse_notice(_TRUNCATION_SOURCE[min(start, end) : max(start, end)]))
