"""generate_town as a whole: determinism, scale and options (no Django needed)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import Polygon

from support.synthetic import (
    assert_no_overlaps,
    assert_tiles,
    top_units,
    town_digest,
)
from zerocrop.demo.synthetic import (
    SyntheticTown,
    generate_town,
)


@pytest.fixture(scope="module")
def big_town() -> tuple[SyntheticTown, float]:
    started = time.perf_counter()
    result = generate_town(plot_count=10_000)
    return result, time.perf_counter() - started


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_output(town: SyntheticTown) -> None:
    assert town_digest(generate_town()) == town_digest(town)
    assert town_digest(generate_town(seed=23)) != town_digest(town)


def test_layout_does_not_depend_on_plot_count(town: SyntheticTown) -> None:
    small = generate_town(plot_count=20)
    assert len(small.plots) == 20
    assert shapely.to_wkb(small.boundary) == shapely.to_wkb(town.boundary)
    assert [shapely.to_wkb(u.boundary) for u in small.units] == [
        shapely.to_wkb(u.boundary) for u in town.units
    ]
    assert [z.name for z in small.zones] == [z.name for z in town.zones]


def test_zero_plots() -> None:
    assert generate_town(plot_count=0).plots == ()


# --------------------------------------------------------------------------- scale


def test_ten_thousand_plots_in_a_few_seconds(big_town: tuple[SyntheticTown, float]) -> None:
    town, seconds = big_town
    assert len(town.plots) == 10_000
    assert seconds < 20.0
    assert all(count > 0 for count in Counter(p.kind for p in town.plots).values())
    assert len({p.code for p in town.plots}) == 10_000


def test_ten_thousand_plots_stay_valid_inside_and_apart(
    big_town: tuple[SyntheticTown, float],
) -> None:
    town, _seconds = big_town
    geometries = [p.geometry for p in town.plots]
    assert bool(shapely.is_valid(geometries).all())
    assert_no_overlaps(geometries)
    grids = {u.name: u.boundary for u in town.units if u.kind == "grid"}
    for name, grid in grids.items():
        shapely.prepare(grid)
        mine = [p.geometry for p in town.plots if p.grid == name]
        assert bool(shapely.contains(grid, mine).all())


# --------------------------------------------------------------------------- options


def test_custom_units_and_center() -> None:
    names = [("甲村", "village"), ("乙村", "village"), ("丙村", "village"), ("丁社区", "community")]
    town = generate_town(seed=5, plot_count=40, center=(108.55, 37.95), unit_names=names)
    units = top_units(town)
    assert [(u.name, u.kind) for u in units] == names
    assert_tiles([u.boundary for u in units], town.boundary)
    assert len(town.plots) == 40
    assert {p.unit for p in town.plots} <= {name for name, _kind in names}
    assert abs(town.boundary.centroid.x - 108.55) < 0.05


def test_only_villages() -> None:
    town = generate_town(
        seed=9, plot_count=30, unit_names=[("甲村", "village"), ("乙村", "village")]
    )
    assert_tiles([u.boundary for u in top_units(town)], town.boundary)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"plot_count": -1}, "plot_count"),
        ({"unit_names": []}, "empty"),
        ({"unit_names": [("甲村", "village"), ("甲村", "village")]}, "unique"),
        ({"unit_names": [("甲村", "town")]}, "kinds"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_town(**kwargs)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_any_seed_tiles_and_contains(seed: int) -> None:
    town = generate_town(seed=seed, plot_count=120)
    units = top_units(town)
    assert all(isinstance(u.boundary, Polygon) and u.boundary.is_valid for u in town.units)
    assert_tiles([u.boundary for u in units], town.boundary)
    lookup = {u.name: u.boundary for u in town.units}
    assert all(lookup[p.grid].contains(p.geometry) for p in town.plots)
    assert_no_overlaps([p.geometry for p in town.plots])
    assert len(town.plots) == 120
