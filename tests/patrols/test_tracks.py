"""GPS track cleaning: spikes, impossible jumps, gaps, optional timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zerocrop.patrols.tracks import (
    CleaningOptions,
    Fix,
    clean_track,
    clean_tracks,
    haversine_m,
)

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
LON0, LAT0 = 110.0, 30.0
M_LAT = 1 / 111_195.0  # degrees of latitude per metre


def north(metres: float, seconds: float | None, east: float = 0.0) -> Fix:
    """A fix ``metres`` north (and ``east`` metres east) of the origin at T0 + seconds."""
    lon = LON0 + east * M_LAT / 0.8660254
    time = None if seconds is None else T0 + timedelta(seconds=seconds)
    return Fix(lon, LAT0 + metres * M_LAT, time)


def walk(n: int, *, step_m: float = 1.2, start_s: float = 0.0, start_m: float = 0.0) -> list[Fix]:
    return [north(start_m + i * step_m, start_s + i) for i in range(n)]


def test_haversine_metre_scale():
    assert haversine_m(LON0, LAT0, LON0, LAT0 + 1000 * M_LAT) == pytest.approx(1000, rel=1e-3)


def test_clean_walk_is_untouched():
    out = clean_track(walk(50))
    assert len(out.lines) == 1 and len(out.lines[0]) == 50
    assert out.report.points_dropped == 0 and out.report.segments == 1


def test_single_spike_is_dropped_with_and_without_time():
    fixes = walk(20)
    fixes[10] = north(12, 10, east=800)
    for points in (fixes, [Fix(f.lon, f.lat) for f in fixes]):
        out = clean_track(points)
        assert out.report.dropped_spikes == 1
        assert len(out.lines) == 1 and len(out.lines[0]) == 19
        assert (fixes[10].lon, fixes[10].lat) not in out.lines[0]


def test_impossible_jump_is_dropped_by_speed():
    fixes = walk(30)
    # 60 m away one second later (216 km/h), then three more fixes back on the path
    fixes[15] = north(15 * 1.2, 15, east=60)
    out = clean_track(fixes)
    assert out.report.dropped_speed + out.report.dropped_spikes == 1
    assert out.report.points_out == 29


def test_speed_limit_is_configurable():
    fast = walk(20, step_m=10.0)  # 36 km/h
    assert clean_track(fast).report.points_out < 20
    relaxed = clean_track(fast, CleaningOptions(max_speed_kmh=50))
    assert relaxed.report.points_out == 20


def test_long_time_gap_splits():
    fixes = walk(10) + walk(10, start_s=10 + 15 * 60, start_m=12 + 50)
    out = clean_track(fixes)
    assert out.report.splits_time == 1
    assert [len(line) for line in out.lines] == [10, 10]


def test_long_distance_gap_splits_without_timestamps():
    fixes = [Fix(f.lon, f.lat) for f in walk(10) + walk(10, start_m=12 + 500)]
    out = clean_track(fixes)
    assert out.report.splits_distance == 1
    assert [len(line) for line in out.lines] == [10, 10]


def test_short_segments_are_dropped():
    fixes = walk(10) + [north(5000, 2000)] + walk(5, start_s=4000, start_m=9000)
    out = clean_track(fixes)
    assert [len(line) for line in out.lines] == [10, 5]
    assert out.report.dropped_short == 1


def test_bad_first_fix_does_not_swallow_the_track():
    fixes = [north(0, 0, east=250), *walk(30, start_s=1)]
    out = clean_track(fixes)
    assert out.report.splits_jump == 1
    assert out.report.points_out == 30
    assert len(out.lines) == 1


def test_invalid_and_backwards_fixes_are_dropped():
    fixes = walk(10)
    fixes.insert(5, Fix(float("nan"), 30.0, T0))
    fixes.insert(7, Fix(200.0, 30.0, T0 + timedelta(seconds=6)))
    fixes.insert(8, north(6, 2))  # time goes back
    out = clean_track(fixes)
    assert out.report.dropped_invalid == 2
    assert out.report.dropped_time == 1
    assert out.report.points_out == 10


def test_tuples_are_accepted_and_reports_add_up():
    a = [(f.lon, f.lat, f.time) for f in walk(10)]
    b = [(f.lon, f.lat) for f in walk(5, start_m=100)]
    out = clean_tracks([a, b])
    assert out.report.points_in == 15 and out.report.points_out == 15
    assert out.report.segments == 2 and len(out.lines) == 2
    assert out.lines[1][0] == pytest.approx((LON0, LAT0 + 100 * M_LAT))


def test_without_timestamps_there_is_no_speed_test():
    fast = [Fix(f.lon, f.lat) for f in walk(20, step_m=50.0)]  # 180 km/h if it were 1 Hz
    out = clean_track(fast)
    assert out.report.points_out == 20
    assert out.report.dropped_speed == 0


def test_jump_then_gap_in_one_track():
    fixes = walk(20)
    fixes[8] = north(8 * 1.2, 8, east=90)  # one impossible fix
    fixes += walk(10, start_s=20 + 11 * 60, start_m=30)  # resumes after 11 minutes
    out = clean_track(fixes)
    assert out.report.dropped_speed + out.report.dropped_spikes == 1
    assert out.report.splits_time == 1
    assert [len(line) for line in out.lines] == [19, 10]
