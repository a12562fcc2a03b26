"""`{% load zerocrop %}`: `{{ m2|mu }}` (亩, `|mu:0` for whole 亩) and `{{ ratio|pct }}` ("85%").

Both come from `core.units`, so a page reads the same as an export; a value that is not a
number shows as nothing, as `widthratio` did.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from zerocrop.core import units

register = template.Library()


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def mu(square_metres: Any, digits: int = 2) -> str:
    value = _number(square_metres)
    if value is None:
        return ""
    return floatformat(value / units.SQUARE_METRES_PER_MU, int(digits))


@register.filter
def pct(ratio: Any, digits: int = 0) -> str:
    value = _number(ratio)
    return "" if value is None else units.pct(value, int(digits))
