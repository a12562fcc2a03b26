"""The legal route: every threshold boundary and flag, on both 治安管理处罚法 versions by date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from zerocrop.core.errors import ApplicationError
from zerocrop.findings.legal import (
    DEFAULT_TABLE_PATH,
    StatuteTableError,
    default_table,
    load_table,
    parse_table,
    suggest_route,
)

OLD = date(2025, 12, 31)  # 治安管理处罚法 (2012年修正) still in force
NEW = date(2026, 1, 1)  # the 2025 revision, its article unverified
BOTH = pytest.mark.parametrize("on", [OLD, NEW], ids=["2025-12-31", "2026-01-01"])


def keys(suggestion) -> list[str]:
    return [a.key for a in suggestion.articles]


def article(suggestion, key: str):
    return next(a for a in suggestion.articles if a.key == key)


# --- plant counts ---------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("species", "plants", "route", "tier"),
    [
        ("poppy", 499, "administrative", "administrative"),
        ("poppy", 500, "criminal", "criminal"),
        ("poppy", 2999, "criminal", "criminal"),
        ("poppy", 3000, "criminal", "criminal_large"),
        ("cannabis", 4999, "administrative", "administrative"),
        ("cannabis", 5000, "criminal", "criminal"),
        ("cannabis", 29999, "criminal", "criminal"),
        ("cannabis", 30000, "criminal", "criminal_large"),
    ],
)
def test_plant_count_boundaries(species, plants, route, tier, on) -> None:
    suggestion = suggest_route(species=species, plants=plants, on=on)
    assert (suggestion.route, suggestion.tier) == (route, tier)
    assert str(plants) in suggestion.reasons[0]


@BOTH
def test_poppy_filing_cites_the_filing_standard_and_article_351(on) -> None:
    suggestion = suggest_route(species="poppy", plants=500, on=on)
    assert keys(suggestion) == ["lian-zhuisu-3-art7", "xingfa-351"]
    assert article(suggestion, "lian-zhuisu-3-art7").clauses == ("第（一）项",)
    assert article(suggestion, "xingfa-351").clauses == ("第一款第（一）项",)
    assert not suggestion.unverified  # criminal articles are verified whatever the date


@BOTH
def test_poppy_large_quantity_cites_article_351_paragraph_2(on) -> None:
    suggestion = suggest_route(species="poppy", plants=3000, on=on)
    assert "第二款" in article(suggestion, "xingfa-351").clauses
    assert any("五年以上有期徒刑" in r for r in suggestion.reasons)


def test_cannabis_counts_rely_on_the_2016_interpretation() -> None:
    basic = suggest_route(species="cannabis", plants=5000, on=NEW)
    assert article(basic, "lian-zhuisu-3-art7").clauses == ("第（二）项",)
    assert article(basic, "fashi-2016-8-art9").clauses == ("第一款第（一）项",)
    large = suggest_route(species="cannabis", plants=30000, on=NEW)
    assert "第二款" in article(large, "fashi-2016-8-art9").clauses


# --- unsprouted seedlings by area --------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("species", "area", "route", "tier"),
    [
        ("poppy", 199, "administrative", "administrative"),
        ("poppy", 200, "criminal", "criminal"),
        ("poppy", 1199, "criminal", "criminal"),
        ("poppy", 1200, "criminal", "criminal_large"),
        ("cannabis", 1999, "administrative", "administrative"),
        ("cannabis", 1999.99, "administrative", "administrative"),
        ("cannabis", 2000, "criminal", "criminal"),
        ("cannabis", 11999, "criminal", "criminal"),
        ("cannabis", 12000, "criminal", "criminal_large"),
    ],
)
def test_unsprouted_area_boundaries(species, area, route, tier, on) -> None:
    suggestion = suggest_route(species=species, plants=0, area_m2=area, unsprouted=True, on=on)
    assert (suggestion.route, suggestion.tier) == (route, tier)


def test_unsprouted_filing_cites_clause_four() -> None:
    suggestion = suggest_route(species="poppy", plants=0, area_m2=200, unsprouted=True, on=NEW)
    assert article(suggestion, "lian-zhuisu-3-art7").clauses == ("第（四）项",)
    assert article(suggestion, "fashi-2016-8-art9").clauses == ("第一款第（二）项",)
    assert not suggestion.unverified


def test_the_unsprouted_large_area_tier_is_marked_unverified() -> None:
    suggestion = suggest_route(species="poppy", plants=0, area_m2=1200, unsprouted=True, on=OLD)
    assert suggestion.unverified
    assert article(suggestion, "fashi-2016-8-art9-area-large").verified is False
    assert any("未核实" in r for r in suggestion.reasons)


def test_area_of_sprouted_plants_is_recorded_not_counted() -> None:
    suggestion = suggest_route(species="poppy", plants=10, area_m2=5000, on=NEW)
    assert suggestion.route == "administrative"
    assert any("仅作记录" in r for r in suggestion.reasons)


# --- flags ------------------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize("species", ["poppy", "cannabis"])
def test_repeat_planting_after_police_handling_is_criminal_at_any_count(species, on) -> None:
    suggestion = suggest_route(species=species, plants=1, prior_handling=True, on=on)
    assert (suggestion.route, suggestion.tier) == ("criminal", "criminal")
    assert article(suggestion, "lian-zhuisu-3-art7").clauses == ("第（五）项",)
    assert article(suggestion, "xingfa-351").clauses == ("第一款第（二）项",)


@BOTH
@pytest.mark.parametrize("species", ["poppy", "cannabis"])
def test_resisting_eradication_is_criminal_at_any_count(species, on) -> None:
    suggestion = suggest_route(species=species, plants=1, resisted=True, on=on)
    assert (suggestion.route, suggestion.tier) == ("criminal", "criminal")
    assert article(suggestion, "lian-zhuisu-3-art7").clauses == ("第（六）项",)
    assert article(suggestion, "xingfa-351").clauses == ("第一款第（三）项",)


def test_resisting_with_a_large_count_is_the_large_tier() -> None:
    suggestion = suggest_route(species="poppy", plants=3000, resisted=True, on=NEW)
    assert suggestion.tier == "criminal_large"


@BOTH
def test_self_removal_below_the_threshold_is_no_administrative_penalty(on) -> None:
    suggestion = suggest_route(
        species="poppy", plants=499, self_removed_before_maturity=True, on=on
    )
    assert (suggestion.route, suggestion.tier) == ("none", "exempt_administrative")
    assert any("不予处罚" in r for r in suggestion.reasons)


@BOTH
def test_self_removal_above_the_threshold_is_no_filing_at_police_discretion(on) -> None:
    suggestion = suggest_route(
        species="poppy", plants=500, self_removed_before_maturity=True, on=on
    )
    assert (suggestion.route, suggestion.tier) == ("none", "exempt_criminal")
    assert "第三款" in article(suggestion, "xingfa-351").clauses
    assert any("可以不予立案追诉" in r and "可以免除处罚" in r for r in suggestion.reasons)
    assert not any(k.startswith("zhian") for k in keys(suggestion))


def test_self_removal_after_prior_handling_is_still_exempt_but_says_so() -> None:
    suggestion = suggest_route(
        species="cannabis", plants=3, prior_handling=True, self_removed_before_maturity=True, on=NEW
    )
    assert suggestion.route == "none"
    assert any("经公安机关处理后又种植" in r for r in suggestion.reasons)


# --- the statute version by date --------------------------------------------------------------


def test_before_2026_the_2012_public_security_law_is_cited_verified() -> None:
    suggestion = suggest_route(species="poppy", plants=499, on=OLD)
    assert keys(suggestion) == ["zhian-2012-art71"]
    cited = suggestion.articles[0]
    assert cited.verified and cited.article == "第七十一条"
    assert cited.clauses == ("第一款第（一）项",)
    assert not suggestion.unverified
    assert not any("未核实" in r for r in suggestion.reasons)


@pytest.mark.parametrize("self_removed", [False, True])
def test_from_2026_the_revised_law_is_cited_as_unverified(self_removed) -> None:
    suggestion = suggest_route(
        species="poppy", plants=499, self_removed_before_maturity=self_removed, on=NEW
    )
    assert keys(suggestion) == ["zhian-2025"]
    cited = suggestion.articles[0]
    assert cited.verified is False and cited.article == ""
    assert "未核实" in cited.label
    assert suggestion.unverified
    assert any("未核实" in r for r in suggestion.reasons)
    data = suggestion.to_dict()
    assert data["unverified"] is True and data["articles"][0]["verified"] is False


def test_a_verified_article_entered_later_is_cited_as_verified() -> None:
    table = default_table()
    checked = table.with_verified_article(
        key="zhian-2025", article="第八十条", excerpt="（核实后的原文）"
    )
    suggestion = suggest_route(species="poppy", plants=10, on=NEW, table=checked)
    cited = suggestion.articles[0]
    assert cited.verified and cited.article == "第八十条" and cited.excerpt == "（核实后的原文）"
    assert cited.clauses == ("第一款第（一）项",)
    assert not any("未核实" in r for r in suggestion.reasons)
    # pure: the shipped table is unchanged
    assert table.row("zhian-2025").verified is False
    assert suggest_route(species="poppy", plants=10, on=NEW).unverified


@pytest.mark.parametrize(
    ("key", "article_no", "excerpt"),
    [
        ("zhian-2025", " ", "原文"),
        ("zhian-2025", "第八十条", ""),
        ("no-such-row", "第一条", "原文"),
    ],
)
def test_verifying_an_article_refuses_blanks_and_unknown_rows(key, article_no, excerpt) -> None:
    with pytest.raises(StatuteTableError):
        default_table().with_verified_article(key=key, article=article_no, excerpt=excerpt)


def test_a_date_before_every_version_is_refused_in_chinese() -> None:
    with pytest.raises(StatuteTableError, match="没有 2012-01-01 施行"):
        suggest_route(species="poppy", plants=1, on=date(2012, 1, 1))


def test_the_thresholds_are_read_from_the_table_not_the_code() -> None:
    table = default_table()
    row = table.row("lian-zhuisu-3-art7")
    stricter = replace(row, thresholds={**row.thresholds, "poppy_plants": 100.0})
    table = replace(table, rows=tuple(stricter if r is row else r for r in table.rows))
    assert suggest_route(species="poppy", plants=100, on=NEW, table=table).route == "criminal"
    assert suggest_route(species="poppy", plants=100, on=NEW).route == "administrative"


# --- the suggestion is a suggestion -------------------------------------------------------------


def test_every_suggestion_carries_the_disclaimer() -> None:
    for plants in (1, 500, 3000):
        data = suggest_route(species="poppy", plants=plants, on=NEW).to_dict()
        assert "仅供公安机关参考" in data["disclaimer"] and "不是定性结论" in data["disclaimer"]
        assert set(data) >= {"route", "tier", "reasons", "articles"}


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"species": "rose", "plants": 1}, "species", "物种"),
        ({"species": "poppy", "plants": -1}, "plants", "株数"),
        ({"species": "poppy", "plants": 0}, "plants", "株数为 0"),
        ({"species": "poppy", "plants": 0, "unsprouted": True}, "area_m2", "面积"),
        ({"species": "poppy", "plants": 1, "area_m2": -5.0}, "area_m2", "负数"),
        ({"species": "poppy", "plants": 1, "area_m2": float("nan")}, "area_m2", "面积"),
        (
            {
                "species": "poppy",
                "plants": 1,
                "resisted": True,
                "self_removed_before_maturity": True,
            },
            "self_removed_before_maturity",
            "不能同时",
        ),
    ],
)
def test_bad_input_is_a_chinese_error_naming_the_field(kwargs, field, words) -> None:
    with pytest.raises(ApplicationError) as caught:
        suggest_route(on=NEW, **kwargs)
    assert caught.value.field == field
    assert words in caught.value.message


# --- the table file -----------------------------------------------------------------------------


def test_the_shipped_table_parses_and_every_row_has_a_source() -> None:
    table = load_table(DEFAULT_TABLE_PATH)
    assert table.version
    assert {r.rule for r in table.rows} == {
        "criminal_law",
        "filing_standard",
        "quantity_interpretation",
        "unsprouted_large_area",
        "administrative",
    }
    for row in table.rows:
        assert row.source.strip(), row.key
        assert row.statute.strip() and row.effective_from
        assert not row.verified or (row.article and row.excerpt), row.key
    assert table.row("zhian-2012-art71").effective_to == OLD
    assert table.row("zhian-2025").effective_from == NEW
    assert table.row("zhian-2025").verified is False


GOOD_ROW = """
[[row]]
key = "a"
rule = "administrative"
statute = "治安管理处罚法"
article = "第一条"
excerpt = "原文"
effective_from = 2020-01-01
{extra}
source = "来源"
verified = true
"""


def _table_text(*rows: str) -> str:
    base = (DEFAULT_TABLE_PATH.read_text(encoding="utf-8")).split("[[row]]")
    # keep every rule but the administrative rows, then add the rows under test
    kept = [part for part in base[1:] if 'rule = "administrative"' not in part]
    return base[0] + "".join("[[row]]" + p for p in kept) + "".join(rows)


def test_a_table_built_for_the_test_parses() -> None:
    table = parse_table(_table_text(GOOD_ROW.format(extra="")))
    assert table.in_force(rule="administrative", on=NEW).key == "a"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("version = ", "格式有误"),
        ('version = "1"\n', "没有任何条文"),
        (GOOD_ROW.format(extra="").replace('source = "来源"', ""), "缺少 source"),
        (GOOD_ROW.format(extra="").replace('article = "第一条"', 'article = ""'), "已核实"),
        (GOOD_ROW.format(extra="effective_to = 2019-01-01"), "失效日期"),
        (GOOD_ROW.format(extra="") + GOOD_ROW.format(extra="").replace('"a"', '"b"'), "重叠"),
        (GOOD_ROW.format(extra="") + GOOD_ROW.format(extra=""), "重复"),
        (GOOD_ROW.format(extra="").replace('"administrative"', '"other"'), "不认识"),
    ],
)
def test_a_malformed_table_is_refused_in_chinese(text, words) -> None:
    if text.startswith("\n[[row]]"):
        text = _table_text(text)
    with pytest.raises(StatuteTableError, match=words):
        parse_table(text)
