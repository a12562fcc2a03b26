"""Where an uploaded track lies against the patrol it is said to record. Pure module: no Django.

A track that lies outside the chosen village or outside the round's dates would pad the record
if it were accepted without a word: these functions measure it, the upload view asks the user
to confirm and the patrol keeps the warning. Distances are measured in a local equirectangular
projection (metres), which is precise to well under 1 % over a township.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import shapely
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

M_PER_DEG_LAT = 111_132.0
# A track this far outside the outline still counts as inside (GPS error, a boundary road).
TOLERANCE_M = 100.0
# A track counts as "outside the village" when more than this share of its length is outside.
OUTSIDE_SHARE = 0.5

Line = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Placement:
    """How a track lies against a village outline."""

    outside_share: float  # of the track's length, 0..1
    distance_m: float  # from the track to the outline (0 when they touch)
    bounds: tuple[float, float, float, float]  # the track's lon/lat box

    @property
    def is_outside(self) -> bool:
        return self.outside_share > OUTSIDE_SHARE


def _to_metres(geometry: BaseGeometry, lat0: float) -> BaseGeometry:
    scale_x = M_PER_DEG_LAT * math.cos(math.radians(lat0))

    def project(coords):  # noqa: ANN001, ANN202 - numpy array in, array out
        out = coords.copy()
        out[:, 0] *= scale_x
        out[:, 1] *= M_PER_DEG_LAT
        return out

    return shapely.transform(geometry, project)


def track_geometry(lines: Sequence[Line]) -> MultiLineString:
    return MultiLineString([list(line) for line in lines if len(line) >= 2])


def placement(lines: Sequence[Line], outline: BaseGeometry) -> Placement:
    """How much of the track lies outside `outline` (lon/lat), and how far from it."""
    track = track_geometry(lines)
    lat0 = (track.bounds[1] + track.bounds[3]) / 2
    track_m, outline_m = _to_metres(track, lat0), _to_metres(outline, lat0)
    total = track_m.length
    outside = track_m.difference(outline_m.buffer(TOLERANCE_M)).length if total else 0.0
    return Placement(
        outside_share=outside / total if total else 0.0,
        distance_m=float(track_m.distance(outline_m)),
        bounds=tuple(track.bounds),  # type: ignore[arg-type]
    )


def touching(lines: Sequence[Line], targets: Sequence[tuple[BaseGeometry, float]]) -> list[int]:
    """Indexes of the targets (geometry, sight radius in metres) the track passes within."""
    track = track_geometry(lines)
    if track.is_empty:
        return []
    lat0 = (track.bounds[1] + track.bounds[3]) / 2
    track_m = _to_metres(track, lat0)
    return [
        index
        for index, (geometry, radius_m) in enumerate(targets)
        if track_m.distance(_to_metres(geometry, lat0)) <= radius_m
    ]


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{metres:.0f} 米"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def outside_village_warning(where: Placement, village: str) -> str:
    """The Chinese warning for a track mostly outside `village`."""
    min_lon, min_lat, max_lon, max_lat = where.bounds
    lying = (
        f"距{village}边界约 {_distance(where.distance_m)}"
        if where.distance_m > 0
        else f"{round(100 * where.outside_share)}% 在{village}以外"
    )
    return (
        f"轨迹不在所选的{village}内：{lying}"
        f"（轨迹范围 东经 {min_lon:.4f}–{max_lon:.4f}，北纬 {min_lat:.4f}–{max_lat:.4f}）"
    )


def outside_window_warning(
    *, started_on: date, ended_on: date, starts_on: date, ends_on: date
) -> str | None:
    """The Chinese warning for a patrol not within the round's dates, or None."""
    if starts_on <= started_on and ended_on <= ends_on:
        return None
    walked = _day(started_on) if started_on == ended_on else f"{_day(started_on)}—{_day(ended_on)}"
    return f"踏查时间 {walked} 不在本轮踏查时间 {_day(starts_on)}—{_day(ends_on)} 内"
