"""A photo's EXIF claim set against what the server knows (pure: no Django).

EXIF time and GPS are what the camera *claims* (unsigned, easy to edit); the receipt time is the
server's. The checks answer how far apart they are: the claimed time from the receipt, the
claimed position from the finding, and from the nearest patrol track of the uploader. A large
difference is flagged in Chinese for a person to look at; it is never a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zerocrop.geo.crs import haversine_m

Line = Sequence[tuple[float, float]]  # (lon, lat) WGS84

# Photos are often uploaded at the office after the patrol: a day apart is normal.
TIME_LIMIT = timedelta(hours=24)
# A camera clock a little ahead of the server's is normal too.
AHEAD_LIMIT = timedelta(minutes=10)
FINDING_LIMIT_M = 300.0
TRACK_LIMIT_M = 500.0
EARTH_M_PER_DEGREE = 111_195.0


@dataclass(frozen=True)
class PhotoCheck:
    taken_at: datetime | None  # the claim, local wall time (EXIF has no zone)
    lon: float | None
    lat: float | None
    received_at: datetime  # the server's receipt, local wall time
    time_difference: timedelta | None  # received minus taken
    to_finding_m: float | None
    to_track_m: float | None
    tracks: int  # how many tracks were compared
    flags: list[str] = field(default_factory=list)  # Chinese, each a large difference
    notes: list[str] = field(default_factory=list)  # Chinese, what could not be checked

    @property
    def has_gps(self) -> bool:
        return self.lon is not None and self.lat is not None

    @property
    def time_difference_text(self) -> str:
        """晚 3 小时上传 / 早 12 分钟 (the camera ahead of the server), or "" without a claim."""
        if self.time_difference is None:
            return ""
        if self.time_difference < timedelta(0):
            return f"拍摄时间晚于上传 {duration_text(self.time_difference)}"
        return f"拍摄后 {duration_text(self.time_difference)}上传"

    @property
    def to_finding_text(self) -> str:
        return "" if self.to_finding_m is None else distance_text(self.to_finding_m)

    @property
    def to_track_text(self) -> str:
        return "" if self.to_track_m is None else distance_text(self.to_track_m)


def duration_text(delta: timedelta) -> str:
    """3 天 / 5 小时 / 25 分钟, rounded down, for a non-negative span."""
    seconds = abs(delta.total_seconds())
    if seconds >= 86400:
        return f"{int(seconds // 86400)} 天"
    if seconds >= 3600:
        return f"{int(seconds // 3600)} 小时"
    return f"{int(seconds // 60)} 分钟"


def distance_text(metres: float) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f} 公里"
    return f"{round(metres)} 米"


def _to_segment_m(lon: float, lat: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    # A local equirectangular plane around the photo: exact enough within tens of kilometres.
    kx = EARTH_M_PER_DEGREE * math.cos(math.radians(lat))
    ky = EARTH_M_PER_DEGREE
    ax, ay = (a[0] - lon) * kx, (a[1] - lat) * ky
    bx, by = (b[0] - lon) * kx, (b[1] - lat) * ky
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy)


def distance_to_lines_m(lon: float, lat: float, lines: Sequence[Line]) -> float | None:
    """The shortest distance from a point to any segment (or lone point) of the lines."""
    best: float | None = None
    for line in lines:
        points = [(float(p[0]), float(p[1])) for p in line]
        if len(points) == 1:
            points = points * 2
        for a, b in zip(points, points[1:], strict=False):
            d = _to_segment_m(lon, lat, a, b)
            if best is None or d < best:
                best = d
    return best


def check_photo(
    *,
    taken_at: datetime | None,
    lon: float | None,
    lat: float | None,
    received_at: datetime,
    finding_lon: float,
    finding_lat: float,
    tracks: Sequence[Sequence[Line]],
) -> PhotoCheck:
    """Compare one photo's claim with its receipt, the finding and the uploader's tracks.

    Both times are naive local wall times; `tracks` are the uploader's patrol tracks, each a
    list of lines of (lon, lat).
    """
    flags: list[str] = []
    notes: list[str] = []
    difference = None
    if taken_at is None:
        notes.append("照片未记录拍摄时间，无法与上传时间比对")
    else:
        difference = received_at - taken_at
        if difference > TIME_LIMIT:
            flags.append(f"拍摄时间与上传时间相差 {duration_text(difference)}")
        elif -difference > AHEAD_LIMIT:
            flags.append(f"拍摄时间晚于上传时间 {duration_text(difference)}（相机时钟可能不准）")
    to_finding = to_track = None
    if lon is None or lat is None:
        notes.append("照片未记录 GPS 位置，无法与发现点和踏查轨迹比对")
    else:
        to_finding = float(haversine_m(lon, lat, finding_lon, finding_lat))
        if to_finding > FINDING_LIMIT_M:
            flags.append(f"拍摄位置距发现点 {distance_text(to_finding)}")
        lines = [line for track in tracks for line in track]
        to_track = distance_to_lines_m(lon, lat, lines) if lines else None
        if to_track is None:
            notes.append("同一行动中没有上传人的踏查轨迹可比对")
        elif to_track > TRACK_LIMIT_M:
            flags.append(f"拍摄位置距上传人最近的踏查轨迹 {distance_text(to_track)}")
    return PhotoCheck(
        taken_at=taken_at,
        lon=lon,
        lat=lat,
        received_at=received_at,
        time_difference=difference,
        to_finding_m=to_finding,
        to_track_m=to_track,
        tracks=len(tracks),
        flags=flags,
        notes=notes,
    )
