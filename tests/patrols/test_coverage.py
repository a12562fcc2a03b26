"""Coverage of targets by tracks, against exact shapely geometry in the same UTM zone."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
import shapely.affinity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Polygon, box

from zerocrop.patrols.coverage import Target, TargetCoverage, compute_coverage, utm_epsg

# A local metric frame inside UTM zone 49N (EPSG:32649): the module picks the same zone from
# the data's longitude, so "exact" below is exact in the very CRS the module works in.
EPSG = 32649
ORIGIN = (400_000.0, 3_300_000.0)
_TO_WGS = Transformer.from_crs(f"EPSG:{EPSG}", "EPSG:4326", always_xy=True)
_TO_UTM = Transformer.from_crs("EPSG:4326", f"EPSG:{EPSG}", always_xy=True)


def wgs_xy(xy) -> np.ndarray:
    xy = np.asarray(xy, dtype=float)
    lon, lat = _TO_WGS.transform(xy[:, 0] + ORIGIN[0], xy[:, 1] + ORIGIN[1])
    return np.column_stack([lon, lat])


def wgs(geom):
    return shapely.transform(geom, wgs_xy)


def local(geom):
    def move(xy):
        x, y = _TO_UTM.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x - ORIGIN[0], y - ORIGIN[1]])

    return shapely.transform(geom, move)


def cover(polys, tracks, radius=30.0, **kwargs) -> list[TargetCoverage]:
    targets = [Target(str(i), wgs(p)) for i, p in enumerate(polys)]
    return compute_coverage(targets, [wgs_xy(t) for t in tracks], radius_m=radius, **kwargs)


def exact(poly, tracks, radius) -> float:
    lines = shapely.MultiLineString([np.asarray(t, float) for t in tracks])
    return poly.intersection(lines.buffer(radius, quad_segs=64)).area / poly.area


SQUARE = box(0, 0, 100, 100)


def test_frame_is_in_the_zone_the_module_picks():
    lon, lat = wgs_xy([[50, 50]])[0]
    assert utm_epsg(lon, lat) == EPSG


def test_straight_track_through_square_covers_two_r_times_length():
    (res,) = cover([SQUARE], [[(-50, 50), (150, 50)]], radius=30)
    assert res.area_m2 == pytest.approx(10_000, rel=1e-6)
    assert res.covered_m2 == pytest.approx(6_000, rel=1e-3)
    assert res.fraction == pytest.approx(0.6, abs=1e-3)


def test_track_outside_covers_nothing():
    (res,) = cover([SQUARE], [[(-200, -200), (-100, -150)]], radius=30)
    assert res.fraction == 0.0
    assert res.covered_m2 == 0.0


def test_no_tracks_covers_nothing():
    (res,) = cover([SQUARE], [], radius=30)
    assert res.fraction == 0.0


def test_plot_inside_the_buffer_is_fully_covered():
    (res,) = cover([box(40, 40, 60, 60)], [[(-50, 50), (150, 50)]], radius=30)
    assert res.fraction == 1.0


def test_track_ending_inside_includes_the_round_cap():
    (res,) = cover([SQUARE], [[(-50, 50), (50, 50)]], radius=30)
    expected = 60 * 50 + math.pi * 30**2 / 2
    assert res.covered_m2 == pytest.approx(expected, rel=2e-3)
    assert res.fraction == pytest.approx(expected / 10_000, abs=1e-3)


def test_single_fix_covers_a_disc():
    (res,) = cover([SQUARE], [[(50, 50)]], radius=20)
    assert res.covered_m2 == pytest.approx(math.pi * 400, rel=2e-3)


def test_per_target_radius_overrides_the_default():
    track = [(-50, 50), (150, 50)]
    targets = [Target("a", wgs(SQUARE)), Target("b", wgs(SQUARE), radius_m=10)]
    a, b = compute_coverage(targets, [wgs_xy(track)], radius_m=30)
    assert a.fraction == pytest.approx(0.6, abs=1e-3)
    assert b.fraction == pytest.approx(0.2, abs=1e-3)


def test_polygon_with_hole_and_multipolygon():
    holed = Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(40, 40), (60, 40), (60, 60), (40, 60)]]
    )
    multi = shapely.MultiPolygon([box(0, 0, 50, 50), box(200, 0, 250, 50)])
    track = [(-50, 50), (300, 50)]
    res = cover([holed, multi], [track], radius=15)
    assert res[0].fraction == pytest.approx(exact(holed, [track], 15), abs=1e-3)
    assert res[1].fraction == pytest.approx(exact(multi, [track], 15), abs=1e-3)


def test_results_keep_target_order_and_ids():
    targets = [Target(f"t{i}", wgs(box(i * 200, 0, i * 200 + 50, 50))) for i in range(5)]
    res = compute_coverage(targets, [wgs_xy([(0, 25), (1000, 25)])])
    assert [r.id for r in res] == [f"t{i}" for i in range(5)]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        compute_coverage([Target("l", wgs(shapely.LineString([(0, 0), (1, 1)])))], [])
    with pytest.raises(ValueError):
        compute_coverage([Target("a", wgs(SQUARE))], [], radius_m=0)
    with pytest.raises(ValueError):
        compute_coverage([Target("a", wgs(SQUARE), radius_m=-1)], [])


def test_noisy_jitter_cloud_matches_exact():
    rng = np.random.default_rng(3)
    stop = rng.normal(0, 3, (400, 2)) + (20, 30)
    lane = np.column_stack([np.linspace(-20, 120, 140), 70 + rng.normal(0, 4, 140)])
    tracks = [stop, lane]
    (res,) = cover([SQUARE], tracks, radius=25)
    assert abs(res.fraction - exact(SQUARE, tracks, 25)) < 0.005


# --------------------------------------------------------------------------- random cases

coord = st.floats(-150, 150, allow_nan=False)


@st.composite
def plots(draw) -> Polygon:
    n = draw(st.integers(3, 8))
    angles = sorted(draw(st.lists(st.floats(0, 2 * math.pi), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.floats(5, 120), min_size=n, max_size=n))
    cx, cy = draw(coord), draw(coord)
    pts = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a, r in zip(angles, radii, strict=True)]
    poly = Polygon(pts)
    if not poly.is_valid or poly.area < 50:
        return box(cx, cy, cx + 30, cy + 20)
    return poly


@st.composite
def tracks(draw) -> list[np.ndarray]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(2, 150))
        step = draw(st.floats(0.5, 25))
        out.append(rng.uniform(-150, 150, 2) + np.cumsum(rng.normal(0, step, (n, 2)), axis=0))
    return out


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@SETTINGS
@given(plots(), tracks(), st.floats(2, 60))
def test_random_cases_within_half_a_point_of_exact(poly, trks, radius):
    (res,) = cover([poly], trks, radius=radius)
    assert 0.0 <= res.fraction <= 1.0
    assert abs(res.fraction - exact(poly, trks, radius)) < 0.005


@SETTINGS
@given(plots(), tracks(), tracks(), st.floats(2, 40), st.floats(1, 30))
def test_more_track_or_larger_radius_never_loses_coverage(poly, trks, extra, radius, grow):
    (base,) = cover([poly], trks, radius=radius)
    (more,) = cover([poly], trks + extra, radius=radius)
    (wider,) = cover([poly], trks, radius=radius + grow)
    assert more.fraction >= base.fraction - 1e-3
    assert wider.fraction >= base.fraction - 1e-3


@SETTINGS
@given(plots(), tracks(), st.floats(3, 50))
def test_uncovered_part_matches_the_fraction(poly, trks, radius):
    (res,) = cover([poly], trks, radius=radius, with_uncovered=True)
    assert res.uncovered is not None and res.uncovered.is_valid
    missing = local(res.uncovered)
    assert missing.area / poly.area == pytest.approx(1.0 - res.fraction, abs=0.005)
    assert missing.difference(poly.buffer(0.01)).area < 0.001 * poly.area


@pytest.mark.parametrize("with_uncovered", [False, True])
def test_uncovered_only_below_the_threshold(with_uncovered):
    polys = [SQUARE, box(40, 40, 60, 60)]
    track = [[(-50, 50), (150, 50)]]
    res = cover(polys, track, radius=30, uncovered_below=0.9, with_uncovered=with_uncovered)
    assert res[0].uncovered is not None and not res[0].uncovered.is_empty
    assert res[1].uncovered is None
    missing = local(res[0].uncovered)
    assert missing.area == pytest.approx(4_000, rel=0.01)
    assert missing.intersection(box(0, 25, 100, 75)).area < 10.0


def test_uncovered_for_all_and_none():
    polys = [SQUARE, box(40, 40, 60, 60)]
    track = [[(-50, 50), (150, 50)]]
    everything = cover(polys, track, radius=30, with_uncovered=True)
    assert everything[1].uncovered is not None and everything[1].uncovered.is_empty
    assert all(r.uncovered is None for r in cover(polys, track, radius=30))


def test_far_away_fix_is_clipped_not_densified():
    (res,) = cover([SQUARE], [[(-50, 50), (2_000_000, 50)]], radius=30)
    assert res.fraction == pytest.approx(0.6, abs=1e-3)


def test_three_dimensional_points_are_accepted():
    track = np.column_stack([wgs_xy([(-50, 50), (150, 50)]), [1200.0, 1300.0]])
    (res,) = compute_coverage([Target("a", wgs(SQUARE))], [track], radius_m=30)
    assert res.fraction == pytest.approx(0.6, abs=1e-3)


def _random_case(seed: int, index: int):
    """The ``index``-th case drawn from one numpy stream (a regression fixture)."""
    rng = np.random.default_rng(seed)
    for i in range(index + 1):
        n = rng.integers(3, 9)
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        rad = rng.uniform(3, rng.uniform(5, 150), n)
        poly = Polygon(np.column_stack([rad * np.cos(ang), rad * np.sin(ang)]))
        if not poly.is_valid or poly.area < 1:
            continue
        radius = float(rng.uniform(2, 60))
        trks = []
        for _ in range(rng.integers(1, 4)):
            m = rng.integers(2, 200)
            start = rng.uniform(-150, 150, 2)
            trks.append(start + np.cumsum(rng.normal(0, rng.uniform(0.5, 20), (m, 2)), axis=0))
        if i == index:
            return poly, trks, radius
    raise AssertionError


@pytest.mark.parametrize(
    ("seed", "index", "area"),
    [(1, 218, 6148.319), (1, 189, 11934.636), (1, 150, 1511.552), (1, 66, 19.19464)],
)
def test_uncovered_part_survives_reprojection(seed, index, area):
    # These once lost a piece when the WGS84 ring touched itself and make_valid rebuilt it.
    poly, trks, radius = _random_case(seed, index)
    assert poly.area == pytest.approx(area)
    # placed where they were found: 300 km south of the usual test frame
    poly = shapely.affinity.translate(poly, 0, -300_000)
    trks = [t + (0, -300_000) for t in trks]
    (res,) = cover([poly], trks, radius=radius, with_uncovered=True)
    missing = local(res.uncovered)
    truth = poly.difference(shapely.MultiLineString(trks).buffer(radius, quad_segs=64))
    assert res.uncovered.is_valid
    assert missing.symmetric_difference(truth).area < 0.005 * poly.area
