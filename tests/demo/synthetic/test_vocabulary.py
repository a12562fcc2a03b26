"""The synthetic town speaks geo.choices: its plot, risk and zone kinds are the models' values."""

from __future__ import annotations

from zerocrop.demo.synthetic import AREA_RANGES_M2, PLOT_KINDS, ZONE_LABELS, generate_town
from zerocrop.demo.synthetic.spec import KIND_SHARES
from zerocrop.geo.choices import PlotKind, RiskClass, ZoneKind


def test_plot_kinds_are_the_plot_choices() -> None:
    assert list(PLOT_KINDS) == list(PlotKind.values)
    assert set(AREA_RANGES_M2) == set(KIND_SHARES) == set(PlotKind.values)


def test_zone_names_end_in_the_zone_kind_label() -> None:
    assert {kind.value: kind.label for kind in ZoneKind} == ZONE_LABELS


def test_generated_kinds_are_valid_choices() -> None:
    town = generate_town(plot_count=60)
    assert {plot.kind for plot in town.plots} <= set(PlotKind.values)
    assert {plot.risk for plot in town.plots} <= set(RiskClass.values)
    assert {zone.kind for zone in town.zones} <= set(ZoneKind.values)
    for zone in town.zones:
        assert zone.name.endswith(ZoneKind(zone.kind).label), zone.name
