from __future__ import annotations

import pytest

from zerocrop.core.errors import ApplicationError
from zerocrop.findings.counting import Quadrat, estimate_plants, parse_quadrats


def test_pooled_density_times_area() -> None:
    # 30 + 10 plants in 1 + 1 m² → 20 plants/m² × 25 m² = 500
    estimate = estimate_plants(quadrats=[Quadrat(1, 30), Quadrat(1, 10)], area_m2=25)
    assert estimate.plants == 500
    assert estimate.density_per_m2 == 20
    assert estimate.sampled_m2 == 2


def test_larger_quadrats_weigh_more_than_the_mean_of_densities() -> None:
    # pooled: (40 + 10) / (4 + 1) = 10 /m²; the mean of densities would be (10 + 10) / 2 = 10 too,
    # so take a case where they differ: (40 + 1) / (4 + 1) = 8.2 vs mean (10 + 1) / 2 = 5.5
    estimate = estimate_plants(quadrats=[Quadrat(4, 40), Quadrat(1, 1)], area_m2=100)
    assert estimate.plants == 820


def test_rounds_half_up() -> None:
    assert estimate_plants(quadrats=[Quadrat(2, 1)], area_m2=5).plants == 3  # 2.5 → 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"area_m2": 0, "plants": 3}], "面积应大于 0"),
        ([{"area_m2": 1, "plants": -1}], "不能为负数"),
        ([{"area_m2": "x", "plants": 3}], "需要填写面积"),
        ([{"plants": 3}], "需要填写面积"),
    ],
)
def test_bad_quadrats_are_refused_by_number(raw, message) -> None:
    with pytest.raises(ApplicationError, match=message) as caught:
        parse_quadrats(raw)
    assert "第 1 个样方" in caught.value.message
    assert caught.value.field == "quadrats"


def test_no_quadrats_or_no_area_or_quadrats_larger_than_the_area() -> None:
    with pytest.raises(ApplicationError, match="至少需要一个样方"):
        estimate_plants(quadrats=[], area_m2=10)
    with pytest.raises(ApplicationError, match="种植面积"):
        estimate_plants(quadrats=[Quadrat(1, 3)], area_m2=0)
    with pytest.raises(ApplicationError, match="不能大于种植面积"):
        estimate_plants(quadrats=[Quadrat(5, 3), Quadrat(6, 3)], area_m2=10)
