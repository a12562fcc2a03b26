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
            coords = shapely.get_coordinates(part).tolist()  # x, y only
            times = feature.times[offset : offset + len(coords)] if feature.times else None
            offset += len(coords)
            if times is not None and len(times) != len(coords):
                times = None
            if times:
                tracks.append([Fix(x, y, t) for (x, y), t in zip(coords, times, strict=True)])
            else:
                tracks.append([Fix(x, y) for x, y in coords])
    return tracks
