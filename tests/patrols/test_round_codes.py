"""Task codes in a round never collide, whatever codes the plots and zones carry."""

from __future__ import annotations

import pytest

from zerocrop.geo.models import Plot, Zone
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.services import round_create

pytestmark = pytest.mark.django_db


def _round(campaign, *names: str, name: str = "编号"):
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    units = [AdminUnit.objects.get(name=n) for n in names]
    return round_create(campaign=campaign, window=window, name=name, units=units)


def test_the_same_plot_code_in_two_villages_gives_two_qualified_tasks(demo_campaign):
    a = Plot.objects.filter(unit__name="毛布拉格村").exclude(code="").first()
    b = Plot.objects.filter(unit__name="王窑湾村").exclude(code="").first()
    b.code = a.code  # allowed: codes are unique per village
    b.save(update_fields=["code"])
    survey_round = _round(demo_campaign, "毛布拉格村", "王窑湾村")
    codes = list(survey_round.cells.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert survey_round.cells.get(plot=a).code == f"毛布拉格村-{a.code}"
    assert survey_round.cells.get(plot=b).code == f"王窑湾村-{a.code}"


def test_a_plot_coded_like_a_grid_cell_and_zones_sharing_a_code_do_not_collide(demo_campaign):
    first = _round(demo_campaign, "王窑湾村", name="先")
    grid = first.cells.filter(kind="grid").order_by("code").first()
    plot = Plot.objects.filter(unit__name="王窑湾村").exclude(code="").first()
    plot.code = grid.code
    plot.save(update_fields=["code"])
    zones = Zone.objects.filter(pk__in=first.zones.all())
    zones.update(code="同号")
    survey_round = _round(demo_campaign, "王窑湾村", name="后")
    codes = list(survey_round.cells.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    grid_cells = survey_round.cells.filter(kind="grid")
    # every zone still gets its cells (none lost to a shared code)
    assert set(grid_cells.values_list("zone", flat=True)) == set(
        first.cells.filter(kind="grid").values_list("zone", flat=True)
    )
    assert grid_cells.count() == first.cells.filter(kind="grid").count()
