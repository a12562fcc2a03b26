"""The synthetic town, assembled: `generate_town` and the one projection back to WGS84.

Pure module (no Django).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import shapely
from shapely import Point
from shapely.geometry.base import BaseGeometry

from zerocrop.demo.synthetic.layout import Layout, make_layout
from zerocrop.demo.synthetic.names import person_names
from zerocrop.demo.synthetic.plots import PlotRow, finish_plots, place_plots
from zerocrop.demo.synthetic.spec import (
    DEFAULT_UNITS,
    METRIC_CRS,
    NAMES_PER_UNIT,
    TOWN_NAME,
    SyntheticPlot,
    SyntheticTown,
    SyntheticUnit,
    SyntheticZone,
    UnitKind,
)
from zerocrop.geo.crs import WGS84, project_geometry

_OUTLINE_SEGMENT_M = 40.0  # densify straight UTM edges before projecting


def _checked_units(unit_names: Sequence[tuple[str, str]]) -> tuple[tuple[str, UnitKind], ...]:
    names = [name for name, _kind in unit_names]
    if not names:
        raise ValueError("unit_names must not be empty")
    if len(set(names)) != len(names):
        raise ValueError("unit names must be unique")
    bad = {kind for _name, kind in unit_names} - {"village", "community"}
    if bad:
        raise ValueError(f"unit kinds must be 'village' or 'community', got {sorted(bad)}")
    return cast(tuple[tuple[str, UnitKind], ...], tuple(unit_names))


def _to_wgs84_all(geometries: list[BaseGeometry]) -> list[BaseGeometry]:
    """Project many geometries at once and orient polygon rings counter-clockwise."""
    if not geometries:
        return []
    array = project_geometry(np.asarray(geometries, dtype=object), METRIC_CRS, WGS84)
    return list(shapely.orient_polygons(array))


def _assemble(layout: Layout, rows: list[PlotRow], people: tuple[str, ...]) -> SyntheticTown:
    """Project everything to WGS84 in one go and build the public dataclasses."""
    # Straight UTM segments are slightly curved in lon/lat; densifying the tiling keeps the
    # outlines of neighbouring tiles and of the town within millimetres after projection.
    outlines = [layout.boundary] + [poly for _n, _k, poly in layout.units]
    outlines += [poly for _n, _p, poly in layout.grids]
    metric: list[BaseGeometry] = [layout.river]
    metric += list(shapely.segmentize(outlines, _OUTLINE_SEGMENT_M))
    metric += [zone for _k, _c, _n, zone, _u in layout.zones] + [row.geometry for row in rows]
    metric += list(shapely.points(layout.settlement_xy)) if len(layout.settlement_xy) else []
    projected = iter(_to_wgs84_all(metric))

    river, boundary = next(projected), next(projected)
    units = [SyntheticUnit(n, k, None, next(projected)) for n, k, _p in layout.units]
    units += [SyntheticUnit(n, "grid", p, next(projected)) for n, p, _g in layout.grids]
    zones = [
        SyntheticZone(code, name, kind, next(projected), unit)
        for kind, code, name, _zone, unit in layout.zones
    ]
    plots = [SyntheticPlot(**{**row._asdict(), "geometry": next(projected)}) for row in rows]
    settlements: dict[str, list[Point]] = {name: [] for name, _k, _p in layout.units}
    for owner in layout.settlement_unit:
        settlements[owner].append(next(projected))
    return SyntheticTown(
        name=TOWN_NAME,
        boundary=boundary,
        units=tuple(units),
        plots=tuple(plots),
        zones=tuple(zones),
        river=river,
        settlements={name: tuple(points) for name, points in settlements.items()},
        people=people,
    )


def generate_town(
    *,
    seed: int = 22,
    plot_count: int = 300,
    center: tuple[float, float] = (108.6, 37.9),
    unit_names: Sequence[tuple[str, str]] | None = None,
) -> SyntheticTown:
    """Generate the synthetic town; same arguments → identical output.

    `unit_names` is a sequence of (name, "village" | "community"); defaults to the 14
    villages and 2 communities of 无定河镇. `center` is (lon, lat) of the town. The layout
    (boundary, units, grids, river, settlements, zones, people) depends on `seed`, `center`
    and `unit_names` only, not on `plot_count`.
    """
    if plot_count < 0:
        raise ValueError("plot_count must be ≥ 0")
    names = _checked_units(DEFAULT_UNITS if unit_names is None else unit_names)
    layout = make_layout(seed, center, names)
    people = person_names(NAMES_PER_UNIT * len(names), seed=seed)
    plot_rng, attr_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, 2]).spawn(2)
    )
    placed = place_plots(plot_rng, layout, plot_count)
    return _assemble(layout, finish_plots(attr_rng, layout, placed, people), people)
