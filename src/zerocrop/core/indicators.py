"""Indicators defined once, by the app that owns the data, and read by every page that shows them.

An `Indicator` has a key, a Chinese label, a written Chinese definition shown to users next to
the figure, and `compute(*, campaign, user, unit=None) -> Ratio`, which must count only what the
user may see (the owning app's selectors already scope). Apps register theirs from
`AppConfig.ready()`; the overview, the API and the exports read `indicators_for()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ratio:
    numerator: float
    denominator: float


Compute = Callable[..., Ratio]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    compute: Compute
    unit: str = "%"  # how the ratio is shown: "%" (a share) or "" (a plain ratio)
    quantity: str = ""  # what the numerator and denominator count: "亩", "个", "份"
    order: int = 100
    decimals: int = 1


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    numerator: float
    denominator: float

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def label(self) -> str:
        return self.indicator.label

    @property
    def definition(self) -> str:
        return self.indicator.definition

    @property
    def ratio(self) -> float | None:
        """numerator / denominator, None when there is nothing to count (denominator 0)."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def formatted(self) -> str:
        if self.ratio is None:
            return "—"
        digits = self.indicator.decimals
        if self.indicator.unit == "%":
            return f"{100 * self.ratio:.{digits}f}%"
        return f"{self.ratio:.{digits}f}{self.indicator.unit}"

    @property
    def counts(self) -> str:
        """ "12.3 / 15.0 亩": the two figures the ratio comes from."""

        # Counts read as whole numbers; measures (亩) keep one decimal on both sides.
        whole = all(float(v).is_integer() for v in (self.numerator, self.denominator))
        digits = 0 if whole else 1
        suffix = f" {self.indicator.quantity}" if self.indicator.quantity else ""
        return f"{self.numerator:.{digits}f} / {self.denominator:.{digits}f}{suffix}"


_REGISTRY: dict[str, Indicator] = {}


def register_indicator(
    *,
    key: str,
    label: str,
    definition: str,
    compute: Compute,
    unit: str = "%",
    quantity: str = "",
    order: int = 100,
    decimals: int = 1,
) -> Indicator:
    if key in _REGISTRY:
        raise ValueError(f"indicator {key!r} is already registered")
    if not definition.strip():
        raise ValueError(f"indicator {key!r} needs a written definition")
    indicator = Indicator(key, label, definition, compute, unit, quantity, order, decimals)
    _REGISTRY[key] = indicator
    return indicator


def unregister_indicator(key: str) -> None:
    """For tests that register an indicator of their own."""
    _REGISTRY.pop(key, None)


def indicator_get(key: str) -> Indicator:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"unknown indicator {key!r}") from None


def indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.key))


def indicator_value(
    indicator: Indicator, *, campaign: Any, user: Any, unit: Any = None
) -> IndicatorValue:
    ratio = indicator.compute(campaign=campaign, user=user, unit=unit)
    return IndicatorValue(indicator, ratio.numerator, ratio.denominator)


def indicators_for(*, campaign: Any, user: Any, unit: Any = None) -> list[IndicatorValue]:
    """Every registered indicator of a campaign, in the user's scope (and below `unit`)."""
    return [indicator_value(i, campaign=campaign, user=user, unit=unit) for i in indicators()]
