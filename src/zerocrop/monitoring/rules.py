"""Defaults of the monitoring app, read from settings when they can change."""

from __future__ import annotations

from django.conf import settings

# A target this close (metres) to another open target, a plot or a finding is linked to it.
DEFAULT_MATCH_DISTANCE_M = 50.0
MIN_VERIFIERS = 2
MIN_PHOTOS = 3
# An arrival farther than this (metres) from the target is pointed out to the reviewer.
ARRIVAL_WARN_M = 100


def match_distance_m() -> float:
    return float(getattr(settings, "ZEROCROP_TARGET_MATCH_M", DEFAULT_MATCH_DISTANCE_M))
