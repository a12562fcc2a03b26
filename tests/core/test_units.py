"""亩 and percentages in one place, and the template filters that show them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from zerocrop.core.units import SQUARE_METRES_PER_MU, mu, pct


def test_one_mu_is_a_fifteenth_of_a_hectare() -> None:
    assert pytest.approx(10_000) == SQUARE_METRES_PER_MU * 15
    assert mu(10_000) == 15.0
    assert mu(1000) == 1.5
    assert mu(1234.5, 1) == 1.9


@pytest.mark.parametrize(
    ("ratio", "digits", "shown"),
    [
        (0.85, 0, "85%"),
        (0.8, 0, "80%"),
        (1.0, 0, "100%"),
        (0.0, 0, "0%"),
        (0.125, 0, "13%"),  # half away from zero, as people round
        (0.145, 1, "14.5%"),
        (0.12345, 1, "12.3%"),
        (0.9999, 1, "100.0%"),
        (-0.05, 0, "-5%"),
        (None, 0, ""),
    ],
)
def test_pct(ratio: float | None, digits: int, shown: str) -> None:
    assert pct(ratio, digits) == shown


def render(source: str, **context: object) -> str:
    return Template("{% load zerocrop %}" + source).render(Context(context))


def test_filters_read_as_widthratio_did() -> None:
    assert render("{{ r|pct }}", r=0.85) == "85%"
    assert render("{{ r|pct:1 }}", r=0.8123) == "81.2%"
    assert render("{{ m|mu }}", m=10_000) == "15.00"
    assert render("{{ m|mu:0 }}", m=2000) == "3"
    assert render("{{ m|mu:1 }}", m=1000) == "1.5"
    assert render("[{{ r|pct }}][{{ m|mu }}]", r="x", m=None) == "[][]"
