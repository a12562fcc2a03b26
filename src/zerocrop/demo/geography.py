"""Synthetic demo geography for the demo town, marked 示例数据 everywhere it shows."""

from __future__ import annotations

from django.db import transaction

from zerocrop.demo.synthetic import SyntheticTown, generate_town
from zerocrop.geo.models import UnitBoundary
from zerocrop.geo.services import boundary_set, plot_create, zone_create
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit, Person
from zerocrop.org.services import person_get_or_create, unit_get_or_create

SPECIES = {"罂粟": "poppy", "大麻": "cannabis", "poppy": "poppy", "cannabis": "cannabis"}


@transaction.atomic
def demo_geography_load(*, town: AdminUnit, plot_count: int = 300, seed: int = 22) -> bool:
    """Load boundaries, grids, plots and zones for `town` once; False when already there."""
    if UnitBoundary.objects.filter(unit=town).exists():
        return False
    villages = {
        u.name: u
        for u in AdminUnit.objects.filter(
            parent=town, level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY]
        ).order_by("sort_order")
    }
    synthetic = generate_town(
        seed=seed,
        plot_count=plot_count,
        unit_names=[(name, unit.level) for name, unit in villages.items()],
    )
    boundary_set(unit=town, geometry=synthetic.boundary, is_demo=True)
    units = _load_units(synthetic, town, villages)
    people: dict[tuple[str, str], Person] = {}
    for plot in synthetic.plots:
        unit = units[plot.unit]
        person = None
        if plot.responsible:
            key = (plot.unit, plot.responsible)
            if key not in people:
                people[key] = person_get_or_create(
                    name=plot.responsible, unit=unit, title="地块包保责任人"
                )
            person = people[key]
        plot_create(
            unit=unit,
            name=plot.name,
            code=plot.code,
            kind=plot.kind,
            risk=plot.risk,
            geometry=plot.geometry,
            responsible=person,
            history=[
                {"year": h["year"], "species": SPECIES[h["species"]], "count": h.get("count")}
                for h in plot.history
            ],
            source="示例数据",
            is_demo=True,
            check_boundary=False,
        )
    for zone in synthetic.zones:
        zone_create(
            unit=units.get(zone.unit, town) if zone.unit else town,
            name=zone.name,
            code=zone.code,
            kind=zone.kind,
            geometry=zone.geometry,
            is_demo=True,
        )
    return True


def _load_units(
    synthetic: SyntheticTown, town: AdminUnit, villages: dict[str, AdminUnit]
) -> dict[str, AdminUnit]:
    units = dict(villages)
    for item in synthetic.units:
        if item.kind == "grid":
            parent = units[item.parent]
            units[item.name], _ = unit_get_or_create(
                name=item.name, level=UnitLevel.GRID, parent=parent
            )
        boundary_set(unit=units[item.name], geometry=item.boundary, is_demo=True)
    return units
