"""Where a track lies against its village and round, and the one cleaning summary (pure)."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from shapely.geometry import box

from zerocrop.patrols.track_checks import (
    outside_village_warning,
    outside_window_warning,
    placement,
    touching,
)
from zerocrop.patrols.tracks import Fix, clean_track, cleaning_summary

M_LAT = 1 / 111_132.0
VILLAGE = box(110.0, 37.0, 110.02, 37.02)  # about 1.8 km by 2.2 km


def line_east_of(km: float) -> list[tuple[float, float]]:
    lon = 110.02 + km * 1000 * M_LAT / 0.7986  # cos(37°)
    return [(lon, 37.005), (lon, 37.01)]


def test_a_track_inside_the_village_is_not_outside():
    where = placement([[(110.005, 37.005), (110.01, 37.01)]], VILLAGE)
    assert where.outside_share == 0 and where.distance_m == 0 and not where.is_outside


def test_a_track_10_km_away_is_measured_and_named():
    where = placement([line_east_of(10)], VILLAGE)
    assert where.is_outside and where.outside_share == 1
    assert 9_900 < where.distance_m < 10_100
    text = outside_village_warning(where, "毛布拉格村")
    assert "毛布拉格村" in text and "10.0 公里" in text and "东经 110.1" in text


def test_a_track_along_the_boundary_road_counts_as_inside():
    where = placement([line_east_of(0.05)], VILLAGE)  # 50 m outside, within the tolerance
    assert not where.is_outside


def test_a_track_half_out_is_named_by_its_share():
    lines = [[(110.015, 37.01), (110.03, 37.01)]]  # 5/15 in, 10/15 out (100 m tolerance)
    where = placement(lines, VILLAGE)
    assert where.is_outside and where.distance_m == 0
    assert "% 在毛布拉格村以外" in outside_village_warning(where, "毛布拉格村")


def test_touching_counts_targets_within_sight():
    near = box(110.005, 37.0051, 110.006, 37.006)
    far = box(110.015, 37.015, 110.016, 37.016)
    track = [[(110.005, 37.005), (110.006, 37.005)]]  # about 11 m south of `near`
    assert touching(track, [(near, 30.0), (far, 30.0), (near, 5.0)]) == [0]


def test_the_window_warning_names_both_periods():
    window = {"starts_on": date(2022, 6, 20), "ends_on": date(2022, 7, 31)}
    inside = outside_window_warning(
        started_on=date(2022, 7, 1), ended_on=date(2022, 7, 1), **window
    )
    assert inside is None
    text = outside_window_warning(
        started_on=date(2026, 12, 1), ended_on=date(2026, 12, 1), **window
    )
    assert text == "踏查时间 2026年12月1日 不在本轮踏查时间 2022年6月20日—2022年7月31日 内"


def test_the_cleaning_parts_add_up_to_what_was_dropped():
    rng = random.Random(9)
    t0 = datetime(2022, 7, 1, 8, tzinfo=UTC)
    seen: set[str] = set()
    for _ in range(40):
        fixes, t = [], 0.0
        for _ in range(rng.randint(0, 300)):
            t += rng.choice([1, 1, 1, 0, -3, 700])  # repeats, going back, long pauses
            jump = rng.choice([0.00001] * 20 + [0.01, 0.5, 999])  # walk, spikes, garbage
            lon = 110 + rng.random() * jump
            fixes.append(Fix(lon, 37 + rng.random() * jump, t0 + timedelta(seconds=t)))
        report = clean_track(fixes).report
        summary = cleaning_summary(asdict(report))
        assert summary.dropped == report.points_in - report.points_out
        assert ("其他", summary.dropped) not in summary.parts or summary.dropped == 0
        assert all(label != "其他" for label, _n in summary.parts)
        seen |= {label for label, _n in summary.parts}
    assert seen >= {"坐标无效", "时间重复或倒退", "超速跳点"}  # the tracks were dirty enough


def test_the_summary_text_names_every_part():
    cleaning = {
        "points_in": 1200,
        "points_out": 862,
        "dropped_invalid": 3,
        "dropped_time": 5,
        "dropped_spikes": 300,
        "dropped_speed": 28,
        "dropped_short": 2,
        "segments": 4,
    }
    text = cleaning_summary(cleaning).text
    assert text == (
        "原始 1200 点，保留 862 点，剔除 338 点（坐标无效 3、时间重复或倒退 5、漂移 300、"
        "超速跳点 28、孤立点 2）；在中断处分为 4 段"
    )
    assert "未剔除任何点" in cleaning_summary({"points_in": 5, "points_out": 5}).text


def test_an_older_report_that_does_not_add_up_shows_the_rest():
    summary = cleaning_summary({"points_in": 400, "points_out": 62, "dropped_spikes": 38})
    assert summary.dropped == 338 and dict(summary.parts) == {"漂移": 38, "其他": 300}
