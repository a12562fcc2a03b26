"""The synthetic town's layout: boundary, units and grids, river, settlements, zones."""

from __future__ import annotations

from collections import Counter

import shapely
from shapely import LineString, Point, Polygon

from support.synthetic import (
    assert_in_region,
    assert_no_overlaps,
    assert_tiles,
    to_metric,
    top_units,
)
from zerocrop.demo.synthetic import (
    DEFAULT_UNITS,
    SyntheticTown,
)
from zerocrop.geo.crs import area_m2

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
