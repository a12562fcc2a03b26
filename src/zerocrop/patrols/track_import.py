"""Turn features read from a GPX/KML/GeoJSON file into GPS fixes (pure: no Django)."""

from __future__ import annotations

from collections.abc import Sequence

import shapely

from zerocrop.geo.features import GeoFeature
from zerocrop.patrols.tracks import Fix

LINEAR = {"LineString", "MultiLineString"}


def fixes_from_features(features: Sequence[GeoFeature]) -> list[list[Fix]]:
    """One list of fixes per line; per-vertex times are kept when the file had them."""
    tracks: list[list[Fix]] = []
    for feature in features:
        if feature.geometry.geom_type not in LINEAR:
            continue
        offset = 0
        for part in shapely.get_parts(feature.geometry):
            coords = list(part.coords)
            times = feature.times[offset : offset + len(coords)] if feature.times else None
            offset += len(coords)
            if times is not None and len(times) != len(coords):
                times = None
            tracks.append(
                [Fix(x, y, times[i] if times else None) for i, (x, y, *_z) in enumerate(coords)]
            )
    return tracks
