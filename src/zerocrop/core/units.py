"""Units as people read them: the 亩 and percentages. Pure module (no Django).

One 亩 is 10000/15 m² (about 666.67 m²); every area shown or exported in 亩 goes through `mu`.
"""

from __future__ import annotations

SQUARE_METRES_PER_MU = 10000.0 / 15.0


def mu(square_metres: float, digits: int = 2) -> float:
    """Square metres in 亩, rounded to `digits` decimals."""
    return round(square_metres / SQUARE_METRES_PER_MU, digits)


def pct(ratio: float | None, digits: int = 0) -> str:
    """A ratio (0.85) as people read it ("85%"); `digits` decimals, half away from zero."""
    if ratio is None:
        return ""
    value = ratio * 100
    scale = 10**digits
    rounded = int(abs(value) * scale + 0.5 + 1e-9) / scale  # not banker's rounding: 12.5 → 13
    text = f"{rounded:.{digits}f}"
    return f"-{text}%" if value < 0 and rounded else f"{text}%"
