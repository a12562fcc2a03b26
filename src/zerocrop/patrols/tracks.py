"""GPS track cleaning before coverage is computed. Pure module: no Django.

Phones record patrol tracks with the usual faults: single-fix spikes hundreds of metres off,
jumps no walker could make, and long pauses (phone asleep, screen locked) after which the
worker reappears elsewhere. Counting the straight line across such a pause as walked ground
would invent coverage, so the track is cut there instead.

``clean_track`` works in this order:

1. drop fixes with impossible coordinates (not finite, |lat| > 90, |lon| > 180) and, when
   timestamps are given, fixes whose time does not move forward;
2. drop single-fix spikes: a fix far from both neighbours (each leg longer than
   ``spike_m``) while the neighbours are close to each other (less than half the shorter leg);
3. walk the fixes keeping each one only if it is reachable from the last kept fix at
   ``max_speed_kmh`` (default 30 km/h, foot patrols); a time gap above ``max_gap_s`` or a
   distance gap above ``max_gap_m`` starts a new segment instead. If several fixes in a row
   are unreachable but agree with each other, the earlier kept fix was the bad one: the track
   is cut and continues from them;
4. drop segments with fewer than two fixes.

Timestamps are optional: without them there is no speed test and no time gap, only spikes
and distance gaps.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_MAX_SPEED_KMH = 30.0
DEFAULT_MAX_GAP_S = 600.0
DEFAULT_MAX_GAP_M = 300.0
DEFAULT_SPIKE_M = 100.0
REANCHOR_FIXES = 3

Line = list[tuple[float, float]]


@dataclass(frozen=True)
class Fix:
    """One GPS fix: WGS84 longitude and latitude, optional time (aware or naive, not mixed)."""

    lon: float
    lat: float
    time: datetime | None = None


@dataclass(frozen=True)
class CleaningOptions:
    max_speed_kmh: float = DEFAULT_MAX_SPEED_KMH
    max_gap_s: float = DEFAULT_MAX_GAP_S
    max_gap_m: float = DEFAULT_MAX_GAP_M
    spike_m: float = DEFAULT_SPIKE_M


@dataclass
class CleaningReport:
    """What cleaning did; counts are fixes unless the name says otherwise."""

    points_in: int = 0
    points_out: int = 0
    dropped_invalid: int = 0
    dropped_time: int = 0
    dropped_spikes: int = 0
    dropped_speed: int = 0
    dropped_short: int = 0
    splits_time: int = 0
    splits_distance: int = 0
    splits_jump: int = 0
    segments: int = 0

    @property
    def points_dropped(self) -> int:
        return self.points_in - self.points_out

    def merge(self, other: CleaningReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# Why a fix was dropped, in the order cleaning drops them; together they are every dropped fix.
DROP_REASONS = (
    ("dropped_invalid", "坐标无效"),
    ("dropped_time", "时间重复或倒退"),
    ("dropped_spikes", "漂移"),
    ("dropped_speed", "超速跳点"),
    ("dropped_short", "孤立点"),
)


@dataclass(frozen=True)
class CleaningSummary:
    """The one account of a cleaning, for every place that shows it (flash, page, exports)."""

    points_in: int
    points_out: int
    parts: tuple[tuple[str, int], ...]  # (reason, fixes) of the non-zero reasons
    segments: int

    @property
    def dropped(self) -> int:
        return sum(count for _label, count in self.parts)

    @property
    def text(self) -> str:
        if self.dropped:
            parts = "、".join(f"{label} {count}" for label, count in self.parts)
            removed = f"剔除 {self.dropped} 点（{parts}）"
        else:
            removed = "未剔除任何点"
        return (
            f"原始 {self.points_in} 点，保留 {self.points_out} 点，{removed}；"
            f"在中断处分为 {self.segments} 段"
        )


def cleaning_summary(cleaning: Mapping[str, object]) -> CleaningSummary:
    """The summary of a stored `CleaningReport` (as a dict: `dataclasses.asdict`).

    The parts are the reasons; whatever the parts do not explain (a report from an older
    version of the cleaning) is shown as 其他, so that the parts always add up to the total.
    """

    def count(name: str) -> int:
        value = cleaning.get(name, 0)
        return int(value) if isinstance(value, int | float) else 0

    points_in, points_out = count("points_in"), count("points_out")
    parts = [(label, count(name)) for name, label in DROP_REASONS if count(name)]
    rest = points_in - points_out - sum(n for _label, n in parts)
    if rest > 0:
        parts.append(("其他", rest))
    return CleaningSummary(points_in, points_out, tuple(parts), count("segments"))


@dataclass
class CleanedTracks:
    lines: list[Line] = field(default_factory=list)
    report: CleaningReport = field(default_factory=CleaningReport)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _haversine_np(lon1, lat1, lon2, lat2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


@dataclass
class _Fixes:
    """Fixes as arrays; ``t`` in seconds (NaN without a time)."""

    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray

    def take(self, mask: np.ndarray) -> _Fixes:
        return _Fixes(self.lon[mask], self.lat[mask], self.t[mask])

    def __len__(self) -> int:
        return len(self.lon)


def _seconds(value: datetime | None) -> float:
    return math.nan if value is None else value.timestamp()


def _as_arrays(points: Iterable[Fix | Sequence]) -> _Fixes:
    if isinstance(points, list) and all(type(p) is Fix for p in points):
        # The usual case (fixes read from a file), without the per-point branching below.
        return _Fixes(
            np.fromiter((p.lon for p in points), float, len(points)),
            np.fromiter((p.lat for p in points), float, len(points)),
            np.fromiter((_seconds(p.time) for p in points), float, len(points)),
        )
    lon, lat, t = [], [], []
    for point in points:
        if isinstance(point, Fix):
            lon.append(point.lon)
            lat.append(point.lat)
            t.append(_seconds(point.time))
        else:
            x, y, *rest = point
            lon.append(x)
            lat.append(y)
            t.append(_seconds(rest[0] if rest else None))
    return _Fixes(np.asarray(lon, float), np.asarray(lat, float), np.asarray(t, float))


def _drop_invalid(fixes: _Fixes, report: CleaningReport) -> _Fixes:
    ok = np.isfinite(fixes.lon) & np.isfinite(fixes.lat)
    ok &= (np.abs(fixes.lon) <= 180.0) & (np.abs(fixes.lat) <= 90.0)
    report.dropped_invalid += int((~ok).sum())
    fixes = fixes.take(ok)
    timed = np.isfinite(fixes.t)
    if not timed.any():
        return fixes
    # a fix is kept when its time is later than every earlier fix's
    t = np.where(timed, fixes.t, -np.inf)
    before = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
    keep = timed & (t > before)
    report.dropped_time += int((~keep).sum())
    return fixes.take(keep)


def _drop_spikes(fixes: _Fixes, spike_m: float, report: CleaningReport) -> _Fixes:
    if len(fixes) < 3:
        return fixes
    lon, lat = fixes.lon, fixes.lat
    leg = _haversine_np(lon[:-1], lat[:-1], lon[1:], lat[1:])
    skip = _haversine_np(lon[:-2], lat[:-2], lon[2:], lat[2:])
    before, after = leg[:-1], leg[1:]
    spike = (before > spike_m) & (after > spike_m) & (skip < 0.5 * np.minimum(before, after))
    drop = np.concatenate([[False], spike, [False]])
    report.dropped_spikes += int(drop.sum())
    return fixes.take(~drop)


def _segments_fast(
    fixes: _Fixes, options: CleaningOptions, report: CleaningReport
) -> list[tuple[int, int]] | None:
    """Segments as (start, stop) index pairs when no fix is too fast to be true, else None."""
    n = len(fixes)
    if n == 0:
        return []
    dist = _haversine_np(fixes.lon[:-1], fixes.lat[:-1], fixes.lon[1:], fixes.lat[1:])
    gap = np.diff(fixes.t)
    timed = np.isfinite(gap)
    time_cut = timed & (gap > options.max_gap_s)
    too_fast = timed & ~time_cut & (dist > options.max_speed_kmh / 3.6 * np.where(timed, gap, 0))
    if too_fast.any():
        return None
    dist_cut = ~time_cut & (dist > options.max_gap_m)
    report.splits_time += int(time_cut.sum())
    report.splits_distance += int(dist_cut.sum())
    cuts = np.flatnonzero(time_cut | dist_cut) + 1
    bounds = np.concatenate([[0], cuts, [n]])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


class _Walker:
    """Step 3 fix by fix: keep reachable fixes, cut at gaps, re-anchor after a bad kept fix."""

    def __init__(self, fixes: _Fixes, options: CleaningOptions, report: CleaningReport) -> None:
        self.lon, self.lat, self.t = fixes.lon.tolist(), fixes.lat.tolist(), fixes.t.tolist()
        self.max_speed = options.max_speed_kmh / 3.6
        self.options = options
        self.report = report
        self.segments: list[list[int]] = []
        self.rejected: list[int] = []

    def run(self) -> list[list[int]]:
        for i in range(len(self.lon)):
            self._take(i)
        self._forget_rejected()
        return self.segments

    def _dist(self, i: int, j: int) -> float:
        return haversine_m(self.lon[i], self.lat[i], self.lon[j], self.lat[j])

    def _take(self, i: int) -> None:
        if not self.segments:
            self.segments.append([i])
            return
        last = self.segments[-1][-1]
        dist = self._dist(last, i)
        gap = self.t[i] - self.t[last]
        if gap > self.options.max_gap_s:
            self.report.splits_time += 1
            self._start(i)
        elif dist > self.max_speed * gap:
            self._reject(i)
        elif dist > self.options.max_gap_m:
            self.report.splits_distance += 1
            self._start(i)
        else:
            self._forget_rejected()
            self.segments[-1].append(i)

    def _start(self, i: int) -> None:
        self._forget_rejected()
        self.segments.append([i])

    def _forget_rejected(self) -> None:
        self.report.dropped_speed += len(self.rejected)
        self.rejected = []

    def _reject(self, i: int) -> None:
        if self.rejected:
            j = self.rejected[-1]
            if self._dist(j, i) > self.max_speed * (self.t[i] - self.t[j]):
                self._forget_rejected()
        self.rejected.append(i)
        if len(self.rejected) >= REANCHOR_FIXES:
            self.report.splits_jump += 1
            self.segments.append(self.rejected)
            self.rejected = []


def _index_segments(fixes: _Fixes, options: CleaningOptions, report: CleaningReport):
    fast = _segments_fast(fixes, options, report)
    if fast is not None:
        return [range(a, b) for a, b in fast]
    return _Walker(fixes, options, report).run()


def clean_track(
    points: Iterable[Fix | Sequence], options: CleaningOptions | None = None
) -> CleanedTracks:
    """Clean one recorded track into zero or more lines of (lon, lat) with a report."""
    options = options or CleaningOptions()
    fixes = _as_arrays(points)
    report = CleaningReport(points_in=len(fixes))
    fixes = _drop_invalid(fixes, report)
    fixes = _drop_spikes(fixes, options.spike_m, report)
    lon, lat = fixes.lon.tolist(), fixes.lat.tolist()
    lines: list[Line] = []
    for segment in _index_segments(fixes, options, report):
        if len(segment) < 2:
            report.dropped_short += len(segment)
            continue
        lines.append([(lon[i], lat[i]) for i in segment])
    report.segments = len(lines)
    report.points_out = sum(len(line) for line in lines)
    return CleanedTracks(lines, report)


def clean_tracks(
    tracks: Iterable[Iterable[Fix | Sequence]], options: CleaningOptions | None = None
) -> CleanedTracks:
    """Clean several tracks; the report adds up."""
    out = CleanedTracks()
    for track in tracks:
        cleaned = clean_track(track, options)
        out.lines.extend(cleaned.lines)
        out.report.merge(cleaned.report)
    return out
