"""A geo file's attribute columns: which one is the code, the name, the owning unit.

Pure module (no Django). Land-survey shapefiles (第三次国土调查, 农村土地承包经营权确权) name their
columns in pinyin initials: DKBH 地块编号, DKMC 地块名称, QSDWMC 权属单位名称, ZLDWMC 坐落单位名称.
Also the natural sort key used wherever plots are listed ("2号" before "10号").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from zerocrop.geo.features import GeoFeature

MAX_SAMPLES = 3
MAX_CODE_LENGTH = 40  # Plot.code
MAX_NAME_LENGTH = 100  # Plot.name
MAX_ATTRIBUTE_TEXT = 2000  # one stored value; a longer one (a KML description page) is cut

# Exact column names, best first (compared case-insensitively, spaces removed).
CODE_COLUMNS = (
    "dkbh",
    "地块编号",
    "地块代码",
    "dkdm",
    "编号",
    "bh",
    "code",
    "plotcode",
    "zdbh",
    "宗地编号",
    "bsm",
    "标识码",
    "id",
)
NAME_COLUMNS = (
    "dkmc",
    "地块名称",
    "地块名",
    "mc",
    "名称",
    "name",
    "名字",
    "点名",
    "标注",
    "标题",
    "title",
)
UNIT_COLUMNS = (
    "qsdwmc",
    "权属单位名称",
    "权属单位",
    "qsdw",
    "zldwmc",
    "坐落单位名称",
    "坐落单位",
    "村",
    "村名",
    "村名称",
    "所属村",
    "行政村",
    "村委会",
    "cun",
    "cunmc",
    "village",
    "所属单位",
    "unit",  # the ledger's own GeoJSON/KML export
)
_UNIT_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会")


@dataclass(frozen=True)
class AttributeColumn:
    name: str
    samples: tuple[str, ...]  # a few distinct non-empty values, as text


def _key(column: str) -> str:
    return "".join(str(column).split()).lower()


def value_text(value: object) -> str:
    """An attribute value as a user reads it (a DBF number 12.0 is "12")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def attribute_columns(features: Sequence[GeoFeature]) -> list[AttributeColumn]:
    """The columns in file order (first seen first), each with a few sample values."""
    samples: dict[str, list[str]] = {}
    for feature in features:
        for column, value in feature.properties.items():
            seen = samples.setdefault(str(column), [])
            text = value_text(value)
            if text and len(seen) < MAX_SAMPLES and text not in seen:
                seen.append(text[:60])
    return [AttributeColumn(name=c, samples=tuple(s)) for c, s in samples.items()]


def _guess(columns: Sequence[str], wanted: Sequence[str], *, avoid: set[str]) -> str | None:
    by_key = {_key(c): c for c in columns if c not in avoid}
    for key in wanted:
        if key in by_key:
            return by_key[key]
    return None


def guess_unit_column(columns: Sequence[str]) -> str | None:
    return _guess(columns, UNIT_COLUMNS, avoid=set())


def guess_code_column(columns: Sequence[str]) -> str | None:
    found = _guess(columns, CODE_COLUMNS, avoid=set())
    if found:
        return found
    for column in columns:  # "XXBH", "地块编码", "PLOT_ID"
        key = _key(column)
        if key.endswith(("bh", "编号", "编码", "code", "_id")) and key not in UNIT_COLUMNS:
            return column
    return None


def guess_name_column(columns: Sequence[str]) -> str | None:
    unit = guess_unit_column(columns)
    found = _guess(columns, NAME_COLUMNS, avoid={unit} if unit else set())
    if found:
        return found
    for column in columns:  # "XXMC", but never the owner's name (QSDWMC, ZLDWMC …)
        key = _key(column)
        if (
            key.endswith(("mc", "名称"))
            and column != unit
            and "dw" not in key
            and "单位" not in key
        ):
            return column
    return None


def apply_columns(
    features: Sequence[GeoFeature], *, code_column: str | None, name_column: str | None
) -> list[GeoFeature]:
    """Features whose code and name come from the chosen columns.

    No code column: no codes. No name column: the name the reader found (a KML <name>, a
    "name"/"名称" attribute), else none.
    """
    mapped = []
    for feature in features:
        code = value_text(feature.properties.get(code_column)) if code_column else ""
        name = feature.name or ""
        if name_column:
            name = value_text(feature.properties.get(name_column))
        mapped.append(replace(feature, code=code or None, name=name[:MAX_NAME_LENGTH] or None))
    return mapped


CODE_FIELD = "code_column"  # the import form's fields naming the chosen columns
NAME_FIELD = "name_column"


@dataclass(frozen=True)
class Columns:
    """A file's attribute columns and which of them are the code, the name, the unit."""

    listed: tuple[AttributeColumn, ...]
    code: str | None
    name: str | None
    unit: str | None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.listed]


def choose_columns(
    features: Sequence[GeoFeature], *, chosen: Mapping[str, object] | None = None
) -> Columns:
    """The columns, with the user's choice (`chosen[CODE_FIELD]`, "" = none) or the guesses.

    A chosen column the file does not have counts as none.
    """
    listed = tuple(attribute_columns(features))
    names = [c.name for c in listed]
    picked: dict[str, str | None] = {
        CODE_FIELD: guess_code_column(names),
        NAME_FIELD: guess_name_column(names),
    }
    for field in (CODE_FIELD, NAME_FIELD):
        if chosen is not None and field in chosen:
            value = str(chosen.get(field) or "")
            picked[field] = value if value in names else None
    return Columns(
        listed=listed,
        code=picked[CODE_FIELD],
        name=picked[NAME_FIELD],
        unit=guess_unit_column(names),
    )


def file_notes(
    features: Sequence[GeoFeature],
    *,
    columns: Columns,
    unit_name: str | None,
    known: Sequence[str] = (),
) -> list[str]:
    """What the file's own columns say against the choice: bad codes, another village.

    `features` carry the codes of `columns` already (`apply_columns`); `unit_name` is the
    chosen village (None: no village chosen, nothing to compare).
    """
    notes = code_problems(features, column=columns.code) if columns.code else []
    if columns.unit and unit_name:
        mismatch = unit_mismatch(features, column=columns.unit, chosen=unit_name, known=known)
        if mismatch:
            notes.append(mismatch)
    return notes


def with_guessed_columns(features: Sequence[GeoFeature]) -> tuple[list[GeoFeature], str, str]:
    """Features mapped with the guessed code and name columns, and those columns ("" none)."""
    names = [c.name for c in attribute_columns(features)]
    code, name = guess_code_column(names), guess_name_column(names)
    return apply_columns(features, code_column=code, name_column=name), code or "", name or ""


def code_problems(features: Sequence[GeoFeature], *, column: str) -> list[str]:
    """Codes the plot ledger cannot take: too long, or the same code twice in the file."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    for feature in features:
        if feature.code:
            counts[feature.code] = counts.get(feature.code, 0) + 1
            if len(feature.code) > MAX_CODE_LENGTH:
                problems.append(
                    f"{feature.label}的编号「{feature.code[:60]}」超过 {MAX_CODE_LENGTH} 个字，"
                    f"请换一列作编号"
                )
    twice = [code for code, n in counts.items() if n > 1]
    if twice:
        shown = "、".join(f"「{c}」" for c in twice[:5]) + ("等" if len(twice) > 5 else "")
        problems.append(
            f"「{column}」列中编号{shown}出现了不止一次，同一村（社区）内编号不能重复，"
            "请换一列作编号或修改文件"
        )
    return problems


def unit_core(name: str) -> str:
    text = "".join(name.split())
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)] + ("村" if suffix.startswith("村") else "")
    return text


def unit_mismatch(
    features: Sequence[GeoFeature],
    *,
    column: str,
    chosen: str,
    known: Sequence[str] = (),
) -> str | None:
    """A warning when the file's unit column names another village than the chosen one.

    A value matches when it contains the chosen unit's name ("某镇张家村第三村民小组" is 张家村).
    `known` are the other unit names the user has, used to name the village the file means.
    """
    chosen_core = unit_core(chosen)
    values: dict[str, int] = {}
    for feature in features:
        text = "".join(value_text(feature.properties.get(column)).split())
        if text:
            values[text] = values.get(text, 0) + 1
    others = {v: n for v, n in values.items() if chosen_core not in v}
    if not others:
        return None
    named: list[str] = []
    for value in sorted(others, key=lambda v: -others[v]):
        match = next((k for k in known if k != chosen and unit_core(k) in value), None)
        label = match or value
        if label not in named:
            named.append(label)
    shown = "、".join(f"「{n}」" for n in named[:3]) + ("等" if len(named) > 3 else "")
    count = sum(others.values())
    return (
        f"文件的「{column}」列中有 {count} 个要素写的是{shown}，与所选的「{chosen}」不一致，"
        "请核对要导入到哪个村（社区）。"
    )


def unit_named_in(
    features: Sequence[GeoFeature], *, column: str, names: Sequence[str]
) -> str | None:
    """The one of `names` that most features' unit column names (None when none does)."""
    hits: dict[str, int] = {}
    for feature in features:
        text = "".join(value_text(feature.properties.get(column)).split())
        for name in names:
            if text and unit_core(name) in text:
                hits[name] = hits.get(name, 0) + 1
    return max(hits, key=lambda n: hits[n]) if hits else None


def default_plot_name(*, unit_name: str, index: int) -> str:
    """The name of an imported plot its file leaves unnamed: "王窑湾村3号" (index from 0)."""
    return f"{unit_name}{index + 1}号"


# --------------------------------------------------------------------------- natural order

_DIGITS = re.compile(r"\d+")
SORT_KEY_LENGTH = 300


def _encode_digits(match: re.Match[str]) -> str:
    digits = str(int(match.group()))  # also full-width digits "１０"
    return f"{len(digits):02d}{digits}"  # a longer number sorts after a shorter one


def natural_key(text: str) -> str:
    """A string that sorts naturally as plain text: "1号" < "2号" < "10号" (also in SQL).

    Each run of digits becomes its length (two digits) followed by the digits, so comparing
    the keys character by character compares numbers by value.
    """
    return _DIGITS.sub(_encode_digits, (text or "").strip().casefold())


def plot_sort_key(*, code: str, name: str) -> str:
    """The stored ordering of a plot: by code, then by name, both naturally."""
    return f"{natural_key(code)}\x1f{natural_key(name)}"[:SORT_KEY_LENGTH]
