"""Deadlines and the few limits of findings, read from settings where they are configurable."""

from __future__ import annotations

from django.conf import settings

from zerocrop.findings.states import Deadlines

MAX_PLANTS = 10_000_000
MAX_AREA_M2 = 10_000_000.0


def deadlines() -> Deadlines:
    return Deadlines(
        eradicate_days=int(getattr(settings, "ZEROCROP_ERADICATE_DAYS", 3)),
        recheck_days=int(getattr(settings, "ZEROCROP_RECHECK_DAYS", 7)),
    )
