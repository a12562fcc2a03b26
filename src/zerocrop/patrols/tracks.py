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
from collections.abc import Iterable, Sequence
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


def _as_fix(point: Fix | Sequence) -> Fix:
    if isinstance(point, Fix):
        return point
    lon, lat, *rest = point
    return Fix(float(lon), float(lat), rest[0] if rest else None)


def _valid(fix: Fix) -> bool:
    return (
        math.isfinite(fix.lon)
        and math.isfinite(fix.lat)
        and -180.0 <= fix.lon <= 180.0
        and -90.0 <= fix.lat <= 90.0
    )


def _drop_invalid(fixes: list[Fix], report: CleaningReport) -> list[Fix]:
    good = [f for f in fixes if _valid(f)]
    report.dropped_invalid += len(fixes) - len(good)
    if not any(f.time is not None for f in good):
        return [Fix(f.lon, f.lat) for f in good]
    ordered: list[Fix] = []
    for fix in good:
        if fix.time is None or (ordered and fix.time <= ordered[-1].time):
            report.dropped_time += 1
            continue
        ordered.append(fix)
    return ordered


def _drop_spikes(fixes: list[Fix], spike_m: float, report: CleaningReport) -> list[Fix]:
    if len(fixes) < 3:
        return fixes
    lon = np.array([f.lon for f in fixes])
    lat = np.array([f.lat for f in fixes])
    leg = _haversine_np(lon[:-1], lat[:-1], lon[1:], lat[1:])
    skip = _haversine_np(lon[:-2], lat[:-2], lon[2:], lat[2:])
    before, after = leg[:-1], leg[1:]
    spike = (before > spike_m) & (after > spike_m) & (skip < 0.5 * np.minimum(before, after))
    drop = np.concatenate([[False], spike, [False]])
    report.dropped_spikes += int(drop.sum())
    return [f for f, d in zip(fixes, drop, strict=True) if not d]


class _Walker:
    """Step 3: keep reachable fixes, cut at gaps, re-anchor after a bad kept fix."""

    def __init__(self, options: CleaningOptions, report: CleaningReport) -> None:
        self.max_speed = options.max_speed_kmh / 3.6
        self.options = options
        self.report = report
        self.segments: list[list[Fix]] = []
        self.rejected: list[Fix] = []

    def run(self, fixes: list[Fix]) -> list[list[Fix]]:
        for fix in fixes:
            self._take(fix)
        self.report.dropped_speed += len(self.rejected)
        return self.segments

    def _take(self, fix: Fix) -> None:
        if not self.segments:
            self.segments.append([fix])
            return
        last = self.segments[-1][-1]
        dist = haversine_m(last.lon, last.lat, fix.lon, fix.lat)
        if fix.time is not None and last.time is not None:
            gap = (fix.time - last.time).total_seconds()
            if gap > self.options.max_gap_s:
                self._cut(fix, "time")
                return
            if dist > self.max_speed * gap:
                self._reject(fix)
                return
        if dist > self.options.max_gap_m:
            self._cut(fix, "distance")
            return
        self.report.dropped_speed += len(self.rejected)
        self.rejected = []
        self.segments[-1].append(fix)

    def _cut(self, fix: Fix, why: str) -> None:
        if why == "time":
            self.report.splits_time += 1
        else:
            self.report.splits_distance += 1
        self.report.dropped_speed += len(self.rejected)
        self.rejected = []
        self.segments.append([fix])

    def _reject(self, fix: Fix) -> None:
        if self.rejected and not self._reachable(self.rejected[-1], fix):
            self.report.dropped_speed += len(self.rejected)
            self.rejected = []
        self.rejected.append(fix)
        if len(self.rejected) >= REANCHOR_FIXES:
            self.report.splits_jump += 1
            self.segments.append(self.rejected)
            self.rejected = []

    def _reachable(self, a: Fix, b: Fix) -> bool:
        gap = (b.time - a.time).total_seconds()
        return haversine_m(a.lon, a.lat, b.lon, b.lat) <= self.max_speed * gap


def clean_track(
    points: Iterable[Fix | Sequence], options: CleaningOptions | None = None
) -> CleanedTracks:
    """Clean one recorded track into zero or more lines of (lon, lat) with a report."""
    options = options or CleaningOptions()
    fixes = [_as_fix(p) for p in points]
    report = CleaningReport(points_in=len(fixes))
    fixes = _drop_invalid(fixes, report)
    fixes = _drop_spikes(fixes, options.spike_m, report)
    segments = _Walker(options, report).run(fixes)
    lines: list[Line] = []
    for segment in segments:
        if len(segment) < 2:
            report.dropped_short += len(segment)
            continue
        lines.append([(f.lon, f.lat) for f in segment])
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
