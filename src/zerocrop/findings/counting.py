"""Plant counts estimated from sample quadrats (样方推算).

Pure module: no Django. The 立案追诉标准 accepts a count estimated by sampling when the plants
are too many to count one by one. Each quadrat is a small measured square in which every plant
is counted; the estimate is

    density = Σ plants in the quadrats / Σ quadrat area (m²)
    plants  = ⌊density × planted area (m²) + 0.5⌋   (rounded half up)

so larger quadrats weigh more than smaller ones (the pooled density, not the mean of densities).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zerocrop.core.errors import ApplicationError

MAX_QUADRATS = 50


@dataclass(frozen=True)
class Quadrat:
    area_m2: float
    plants: int


@dataclass(frozen=True)
class Estimate:
    plants: int
    density_per_m2: float
    sampled_m2: float


def parse_quadrats(raw: Iterable[Mapping[str, object]]) -> list[Quadrat]:
    """Quadrats from [{area_m2, plants}], refusing what cannot be a measured square."""
    quadrats = []
    for number, item in enumerate(raw, start=1):
        try:
            area = float(item["area_m2"])  # type: ignore[arg-type]
            plants = int(item["plants"])  # type: ignore[call-overload]
        except (KeyError, TypeError, ValueError):
            raise ApplicationError(
                f"第 {number} 个样方需要填写面积（平方米）和株数", field="quadrats"
            ) from None
        if not 0 < area <= 10_000:
            raise ApplicationError(
                f"第 {number} 个样方的面积应大于 0 且不超过 10000 平方米", field="quadrats"
            )
        if plants < 0:
            raise ApplicationError(f"第 {number} 个样方的株数不能为负数", field="quadrats")
        quadrats.append(Quadrat(area, plants))
    if len(quadrats) > MAX_QUADRATS:
        raise ApplicationError(f"样方最多 {MAX_QUADRATS} 个", field="quadrats")
    return quadrats


def estimate_plants(*, quadrats: Iterable[Quadrat], area_m2: float) -> Estimate:
    """Pooled density of the quadrats × the planted area (see the module docstring)."""
    quadrats = list(quadrats)
    if not quadrats:
        raise ApplicationError("样方推算至少需要一个样方", field="quadrats")
    if area_m2 <= 0:
        raise ApplicationError("样方推算需要填写种植面积（平方米）", field="area_m2")
    sampled = sum(q.area_m2 for q in quadrats)
    if sampled > area_m2:
        raise ApplicationError("样方总面积不能大于种植面积", field="quadrats")
    density = sum(q.plants for q in quadrats) / sampled
    return Estimate(
        plants=math.floor(density * area_m2 + 0.5), density_per_m2=density, sampled_m2=sampled
    )
