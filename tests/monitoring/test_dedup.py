from __future__ import annotations

import pytest
import shapely

from zerocrop.monitoring.dedup import Site, distance_m, expand_bbox, fingerprint, merge_near

METRE = 1 / 111_320


def test_sites_within_the_distance_merge_into_the_first():
    sites = [
        Site(0, "A", 108.6, 37.9),
        Site(1, "B", 108.6, 37.9 + 30 * METRE),  # 30 m north of A
        Site(2, "C", 108.6, 37.9 + 200 * METRE),
        Site(3, "D", 108.6, 37.9 + 49 * METRE),
    ]
    groups = merge_near(sites, 50)
    assert [g.kept.code for g in groups] == ["A", "C"]
    assert [(s.code, round(gap)) for s, gap in groups[0].merged] == [("B", 30), ("D", 49)]
    assert groups[1].merged == []


def test_zero_distance_merges_nothing():
    sites = [Site(0, "A", 108.6, 37.9), Site(1, "B", 108.6, 37.9)]
    assert len(merge_near(sites, 0)) == 2


def test_merging_across_grid_cells():
    sites = [Site(0, "A", 108.6, 37.9), Site(1, "B", 108.6 + 40 * METRE / 0.79, 37.9)]
    assert len(merge_near(sites, 50)) == 1


def test_fingerprint_ignores_order_repeats_and_blanks():
    assert fingerprint(["B", "A", "A", " "]) == fingerprint(["A", "B"])
    assert fingerprint(["A"]) != fingerprint(["A", "B"])


def test_distances_in_metres():
    square = shapely.box(108.6, 37.9, 108.601, 37.901)
    assert distance_m(shapely.Point(108.6005, 37.9005), square) == 0
    north = shapely.Point(108.6005, 37.901 + 20 * METRE)
    assert distance_m(north, square) == pytest.approx(20, abs=0.5)
    assert distance_m(shapely.Point(108.6, 37.9), north) > 100


def test_expand_bbox_grows_every_side():
    grown = expand_bbox((108.6, 37.9, 108.6, 37.9), 111.32)
    assert grown[1] == pytest.approx(37.899) and grown[3] == pytest.approx(37.901)
    assert grown[0] < 108.599 and grown[2] > 108.601
