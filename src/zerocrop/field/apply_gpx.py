"""A patrol's fixes as segments split at its gaps, and those segments as a GPX file.

Pure module: no Django. The phone records gaps (the page was hidden, no fix, paused) as gaps;
the server never joins the two sides of one (docs/field-sync.md "patrol"), so each gap starts
a new GPX track segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

GPX_CREATOR = "ZeroCrop field app"


@dataclass(frozen=True)
class TrackFix:
    lon: float
    lat: float
    time: datetime | None = None
    acc: float | None = None


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime


def split_at_gaps(fixes: Sequence[TrackFix], gaps: Sequence[Gap]) -> list[list[TrackFix]]:
    """The fixes in their order, cut wherever a gap lies between two consecutive fixes."""
    segments: list[list[TrackFix]] = []
    current: list[TrackFix] = []
    previous: TrackFix | None = None
    for fix in fixes:
        if previous is not None and _gap_between(previous, fix, gaps):
            segments.append(current)
            current = []
        current.append(fix)
        previous = fix
    if current:
        segments.append(current)
    return [segment for segment in segments if segment]


def _gap_between(before: TrackFix, after: TrackFix, gaps: Sequence[Gap]) -> bool:
    if before.time is None or after.time is None:
        return False
    return any(gap.start < after.time and gap.end > before.time for gap in gaps)


def _time(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def to_gpx(segments: Sequence[Sequence[TrackFix]], *, name: str) -> bytes:
    """One GPX 1.1 track with a segment per part, times in UTC."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gpx version="1.1" creator="{GPX_CREATOR}" xmlns="http://www.topografix.com/GPX/1/1">',
        f"<trk><name>{escape(name)}</name>",
    ]
    for segment in segments:
        lines.append("<trkseg>")
        for fix in segment:
            point = f'<trkpt lat="{fix.lat:.7f}" lon="{fix.lon:.7f}">'
            if fix.time is not None:
                point += f"<time>{_time(fix.time)}</time>"
            lines.append(point + "</trkpt>")
        lines.append("</trkseg>")
    lines.append("</trk></gpx>")
    return ("\n".join(lines) + "\n").encode("utf-8")
