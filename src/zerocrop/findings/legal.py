"""The legal route of a finding: criminal filing, administrative penalty or none.

Pure module: no Django. The thresholds, article numbers and excerpts come from a versioned
statute table (`findings/data/statutes.toml`), never from code; the row used for each rule is
the one in force on the finding's date, so a finding of 2025-12-31 cites the 2012 治安管理处罚法
and one of 2026-01-01 the 2025 revision. A row marked `verified = false` (未核实) is cited as
such in every suggestion until `StatuteTable.with_verified_article` records the checked text
(persisting that in the database is for the findings UI, later).

`suggest_route` gives a *suggestion for the police*, never a verdict: whether to file a case
and what penalty to impose is the police's (and the court's) decision. The `disclaimer` of
every suggestion says so.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from zerocrop.core.errors import ApplicationError

Route = Literal["criminal", "administrative", "none"]
Species = Literal["poppy", "cannabis"]

SPECIES_LABELS: dict[str, str] = {"poppy": "罂粟", "cannabis": "大麻"}
ROUTE_LABELS: dict[str, str] = {
    "criminal": "刑事立案追诉",
    "administrative": "治安管理处罚",
    "none": "不予处罚",
}
TIER_LABELS: dict[str, str] = {
    "criminal_large": "刑事：数量大（刑法第三百五十一条第二款，五年以上有期徒刑）",
    "criminal": "刑事：立案追诉（刑法第三百五十一条第一款，五年以下有期徒刑、拘役或者管制）",
    "administrative": "治安管理处罚（尚不够刑事处罚）",
    "exempt_criminal": "收获前自动铲除：可以不予立案追诉、可以免除处罚",
    "exempt_administrative": "成熟前自行铲除：不予治安管理处罚",
}
DISCLAIMER = (
    "本结果是依据条文表自动生成的处理建议，仅供公安机关参考，不是定性结论；"
    "是否立案、如何处罚，由公安机关依法决定。"
)
UNVERIFIED = "未核实"

DEFAULT_TABLE_PATH = Path(__file__).with_name("data") / "statutes.toml"

# The thresholds each rule's row must carry (the engine reads nothing else from the table).
REQUIRED_THRESHOLDS: dict[str, tuple[str, ...]] = {
    "criminal_law": ("poppy_plants", "poppy_plants_large"),
    "filing_standard": (
        "poppy_plants",
        "cannabis_plants",
        "poppy_unsprouted_m2",
        "cannabis_unsprouted_m2",
    ),
    "quantity_interpretation": ("cannabis_plants", "cannabis_plants_large"),
    "unsprouted_large_area": ("poppy_unsprouted_m2_large", "cannabis_unsprouted_m2_large"),
    "administrative": (),
}


class StatuteTableError(ApplicationError):
    """The statute table is malformed, or has no row in force for a rule on a date."""

    default_code = "statute_table"


@dataclass(frozen=True)
class StatuteRow:
    """One version of one article: what it says, from when to when, and where it was read."""

    key: str
    rule: str
    statute: str
    article: str
    excerpt: str
    effective_from: date
    effective_to: date | None
    source: str
    verified: bool
    thresholds: Mapping[str, float] = field(default_factory=dict)
    note: str = ""
    short: str = ""  # the name used inside reasons, e.g. 刑法
    # Whether the engine's clause numbers (款、项) were checked for this article; an article
    # verified in the app was checked as a whole, so it is cited without them.
    clauses_checked: bool = True

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def threshold(self, name: str) -> float:
        try:
            return self.thresholds[name]
        except KeyError:
            raise StatuteTableError(
                f"条文表第 {self.key} 行缺少阈值 {name}。", code="statute_threshold_missing"
            ) from None

    @property
    def label(self) -> str:
        return _label(self.statute, self.article, (), verified=self.verified)


def _label(statute: str, article: str, clauses: tuple[str, ...], *, verified: bool) -> str:
    """《刑法》第三百五十一条第一款、第二款; an unverified row says 未核实 once."""
    if not article:
        return f"《{statute}》（条号{UNVERIFIED}）"
    text = f"《{statute}》{article}{'、'.join(c for c in clauses if c)}"
    return text if verified else f"{text}（{UNVERIFIED}）"


@dataclass(frozen=True)
class StatuteTable:
    version: str
    rows: tuple[StatuteRow, ...]

    def row(self, key: str) -> StatuteRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise StatuteTableError(f"条文表中没有 {key} 这一行。", code="statute_unknown_key")

    def in_force(self, *, rule: str, on: date) -> StatuteRow:
        for row in self.rows:
            if row.rule == rule and row.in_force(on):
                return row
        raise StatuteTableError(
            f"条文表中没有 {on.isoformat()} 施行的“{_RULE_NAMES.get(rule, rule)}”条文，"
            "无法给出建议。",
            code="statute_not_in_force",
        )

    def with_verified_article(
        self,
        *,
        key: str,
        article: str,
        excerpt: str,
        source: str | None = None,
        clauses_checked: bool = True,
    ) -> StatuteTable:
        """A copy of the table in which row `key` carries the checked article and excerpt.

        Pure: the caller stores the result (the app: `selectors.statute_table`). With
        `clauses_checked=False` the row is cited by its article alone, without the clause
        numbers (款、项) the engine would add, since only the article was checked.
        """
        row = self.row(key)
        article, excerpt = article.strip(), excerpt.strip()
        if not article:
            raise StatuteTableError("请填写核实后的条号（如“第××条”）。", code="statute_article")
        if not excerpt:
            raise StatuteTableError("请填写核实后的条文原文摘录。", code="statute_excerpt")
        verified = replace(
            row,
            article=article,
            excerpt=excerpt,
            source=(source or "").strip() or row.source,
            verified=True,
            clauses_checked=clauses_checked,
        )
        return replace(self, rows=tuple(verified if r.key == key else r for r in self.rows))


_RULE_NAMES = {
    "criminal_law": "刑法第三百五十一条",
    "filing_standard": "立案追诉标准",
    "quantity_interpretation": "毒品犯罪司法解释（数量）",
    "unsprouted_large_area": "毒品犯罪司法解释（未出苗面积“数量大”）",
    "administrative": "治安管理处罚法",
}


@dataclass(frozen=True)
class ArticleRef:
    """An article a suggestion relied on, with the clauses used and whether it is verified."""

    key: str
    statute: str
    article: str
    clauses: tuple[str, ...]
    excerpt: str
    source: str
    verified: bool
    effective_from: date
    effective_to: date | None

    @property
    def label(self) -> str:
        return _label(self.statute, self.article, self.clauses, verified=self.verified)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "statute": self.statute,
            "article": self.article,
            "clauses": list(self.clauses),
            "label": self.label,
            "excerpt": self.excerpt,
            "source": self.source,
            "verified": self.verified,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
        }


@dataclass(frozen=True)
class RouteSuggestion:
    """A suggestion for the police, never a verdict (see `disclaimer`)."""

    route: Route
    tier: str
    reasons: tuple[str, ...]
    articles: tuple[ArticleRef, ...]
    on: date
    table_version: str
    disclaimer: str = DISCLAIMER

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS[self.route]

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]

    @property
    def unverified(self) -> bool:
        return any(not a.verified for a in self.articles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "route_label": self.route_label,
            "tier": self.tier,
            "tier_label": self.tier_label,
            "reasons": list(self.reasons),
            "articles": [a.to_dict() for a in self.articles],
            "unverified": self.unverified,
            "date": self.on.isoformat(),
            "table_version": self.table_version,
            "disclaimer": self.disclaimer,
        }


# ---------------------------------------------------------------------------------------------
# Reading the table


def parse_table(text: str, *, origin: str = "条文表") -> StatuteTable:
    """Parse and check a statute table (TOML); any defect is a StatuteTableError in Chinese."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StatuteTableError(f"{origin}格式有误：{exc}", code="statute_toml") from None
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise StatuteTableError(f"{origin}缺少版本号 version。", code="statute_version")
    raw_rows = data.get("row")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise StatuteTableError(f"{origin}中没有任何条文（[[row]]）。", code="statute_empty")
    rows = tuple(_parse_row(raw, index=i + 1, origin=origin) for i, raw in enumerate(raw_rows))
    _check_rows(rows, origin=origin)
    return StatuteTable(version=version.strip(), rows=rows)


def load_table(path: Path | str = DEFAULT_TABLE_PATH) -> StatuteTable:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StatuteTableError(
            f"无法读取条文表 {path}：{exc}", code="statute_unreadable"
        ) from None
    return parse_table(text, origin=f"条文表 {path.name} ")


@lru_cache(maxsize=1)
def default_table() -> StatuteTable:
    """The table shipped in the package (read once per process)."""
    return load_table(DEFAULT_TABLE_PATH)


_TEXT_FIELDS = ("key", "rule", "statute", "source")


def _parse_row(raw: Any, *, index: int, origin: str) -> StatuteRow:
    where = f"{origin}第 {index} 行"
    if not isinstance(raw, dict):
        raise StatuteTableError(f"{where}不是一个表。", code="statute_row")
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise StatuteTableError(f"{where}缺少 {name}。", code="statute_row")
    for name in ("article", "excerpt", "note", "short"):
        if not isinstance(raw.get(name, ""), str):
            raise StatuteTableError(f"{where}的 {name} 应为文字。", code="statute_row")
    verified = raw.get("verified")
    if not isinstance(verified, bool):
        raise StatuteTableError(f"{where}缺少 verified（true 或 false）。", code="statute_row")
    start, end = raw.get("effective_from"), raw.get("effective_to")
    if type(start) is not date:
        raise StatuteTableError(
            f"{where}的施行日期 effective_from 应为日期（如 2026-01-01）。", code="statute_row"
        )
    if end is not None and (type(end) is not date or end < start):
        raise StatuteTableError(
            f"{where}的失效日期 effective_to 应为不早于施行日期的日期。", code="statute_row"
        )
    thresholds = raw.get("thresholds", {})
    if not isinstance(thresholds, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        for v in thresholds.values()
    ):
        raise StatuteTableError(f"{where}的阈值 thresholds 应为正数。", code="statute_row")
    article, excerpt = raw.get("article", "").strip(), raw.get("excerpt", "").strip()
    if verified and not (article and excerpt):
        raise StatuteTableError(
            f"{where}标为已核实（verified = true），但缺少条号或原文摘录。", code="statute_row"
        )
    return StatuteRow(
        key=raw["key"].strip(),
        rule=raw["rule"].strip(),
        statute=raw["statute"].strip(),
        article=article,
        excerpt=excerpt,
        effective_from=start,
        effective_to=end,
        source=raw["source"].strip(),
        verified=verified,
        thresholds={k: float(v) for k, v in thresholds.items()},
        note=raw.get("note", "").strip(),
        short=raw.get("short", "").strip(),
    )


def _check_rows(rows: tuple[StatuteRow, ...], *, origin: str) -> None:
    keys = [row.key for row in rows]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise StatuteTableError(
            f"{origin}中的 key 重复：{'、'.join(duplicates)}。", code="statute_duplicate"
        )
    for row in rows:
        if row.rule not in REQUIRED_THRESHOLDS:
            raise StatuteTableError(
                f"{origin}第 {row.key} 行的 rule“{row.rule}”不认识。", code="statute_rule"
            )
        for name in REQUIRED_THRESHOLDS[row.rule]:
            row.threshold(name)
    for rule in REQUIRED_THRESHOLDS:
        versions = sorted((r for r in rows if r.rule == rule), key=lambda r: r.effective_from)
        if not versions:
            raise StatuteTableError(
                f"{origin}缺少“{_RULE_NAMES[rule]}”的条文。", code="statute_rule"
            )
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or before.effective_to >= after.effective_from:
                raise StatuteTableError(
                    f"{origin}中 {before.key} 与 {after.key} 的施行期间重叠。",
                    code="statute_overlap",
                )


# ---------------------------------------------------------------------------------------------
# The route


class _Cited:
    """The articles a suggestion cites, in order of first use, clauses merged per row."""

    def __init__(self) -> None:
        self._rows: dict[str, StatuteRow] = {}
        self._clauses: dict[str, list[str]] = {}

    def add(self, row: StatuteRow, clause: str = "") -> str:
        self._rows.setdefault(row.key, row)
        clauses = self._clauses.setdefault(row.key, [])
        # A clause of an unknown article number means nothing; one not checked is not cited.
        if not row.article or not row.clauses_checked:
            clause = ""
        if clause and clause not in clauses:
            clauses.append(clause)
        return _label(row.short or row.statute, row.article, (clause,), verified=row.verified)

    def refs(self) -> tuple[ArticleRef, ...]:
        return tuple(
            ArticleRef(
                key=row.key,
                statute=row.statute,
                article=row.article,
                clauses=tuple(self._clauses[key]),
                excerpt=row.excerpt,
                source=row.source,
                verified=row.verified,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
            )
            for key, row in self._rows.items()
        )


def _n(value: float) -> str:
    return f"{value:g}"


def suggest_route(
    *,
    species: str,
    plants: int,
    area_m2: float | None = None,
    unsprouted: bool = False,
    prior_handling: bool = False,
    resisted: bool = False,
    self_removed_before_maturity: bool = False,
    on: date,
    table: StatuteTable | None = None,
) -> RouteSuggestion:
    """Suggest criminal filing, administrative penalty or none for one finding.

    A suggestion for the police, never a verdict. `on` is the finding's date: it picks the
    version of each article in force. Bad input raises ApplicationError in Chinese.
    """
    table = table or default_table()
    _check_input(
        species=species,
        plants=plants,
        area_m2=area_m2,
        unsprouted=unsprouted,
        resisted=resisted,
        self_removed=self_removed_before_maturity,
    )
    name = SPECIES_LABELS[species]
    code = table.in_force(rule="criminal_law", on=on)
    filing = table.in_force(rule="filing_standard", on=on)
    cited = _Cited()
    reasons: list[str] = []
    triggers: list[str] = []

    count_clause = "第（一）项" if species == "poppy" else "第（二）项"
    count_threshold = filing.threshold(f"{species}_plants")
    if plants >= count_threshold:
        also = ""
        if species == "cannabis":
            interpretation = table.in_force(rule="quantity_interpretation", on=on)
            also = "，" + cited.add(interpretation, "第一款第（一）项") + "“数量较大”"
        triggers.append(
            f"{name} {plants} 株，达到立案追诉标准 {_n(count_threshold)} 株"
            f"（{cited.add(filing, count_clause)}；{cited.add(code, '第一款第（一）项')}{also}）。"
        )
    if unsprouted:
        area_threshold = filing.threshold(f"{species}_unsprouted_m2")
        if area_m2 is not None and area_m2 >= area_threshold:
            interpretation = table.in_force(rule="quantity_interpretation", on=on)
            triggers.append(
                f"尚未出苗，种植面积 {_n(area_m2)} 平方米，达到{name}未出苗立案追诉标准 "
                f"{_n(area_threshold)} 平方米（{cited.add(filing, '第（四）项')}；"
                f"{cited.add(interpretation, '第一款第（二）项')}“数量较大”）。"
            )
    elif area_m2 is not None:
        reasons.append(f"已出苗，按株数认定；面积 {_n(area_m2)} 平方米仅作记录。")
    if prior_handling:
        triggers.append(
            "经公安机关处理后又种植，不论株数多少"
            f"（{cited.add(filing, '第（五）项')}；{cited.add(code, '第一款第（二）项')}）。"
        )
    if resisted:
        triggers.append(
            "抗拒铲除，不论株数多少"
            f"（{cited.add(filing, '第（六）项')}；{cited.add(code, '第一款第（三）项')}）。"
        )

    if triggers:
        large = _large_quantity(
            table=table,
            cited=cited,
            species=species,
            plants=plants,
            area_m2=area_m2,
            unsprouted=unsprouted,
            on=on,
            name=name,
        )
        reasons = triggers + reasons + large
        if self_removed_before_maturity:
            reasons.append(
                "种植者在收获前自动铲除：可以不予立案追诉"
                f"（{cited.add(filing)}），可以免除处罚（{cited.add(code, '第三款')}）；"
                "“可以”由公安机关裁量。"
            )
            return _suggestion("none", "exempt_criminal", reasons, cited, on, table)
        tier = "criminal_large" if large else "criminal"
        return _suggestion("criminal", tier, reasons, cited, on, table)

    administrative = table.in_force(rule="administrative", on=on)
    below = (
        f"{name} {plants} 株，未达到立案追诉标准 {_n(count_threshold)} 株"
        + (
            f"，未出苗面积未达到 {_n(filing.threshold(f'{species}_unsprouted_m2'))} 平方米"
            if unsprouted
            else ""
        )
        + "，且无“经公安机关处理后又种植”“抗拒铲除”情形，尚不够刑事处罚。"
    )
    reasons.insert(0, below)
    if self_removed_before_maturity:
        reasons.append(
            f"种植者在成熟前自行铲除，不予处罚（{cited.add(administrative, '第二款')}）。"
        )
        tier, route = "exempt_administrative", "none"
    else:
        reasons.append(f"建议给予治安管理处罚（{cited.add(administrative, '第一款第（一）项')}）。")
        tier, route = "administrative", "administrative"
    if not administrative.verified:
        reasons.append(
            f"注意：{on.isoformat()} 适用的《{administrative.statute}》条号和处罚幅度{UNVERIFIED}，"
            "请以正式文本为准。"
        )
    return _suggestion(route, tier, reasons, cited, on, table)


def _large_quantity(
    *,
    table: StatuteTable,
    cited: _Cited,
    species: str,
    plants: int,
    area_m2: float | None,
    unsprouted: bool,
    on: date,
    name: str,
) -> list[str]:
    """The reasons for the larger-quantity tier (刑法第三百五十一条第二款), if any apply."""
    code = table.in_force(rule="criminal_law", on=on)
    reasons = []
    if species == "poppy":
        large = code.threshold("poppy_plants_large")
        if plants >= large:
            reasons.append(
                f"罂粟 {plants} 株，达到 {_n(large)} 株以上（{cited.add(code, '第二款')}），"
                "属“数量大”，处五年以上有期徒刑。"
            )
    else:
        interpretation = table.in_force(rule="quantity_interpretation", on=on)
        large = interpretation.threshold("cannabis_plants_large")
        if plants >= large:
            reasons.append(
                f"大麻 {plants} 株，达到 {_n(large)} 株以上，属“数量大”"
                f"（{cited.add(interpretation, '第二款')}；{cited.add(code, '第二款')}），"
                "处五年以上有期徒刑。"
            )
    if unsprouted and area_m2 is not None:
        area_row = table.in_force(rule="unsprouted_large_area", on=on)
        large_area = area_row.threshold(f"{species}_unsprouted_m2_large")
        if area_m2 >= large_area:
            reasons.append(
                f"尚未出苗，{name}面积 {_n(area_m2)} 平方米，达到 {_n(large_area)} 平方米以上，"
                f"属“数量大”（{cited.add(area_row)}；{cited.add(code, '第二款')}）。"
                + ("" if area_row.verified else f"该面积标准{UNVERIFIED}，请以正式文本为准。")
            )
    return reasons


def _suggestion(
    route: Route,
    tier: str,
    reasons: list[str],
    cited: _Cited,
    on: date,
    table: StatuteTable,
) -> RouteSuggestion:
    return RouteSuggestion(
        route=route,
        tier=tier,
        reasons=tuple(reasons),
        articles=cited.refs(),
        on=on,
        table_version=table.version,
    )


def _check_input(
    *,
    species: str,
    plants: int,
    area_m2: float | None,
    unsprouted: bool,
    resisted: bool,
    self_removed: bool,
) -> None:
    if species not in SPECIES_LABELS:
        raise ApplicationError(
            "物种只能是 poppy（罂粟）或 cannabis（大麻）。", field="species", code="species"
        )
    if isinstance(plants, bool) or not isinstance(plants, int) or plants < 0:
        raise ApplicationError("株数必须是不小于 0 的整数。", field="plants", code="plants")
    if area_m2 is not None and not area_m2 >= 0:  # also refuses NaN
        raise ApplicationError("面积（平方米）不能为负数。", field="area_m2", code="area")
    if area_m2 is not None and area_m2 == float("inf"):
        raise ApplicationError("面积（平方米）必须是有限的数。", field="area_m2", code="area")
    if unsprouted and area_m2 is None:
        raise ApplicationError(
            "尚未出苗的须填写种植面积（平方米），按面积认定。", field="area_m2", code="area"
        )
    if plants == 0 and not unsprouted:
        raise ApplicationError(
            "株数为 0：已出苗的请填写株数，尚未出苗的请选择“尚未出苗”并填写面积。",
            field="plants",
            code="plants",
        )
    if resisted and self_removed:
        raise ApplicationError(
            "“抗拒铲除”与“成熟前自行铲除”不能同时选择。",
            field="self_removed_before_maturity",
            code="contradiction",
        )
