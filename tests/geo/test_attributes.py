"""The file's attribute columns (code, name, unit) and the natural order of plots."""

from __future__ import annotations

import pytest
import shapely

from zerocrop.geo.attributes import (
    apply_columns,
    attribute_columns,
    choose_columns,
    code_problems,
    file_notes,
    guess_code_column,
    guess_name_column,
    guess_unit_column,
    natural_key,
    plot_sort_key,
    unit_mismatch,
    unit_named_in,
)
from zerocrop.geo.features import GeoFeature


def features(*rows: dict[str, object], name: str | None = None) -> list[GeoFeature]:
    return [
        GeoFeature(geometry=shapely.box(0, 0, 1, 1), properties=dict(r), name=name, index=i)
        for i, r in enumerate(rows)
    ]


SURVEY = ["FID_", "DKBH", "QSDWMC", "DKMJ", "DKLB"]


@pytest.mark.parametrize(
    ("columns", "code"),
    [
        (SURVEY, "DKBH"),
        (["名称", "地块编号"], "地块编号"),
        (["name", "Code"], "Code"),
        (["BH", "MC"], "BH"),
        (["ID", "name"], "ID"),
        (["XMBH", "name"], "XMBH"),
        (["name", "面积"], None),
    ],
)
def test_code_column_is_guessed(columns: list[str], code: str | None) -> None:
    assert guess_code_column(columns) == code


@pytest.mark.parametrize(
    ("columns", "name"),
    [
        (SURVEY, None),  # QSDWMC ends in MC but names the owner, not the parcel
        (["DKBH", "DKMC", "QSDWMC"], "DKMC"),
        (["MC", "BH"], "MC"),
        (["编号", "名称"], "名称"),
        (["NAME", "id"], "NAME"),
        (["ZLDWMC", "TBMC"], "TBMC"),
    ],
)
def test_name_column_is_guessed(columns: list[str], name: str | None) -> None:
    assert guess_name_column(columns) == name


@pytest.mark.parametrize(
    ("columns", "unit"),
    [
        (SURVEY, "QSDWMC"),
        (["村", "名称"], "村"),
        (["CUN", "BH"], "CUN"),
        (["code", "name", "unit"], "unit"),  # our own export
        (["name"], None),
    ],
)
def test_unit_column_is_guessed(columns: list[str], unit: str | None) -> None:
    assert guess_unit_column(columns) == unit


def test_columns_keep_file_order_with_a_few_distinct_samples() -> None:
    rows = [{"DKBH": f"00{i}", "DKMJ": 1.0, "空列": None} for i in range(5)]
    listed = attribute_columns(features(*rows))
    assert [c.name for c in listed] == ["DKBH", "DKMJ", "空列"]
    assert listed[0].samples == ("000", "001", "002")
    assert listed[1].samples == ("1",)  # a DBF number 1.0 reads as the user wrote it
    assert listed[2].samples == ()


def test_chosen_columns_set_code_and_name() -> None:
    rows = [{"DKBH": 5301001.0, "MC": "后山"}, {"DKBH": "5301002", "MC": ""}]
    mapped = apply_columns(features(*rows), code_column="DKBH", name_column="MC")
    assert [(f.code, f.name) for f in mapped] == [("5301001", "后山"), ("5301002", None)]
    unchanged = apply_columns(features(*rows, name="奥维名称"), code_column=None, name_column=None)
    assert [(f.code, f.name) for f in unchanged] == [(None, "奥维名称"), (None, "奥维名称")]


def test_repeated_and_overlong_codes_are_named() -> None:
    rows = [{"BH": "A1"}, {"BH": "A1"}, {"BH": "X" * 41}]
    mapped = apply_columns(features(*rows), code_column="BH", name_column=None)
    problems = code_problems(mapped, column="BH")
    assert any("「A1」出现了不止一次" in p for p in problems)
    assert any("第3个要素" in p and "超过 40 个字" in p for p in problems)
    assert code_problems(mapped[:1], column="BH") == []


def test_unit_column_naming_another_village_is_a_warning() -> None:
    rows = [{"QSDWMC": "某镇李家村村民委员会"}] * 3 + [{"QSDWMC": "张家村第二村民小组"}]
    warning = unit_mismatch(
        features(*rows), column="QSDWMC", chosen="张家村", known=["张家村", "李家村"]
    )
    assert warning is not None
    assert "「李家村」" in warning and "「张家村」" in warning and "3 个要素" in warning
    same = [{"QSDWMC": "张家村村民委员会"}, {"QSDWMC": ""}]
    assert unit_mismatch(features(*same), column="QSDWMC", chosen="张家村") is None


def test_unknown_village_is_named_as_the_file_writes_it() -> None:
    warning = unit_mismatch(features({"村": "王家坪"}), column="村", chosen="张家村")
    assert warning is not None and "「王家坪」" in warning


def test_unit_named_in_the_file_is_found() -> None:
    rows = [{"QSDWMC": "李家村委会"}, {"QSDWMC": "李家村"}, {"QSDWMC": "张家村"}]
    assert unit_named_in(features(*rows), column="QSDWMC", names=["张家村", "李家村"]) == "李家村"
    assert unit_named_in(features(*rows), column="QSDWMC", names=["王家村"]) is None


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["王家村10号", "王家村2号", "王家村1号", "王家村11号", "王家村１２号", "王家村"]
    assert sorted(names, key=natural_key) == [
        "王家村",
        "王家村1号",
        "王家村2号",
        "王家村10号",
        "王家村11号",
        "王家村１２号",
    ]
    assert natural_key("DK-007") == natural_key("dk-7")


def test_plot_sort_key_sorts_by_code_then_name() -> None:
    plots = [("", "10号"), ("", "9号"), ("5301-10", "甲"), ("5301-2", "乙")]
    ordered = sorted(plots, key=lambda p: plot_sort_key(code=p[0], name=p[1]))
    assert ordered == [("", "9号"), ("", "10号"), ("5301-2", "乙"), ("5301-10", "甲")]


def test_chosen_columns_override_the_guesses() -> None:
    rows = features({"DKBH": "1", "DKLB": "承包地块", "QSDWMC": "张家村"})
    guessed = choose_columns(rows)
    assert (guessed.code, guessed.name, guessed.unit) == ("DKBH", None, "QSDWMC")
    picked = choose_columns(rows, chosen={"code_column": "", "name_column": "DKLB"})
    assert (picked.code, picked.name) == (None, "DKLB")
    unknown = choose_columns(rows, chosen={"code_column": "不存在"})
    assert (unknown.code, unknown.name) == (None, None)  # the name keeps its guess (none)


def test_file_notes_compare_the_file_with_the_choice() -> None:
    rows = features({"BH": "A1", "QSDWMC": "李家村"}, {"BH": "A1", "QSDWMC": "李家村"})
    columns = choose_columns(rows)
    mapped = apply_columns(rows, code_column=columns.code, name_column=columns.name)
    notes = file_notes(mapped, columns=columns, unit_name="张家村", known=["张家村", "李家村"])
    assert len(notes) == 2 and "「A1」" in notes[0] and "「李家村」" in notes[1]
    assert file_notes(mapped[:1], columns=columns, unit_name=None) == []
