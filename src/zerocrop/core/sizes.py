"""Byte sizes and how they are written for people. Pure module (no Django)."""

from __future__ import annotations

import math

KiB = 1024
MiB = 1024 * KiB


def mb(size: int, *, over: bool = False) -> str:
    """A size for people: "10 MB", "512 KB"; `over` rounds a refused size up ("10.1 MB")."""
    unit, name = (MiB, "MB") if size >= MiB else (KiB, "KB")
    if over:
        return f"{math.ceil(size / unit * 10) / 10:g} {name}"
    return f"{size / unit:.0f} {name}"
