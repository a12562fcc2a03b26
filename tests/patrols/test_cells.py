"""Zone → square task cells: exact tiling, sizes, slivers, deterministic ids."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

from zerocrop.patrols.cells import split_zone, split_zones

EPSG = 32649
_TO_WGS = Transformer.from_crs(f"EPSG:{EPSG}", "EPSG:4326", always_xy=True)
_TO_UTM = Transformer.from_crs("EPSG:4326", f"EPSG:{EPSG}", always_xy=True)


def wgs(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_WGS.transform(*xy.T)))


def utm(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_UTM.transform(*xy.T)))


def aligned_rect(width: float, height: float):
    """A rectangle whose south-west corner sits on a 200 m grid node of the UTM zone."""
    x0, y0 = 400_000.0, 3_300_000.0
    return box(x0, y0, x0 + width, y0 + height)


def test_aligned_rectangle_gives_full_cells():
    cells = split_zone("Z1", wgs(aligned_rect(1000, 600)), size_m=200)
    assert len(cells) == 15
    for cell in cells:
        assert cell.area_m2 == pytest.approx(40_000, rel=1e-6)
        assert utm(cell.geometry).area == pytest.approx(40_000, rel=1e-4)


def test_ids_rows_from_north_columns_from_west():
    cells = split_zone("Z1", wgs(aligned_rect(1000, 600)), size_m=200)
    assert [c.id for c in cells[:3]] == ["Z1-r00c00", "Z1-r00c01", "Z1-r00c02"]
    assert all(re.fullmatch(r"Z1-r\d\dc\d\d", c.id) for c in cells)
    north = utm(next(c for c in cells if c.id == "Z1-r00c00").geometry).centroid
    south = utm(next(c for c in cells if c.id == "Z1-r02c00").geometry).centroid
    assert north.y > south.y
    assert north.x == pytest.approx(south.x, abs=0.01)


def irregular_zone():
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radii = 700 + 250 * np.sin(3 * angles) + 80 * np.cos(7 * angles)
    x = 401_237.0 + radii * np.cos(angles)
    y = 3_301_519.0 + radii * np.sin(angles)
    hole = box(401_100, 3_301_400, 401_300, 3_301_450)
    return Polygon(np.column_stack([x, y])).difference(hole)


def test_cells_tile_an_irregular_zone_exactly():
    zone = irregular_zone()
    cells = split_zone("Z2", wgs(zone), size_m=200, min_fraction=0.25)
    parts = [utm(c.geometry) for c in cells]
    total = sum(p.area for p in parts)
    union = shapely.union_all(parts)
    assert union.area == pytest.approx(zone.area, rel=1e-6)
    assert total == pytest.approx(zone.area, rel=1e-6)  # no overlaps
    assert union.symmetric_difference(zone).area < 1e-6 * zone.area


def test_slivers_merge_into_neighbours():
    zone = aligned_rect(1000, 610)  # a 10 m strip along the north edge
    kept = split_zone("Z3", wgs(zone), size_m=200, min_fraction=0.25)
    raw = split_zone("Z3", wgs(zone), size_m=200, min_fraction=0.0)
    assert len(raw) == 20
    assert len(kept) == 15
    assert all(c.area_m2 >= 0.25 * 40_000 for c in kept)
    assert sum(c.area_m2 for c in kept) == pytest.approx(1000 * 610, rel=1e-6)
    absorbed = [c for c in kept if c.merged]
    assert len(absorbed) == 5
    assert all(c.area_m2 == pytest.approx(42_000, rel=1e-4) for c in absorbed)


def test_a_zone_smaller_than_a_sliver_is_still_one_cell():
    zone = box(400_050, 3_300_050, 400_080, 3_300_070)
    (cell,) = split_zone("tiny", wgs(zone), size_m=200)
    assert cell.area_m2 == pytest.approx(600, rel=1e-6)


def test_ids_are_deterministic_and_unique():
    zone = wgs(irregular_zone())
    first = split_zone("Z4", zone, size_m=150)
    second = split_zone("Z4", zone, size_m=150)
    assert [c.id for c in first] == [c.id for c in second]
    assert all(
        a.geometry.equals_exact(b.geometry, 1e-12) for a, b in zip(first, second, strict=True)
    )
    assert len({c.id for c in first}) == len(first)


def test_split_zones_and_bad_input():
    cells = split_zones([("A", wgs(aligned_rect(400, 200))), ("B", wgs(aligned_rect(200, 200)))])
    assert [c.id for c in cells] == ["A-r00c00", "A-r00c01", "B-r00c00"]
    with pytest.raises(ValueError):
        split_zone("X", wgs(aligned_rect(400, 200)), size_m=0)
    with pytest.raises(ValueError):
        split_zone("X", shapely.LineString([(110, 30), (110.1, 30)]))


def test_clip_to_units_splits_cells_on_a_boundary_and_drops_scraps():
    from zerocrop.patrols.cells import clip_to_units

    cells = split_zone("Z1", wgs(aligned_rect(400, 200)), size_m=200)
    west = wgs(aligned_rect(290, 200))  # all of the first cell, 45 % of the second
    east = wgs(box(400_290.0, 3_300_000.0, 400_400.0, 3_300_200.0))
    parts = clip_to_units(cells, [west, east])
    assert [(p.cell.id, p.unit_index) for p in parts] == [
        ("Z1-r00c00", 0),
        ("Z1-r00c01", 0),
        ("Z1-r00c01", 1),
    ]
    assert [p.area_m2 for p in parts] == pytest.approx([40_000, 18_000, 22_000], rel=1e-3)
    scraps = clip_to_units(cells, [wgs(aligned_rect(220, 200))])  # 10 % of the second cell
    assert [p.cell.id for p in scraps] == ["Z1-r00c00"]


def test_unique_codes_suffixes_repeats_without_colliding_with_existing_codes():
    from zerocrop.patrols.cells import unique_codes

    assert unique_codes(["A", "B", "A", "A-2", "A"]) == ["A", "B", "A-3", "A-2", "A-4"]
    long = "x" * 90
    out = unique_codes([long, long], max_length=80)
    assert out == ["x" * 80, "x" * 78 + "-2"]
