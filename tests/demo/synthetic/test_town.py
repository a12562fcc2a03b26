"""Tests for the deterministic synthetic town generator (no Django needed)."""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import LineString, Point, Polygon

from zerocrop.demo.synthetic import (
    AREA_RANGES_M2,
    DEFAULT_UNITS,
    HISTORY_YEARS,
    METRIC_CRS,
    PLOT_KINDS,
    SPECIES,
    SyntheticTown,
    generate_town,
)
from zerocrop.geo.crs import WGS84, area_m2, project_geometry

TILE_TOLERANCE_DEG2 = 1e-9
LON_RANGE = (108.3, 108.9)
LAT_RANGE = (37.6, 38.2)


@pytest.fixture(scope="module")
def town() -> SyntheticTown:
    return generate_town()


@pytest.fixture(scope="module")
def big_town() -> tuple[SyntheticTown, float]:
    started = time.perf_counter()
    result = generate_town(plot_count=10_000)
    return result, time.perf_counter() - started


def to_metric(geometry):
    """WGS84 geometry (or geometries) → UTM 49N metres, where the generator works."""
    return project_geometry(geometry, WGS84, METRIC_CRS)


def top_units(town: SyntheticTown):
    return [unit for unit in town.units if unit.kind != "grid"]


def assert_tiles(parts: list[Polygon], whole: Polygon) -> None:
    """`parts` cover `whole` exactly and do not overlap (within the tolerance)."""
    union = shapely.union_all(parts)
    assert union.symmetric_difference(whole).area < TILE_TOLERANCE_DEG2
    tree = shapely.STRtree(parts)
    left, right = tree.query(parts, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(np.take(parts, left[pairs]), np.take(parts, right[pairs]))
    )
    assert float(overlap.sum()) < TILE_TOLERANCE_DEG2


def assert_no_overlaps(geometries: list[Polygon]) -> None:
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    clashes = [(int(a), int(b)) for a, b in zip(left, right, strict=True) if a != b]
    assert clashes == []


def town_digest(town: SyntheticTown) -> str:
    digest = hashlib.sha256()
    geometries = [town.boundary, town.river]
    geometries += [u.boundary for u in town.units] + [z.geometry for z in town.zones]
    geometries += [p.geometry for p in town.plots]
    geometries += [pt for points in town.settlements.values() for pt in points]
    for wkb in shapely.to_wkb(geometries):
        digest.update(wkb)
    for unit in town.units:
        digest.update(f"{unit.name}|{unit.kind}|{unit.parent}".encode())
    for zone in town.zones:
        digest.update(f"{zone.code}|{zone.name}|{zone.kind}|{zone.unit}".encode())
    for plot in town.plots:
        text = f"{plot.code}|{plot.name}|{plot.unit}|{plot.grid}|{plot.kind}|{plot.risk}|"
        digest.update(f"{text}{plot.responsible}|{plot.history!r}".encode())
    digest.update("|".join(town.people).encode())
    return digest.hexdigest()


def assert_in_region(geometry) -> None:
    minx, miny, maxx, maxy = geometry.bounds
    assert LON_RANGE[0] <= minx and maxx <= LON_RANGE[1]
    assert LAT_RANGE[0] <= miny and maxy <= LAT_RANGE[1]


# --------------------------------------------------------------------------- town and units


def test_town_boundary_is_an_irregular_polygon_of_plausible_size(town: SyntheticTown) -> None:
    assert town.name == "无定河镇"
    assert isinstance(town.boundary, Polygon) and town.boundary.is_valid
    assert len(town.boundary.exterior.coords) > 50
    area_km2 = area_m2(town.boundary) / 1e6
    assert 250 < area_km2 < 600
    assert town.boundary.area < 0.9 * shapely.envelope(town.boundary).area  # not a rectangle
    minx, miny, maxx, maxy = to_metric(town.boundary).bounds
    assert 18_000 < maxx - minx < 32_000 and 15_000 < maxy - miny < 28_000


def test_default_units_are_the_16_of_the_notice(town: SyntheticTown) -> None:
    units = top_units(town)
    assert [(u.name, u.kind) for u in units] == list(DEFAULT_UNITS)
    assert Counter(u.kind for u in units) == {"village": 14, "community": 2}
    assert all(u.parent is None for u in units)


def test_units_tile_the_town(town: SyntheticTown) -> None:
    units = top_units(town)
    assert all(isinstance(u.boundary, Polygon) and u.boundary.is_valid for u in units)
    assert_tiles([u.boundary for u in units], town.boundary)


def test_communities_are_small_and_at_the_seat_on_the_river(town: SyntheticTown) -> None:
    areas = {u.name: area_m2(u.boundary) for u in top_units(town)}
    communities = [areas["河园社区"], areas["河南社区"]]
    villages = [area for name, area in areas.items() if name.endswith("村")]
    assert max(communities) < min(villages)
    seat = shapely.union_all([u.boundary for u in top_units(town) if u.kind == "community"])
    assert seat.intersects(town.river)
    assert shapely.distance(seat.centroid, town.boundary.centroid) < 0.06  # degrees, ~5 km


def test_each_unit_has_two_to_four_grids_tiling_it(town: SyntheticTown) -> None:
    grids = [u for u in town.units if u.kind == "grid"]
    for unit in top_units(town):
        own = [g for g in grids if g.parent == unit.name]
        assert 2 <= len(own) <= 4
        assert [g.name for g in own] == [f"{unit.name}第{i}网格" for i in range(1, len(own) + 1)]
        assert all(isinstance(g.boundary, Polygon) and g.boundary.is_valid for g in own)
        assert_tiles([g.boundary for g in own], unit.boundary)


def test_river_crosses_the_town_west_to_east(town: SyntheticTown) -> None:
    assert isinstance(town.river, LineString) and town.river.is_simple
    (x0, _y0), (x1, _y1) = town.river.coords[0], town.river.coords[-1]
    assert x0 < x1
    inside = to_metric(town.river.intersection(town.boundary))
    assert inside.length > 15_000


def test_settlements_lie_in_their_unit(town: SyntheticTown) -> None:
    units = {u.name: u.boundary for u in top_units(town)}
    assert set(town.settlements) == set(units)
    for name, points in town.settlements.items():
        assert 0 < len(points) <= 5
        assert all(isinstance(p, Point) and units[name].contains(p) for p in points)


def test_everything_lies_in_the_wuding_he_area(town: SyntheticTown) -> None:
    assert_in_region(town.boundary)
    assert_in_region(town.river)
    for geometry in [z.geometry for z in town.zones] + [p.geometry for p in town.plots]:
        assert_in_region(geometry)
    for points in town.settlements.values():
        for point in points:
            assert_in_region(point)


# --------------------------------------------------------------------------- zones


def test_zones_of_each_kind_inside_the_town(town: SyntheticTown) -> None:
    kinds = Counter(z.kind for z in town.zones)
    assert all(kinds[kind] >= 2 for kind in ("key", "traditional", "potential"))
    units = {u.name: u.boundary for u in top_units(town)}
    for zone in town.zones:
        assert isinstance(zone.geometry, Polygon) and zone.geometry.is_valid
        assert zone.geometry.within(town.boundary)
        assert zone.name.endswith(
            {"key": "重点区域", "traditional": "传统区域"}.get(zone.kind, "潜在区域")
        )
        if zone.unit is not None:
            assert zone.unit in units
            assert zone.geometry.difference(units[zone.unit]).area < 0.01 * zone.geometry.area
    assert len({z.code for z in town.zones}) == len(town.zones)
    assert_no_overlaps([z.geometry for z in town.zones])


def test_key_zones_follow_the_river(town: SyntheticTown) -> None:
    for zone in town.zones:
        if zone.kind == "key":
            assert shapely.distance(to_metric(zone.geometry), to_metric(town.river)) < 300


# --------------------------------------------------------------------------- plots


def test_plot_count_and_every_kind_present(town: SyntheticTown) -> None:
    assert len(town.plots) == 300
    kinds = Counter(p.kind for p in town.plots)
    assert set(kinds) == set(PLOT_KINDS) and all(count > 0 for count in kinds.values())
    assert {p.risk for p in town.plots} == {"key", "traditional", "potential"}
    assert len({p.code for p in town.plots}) == len(town.plots)


def test_plots_are_valid_inside_their_unit_and_grid(town: SyntheticTown) -> None:
    units = {u.name: u.boundary for u in town.units}
    for plot in town.plots:
        assert isinstance(plot.geometry, Polygon) and plot.geometry.is_valid
        assert units[plot.unit].contains(plot.geometry)
        assert plot.grid is not None and plot.grid.startswith(plot.unit)
        assert units[plot.grid].contains(plot.geometry)


def test_plots_do_not_overlap(town: SyntheticTown) -> None:
    assert_no_overlaps([p.geometry for p in town.plots])


def test_plot_areas_match_their_kind(town: SyntheticTown) -> None:
    areas = shapely.area(to_metric([p.geometry for p in town.plots]))
    for plot, area in zip(town.plots, areas, strict=True):
        low, high = AREA_RANGES_M2[plot.kind]
        assert low <= area <= high, (plot.code, plot.kind, area)
    farmland = [a for p, a in zip(town.plots, areas, strict=True) if p.kind == "historical"]
    assert min(farmland) >= 0.5 * 2000 / 3 and max(farmland) <= 15 * 2000 / 3


def test_greenhouses_are_long_thin_rectangles(town: SyntheticTown) -> None:
    for plot in town.plots:
        if plot.kind != "greenhouse":
            continue
        rectangle = to_metric(plot.geometry).minimum_rotated_rectangle
        coords = np.asarray(rectangle.exterior.coords)
        sides = sorted(np.linalg.norm(np.diff(coords[:3], axis=0), axis=1))
        assert sides[0] == pytest.approx(8.0, abs=0.01)
        assert 50.0 <= sides[1] <= 80.0


def test_courtyards_cluster_near_settlements(town: SyntheticTown) -> None:
    settlements = to_metric(
        shapely.multipoints([p for points in town.settlements.values() for p in points])
    )
    for plot in town.plots:
        if plot.kind == "courtyard":
            assert shapely.distance(to_metric(plot.geometry), settlements) < 1_000


def test_planting_history_only_on_historical_plots(town: SyntheticTown) -> None:
    first, last = HISTORY_YEARS
    for plot in town.plots:
        if plot.kind != "historical":
            assert plot.history == ()
            continue
        assert 0 < len(plot.history) <= 3
        years = [record["year"] for record in plot.history]
        assert years == sorted(set(years))
        for record in plot.history:
            assert set(record) == {"year", "species", "count"}
            assert first <= record["year"] <= last
            assert record["species"] in SPECIES
            assert isinstance(record["count"], int) and record["count"] > 0


def test_most_plots_have_a_responsible_person_but_not_all(town: SyntheticTown) -> None:
    historical = [p for p in town.plots if p.kind == "historical"]
    assert any(p.responsible is None for p in historical)
    assigned = [p for p in town.plots if p.responsible is not None]
    assert len(assigned) > 0.8 * len(town.plots)
    assert {p.responsible for p in assigned} <= set(town.people)


def test_plot_names_look_chinese(town: SyntheticTown) -> None:
    patterns = {
        "courtyard": r"^\w+家(庭院|菜园|房后菜地|院落)$",
        "greenhouse": r"^\w+\d+号大棚$",
        "historical": r"^\w+\d+号地$",
        "key": r"^\w+\d+号地$",
        "other": r"^\w+\d+号$",
    }
    for plot in town.plots:
        assert re.match(patterns[plot.kind], plot.name), plot.name
        assert re.match(r"^WDH-\d{2}-\d{4,}$", plot.code)


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
