"""Deterministic synthetic geography of 无定河镇 for the demo, fixtures and map benchmarks.

Pure module: no Django import. Everything is derived from one integer seed through numpy's
`SeedSequence`, so the same seed always yields byte-identical geometries. The town layout
(boundary, villages, grids, river, settlements, zones) uses its own random streams and does
not change with `plot_count`.

All metric work (areas, buffers, offsets) happens in UTM zone 49N (EPSG:32649, projected with
`zerocrop.geo.crs`); the public result is in WGS84 lon/lat. The picture it paints follows the
covert-planting patterns of domain.md §5: farmland plots cluster along the 无定河 and around
settlements, courtyards (庭院/菜园) sit inside settlements, vegetable greenhouses (大棚) stand
in east–west rows, and "other" sites are ditch banks, wood edges, waste slopes and abandoned
yards.

The modules, by job: `spec` (vocabulary, sizes, public dataclasses), `names` (personal names),
`shapes` (geometry helpers), `layout` (the town before plots), `plots` (placement and
attributes), `town` (`generate_town`).
"""

from zerocrop.demo.synthetic.names import person_names
from zerocrop.demo.synthetic.spec import (
    AREA_RANGES_M2,
    DEFAULT_UNITS,
    HISTORY_YEARS,
    METRIC_CRS,
    PLOT_KINDS,
    SPECIES,
    TOWN_NAME,
    ZONE_LABELS,
    SyntheticPlot,
    SyntheticTown,
    SyntheticUnit,
    SyntheticZone,
)
from zerocrop.demo.synthetic.town import generate_town

__all__ = [
    "AREA_RANGES_M2",
    "DEFAULT_UNITS",
    "HISTORY_YEARS",
    "METRIC_CRS",
    "PLOT_KINDS",
    "SPECIES",
    "TOWN_NAME",
    "ZONE_LABELS",
    "SyntheticPlot",
    "SyntheticTown",
    "SyntheticUnit",
    "SyntheticZone",
    "generate_town",
    "person_names",
]
