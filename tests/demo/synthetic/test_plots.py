"""The synthetic town's plots: kinds, sizes, places, names, people and histories."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely import Polygon

from support.synthetic import (
    assert_no_overlaps,
    to_metric,
)
from zerocrop.demo.synthetic import (
    AREA_RANGES_M2,
    HISTORY_YEARS,
    PLOT_KINDS,
    SPECIES,
    SyntheticTown,
)

# --------------------------------------------------------------------------- plots


def test_plot_count_and_every_kind_present(town: SyntheticTown) -> None:
    assert len(town.plots) == 300
    kinds = Counter(p.kind for p in town.plots)
    assert set(kinds) == set(PLOT_KINDS) and all(count > 0 for count in kinds.values())
    assert {p.risk for p in town.plots} == {"key", "traditional", "potential"}
    assert len({p.code for p in town.plots}) == len(town.plots)


def test_plots_are_valid_inside_their_unit_and_grid(town: SyntheticTown) -> None:
    units = {u.name: u.boundary for u in town.units}
    for plot in town.plots:
        assert isinstance(plot.geometry, Polygon) and plot.geometry.is_valid
        assert units[plot.unit].contains(plot.geometry)
        assert plot.grid is not None and plot.grid.startswith(plot.unit)
        assert units[plot.grid].contains(plot.geometry)


def test_plots_do_not_overlap(town: SyntheticTown) -> None:
    assert_no_overlaps([p.geometry for p in town.plots])


def test_plot_areas_match_their_kind(town: SyntheticTown) -> None:
    areas = shapely.area(to_metric([p.geometry for p in town.plots]))
    for plot, area in zip(town.plots, areas, strict=True):
        low, high = AREA_RANGES_M2[plot.kind]
        assert low <= area <= high, (plot.code, plot.kind, area)
    farmland = [a for p, a in zip(town.plots, areas, strict=True) if p.kind == "historical"]
    assert min(farmland) >= 0.5 * 2000 / 3 and max(farmland) <= 15 * 2000 / 3


def test_greenhouses_are_long_thin_rectangles(town: SyntheticTown) -> None:
    for plot in town.plots:
        if plot.kind != "greenhouse":
            continue
        rectangle = to_metric(plot.geometry).minimum_rotated_rectangle
        coords = np.asarray(rectangle.exterior.coords)
        sides = sorted(np.linalg.norm(np.diff(coords[:3], axis=0), axis=1))
        assert sides[0] == pytest.approx(8.0, abs=0.01)
        assert 50.0 <= sides[1] <= 80.0


def test_courtyards_cluster_near_settlements(town: SyntheticTown) -> None:
    settlements = to_metric(
        shapely.multipoints([p for points in town.settlements.values() for p in points])
    )
    for plot in town.plots:
        if plot.kind == "courtyard":
            assert shapely.distance(to_metric(plot.geometry), settlements) < 1_000


def test_planting_history_only_on_historical_plots(town: SyntheticTown) -> None:
    first, last = HISTORY_YEARS
    for plot in town.plots:
        if plot.kind != "historical":
            assert plot.history == ()
            continue
        assert 0 < len(plot.history) <= 3
        years = [record["year"] for record in plot.history]
        assert years == sorted(set(years))
        for record in plot.history:
            assert set(record) == {"year", "species", "count"}
            assert first <= record["year"] <= last
            assert record["species"] in SPECIES
            assert isinstance(record["count"], int) and record["count"] > 0


def test_most_plots_have_a_responsible_person_but_not_all(town: SyntheticTown) -> None:
    historical = [p for p in town.plots if p.kind == "historical"]
    assert any(p.responsible is None for p in historical)
    assigned = [p for p in town.plots if p.responsible is not None]
    assert len(assigned) > 0.8 * len(town.plots)
    assert {p.responsible for p in assigned} <= set(town.people)


def test_plot_names_look_chinese(town: SyntheticTown) -> None:
    patterns = {
        "courtyard": r"^\w+家(庭院|菜园|房后菜地|院落)$",
        "greenhouse": r"^\w+\d+号大棚$",
        "historical": r"^\w+\d+号地$",
        "key": r"^\w+\d+号地$",
        "other": r"^\w+\d+号$",
    }
    for plot in town.plots:
        assert re.match(patterns[plot.kind], plot.name), plot.name
        assert re.match(r"^WDH-\d{2}-\d{4,}$", plot.code)
