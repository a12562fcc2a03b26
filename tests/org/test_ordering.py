from types import SimpleNamespace
from uuid import uuid4

from zerocrop.org.ordering import natural_key, tree_key, units_tree_sorted


def test_names_sort_naturally_not_by_character() -> None:
    names = ["10号", "1号", "2号", "11号", "一组"]
    assert sorted(names, key=natural_key) == ["1号", "2号", "10号", "11号", "一组"]
    assert sorted(["河南村2组", "河南村10组", "河南村1组"], key=natural_key) == [
        "河南村1组",
        "河南村2组",
        "河南村10组",
    ]


def _unit(name: str, sort_order: int, parent: SimpleNamespace | None = None) -> SimpleNamespace:
    uid = uuid4()
    path = f"{parent.path if parent else ''}{uid.hex}/"
    return SimpleNamespace(id=uid, name=name, sort_order=sort_order, path=path)


def test_tree_order_puts_the_notice_order_before_names_and_children_under_parents() -> None:
    town = _unit("镇", 0)
    b = _unit("乙村", 1, town)
    a = _unit("甲村", 2, town)
    grid10 = _unit("10网格", 0, b)
    grid2 = _unit("2网格", 0, b)
    units = {u.id.hex: u for u in (town, a, b, grid10, grid2)}
    ordered = sorted(units.values(), key=lambda u: tree_key(u.path, units))
    assert [u.name for u in ordered] == ["镇", "乙村", "2网格", "10网格", "甲村"]
    assert [u.name for u in units_tree_sorted([a, grid10, b])] == ["乙村", "10网格", "甲村"]
