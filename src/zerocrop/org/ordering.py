"""Natural order for unit and person names: 2组 before 10组, the org tree before the alphabet."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key comparing runs of digits by value: "2号" < "10号" (a plain sort gives 10号, 2号)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


def tree_key(path: str, units: dict[str, Any]) -> tuple[tuple[int, tuple], ...]:
    """The position of a unit in the org tree: each ancestor's (sort_order, natural name).

    `path` is the unit's materialised path ("<hex>/<hex>/"); `units` maps hex ids to units
    (ancestors missing from it, i.e. outside the user's scope, are skipped).
    """
    key = []
    for unit_id in path.strip("/").split("/"):
        unit = units.get(unit_id)
        if unit is not None:
            key.append((unit.sort_order, natural_key(unit.name)))
    return tuple(key)


def units_tree_sorted(units: Iterable[Any]) -> list[Any]:
    """Units in the org tree's order (parents' order first, then natural names)."""
    units = list(units)
    by_id = {u.id.hex: u for u in units}
    return sorted(units, key=lambda u: tree_key(u.path, by_id))
