from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.geo.models import Plot, UnitBoundary, Zone


def bbox_q(bbox: tuple[float, float, float, float]) -> Q:
    min_lon, min_lat, max_lon, max_lat = bbox
    return Q(max_lon__gte=min_lon, min_lon__lte=max_lon, max_lat__gte=min_lat, min_lat__lte=max_lat)


def plot_list(
    *,
    user: Any,
    unit_id: Any = None,
    kind: str = "",
    risk: str = "",
    responsible_id: Any = None,
    unassigned: bool = False,
    query: str = "",
    bbox: tuple[float, float, float, float] | None = None,
    include_void: bool = False,
) -> QuerySet[Plot]:
    plots = visible_to(Plot.objects.select_related("unit", "responsible"), user)
    if not include_void:
        plots = plots.filter(voided_at__isnull=True)
    if unit_id:
        plots = plots.filter(unit_id=unit_id)
    if kind:
        plots = plots.filter(kind=kind)
    if risk:
        plots = plots.filter(risk=risk)
    if responsible_id:
        plots = plots.filter(responsible_id=responsible_id)
    if unassigned:
        plots = plots.filter(responsible__isnull=True)
    if query:
        plots = plots.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(responsible__name__icontains=query)
        )
    if bbox is not None:
        plots = plots.filter(bbox_q(bbox))
    return plots


def plot_get(*, user: Any, plot_id: Any, with_voider: bool = False) -> Plot:
    """A plot the user may see, voided ones included (its page says it is void)."""
    plots = Plot.objects.select_related("unit", "responsible")
    if with_voider:
        plots = plots.select_related("voided_by__person")
    return get_visible_or_404(plots, user, pk=plot_id)


def unassigned_historical_count(*, user: Any, unit: Any = None) -> int:
    plots = plot_list(user=user, kind="historical", unassigned=True)
    if unit is not None:
        plots = plots.filter(unit__path__startswith=unit.path)
    return plots.count()


def zone_list(
    *, user: Any, bbox: tuple[float, float, float, float] | None = None
) -> QuerySet[Zone]:
    """Zones of the user's units and of the units above (a town's key areas cross villages)."""
    zones = Zone.objects.select_related("unit")
    if not (user.is_superuser and user.unit_id is None):
        if user.unit_id is None:
            return zones.none()
        ancestors = [p for p in user.unit.path.split("/") if p]
        zones = zones.filter(Q(unit_id__in=ancestors) | Q(unit__path__startswith=user.unit.path))
    if bbox is not None:
        zones = zones.filter(bbox_q(bbox))
    return zones


def boundary_list(
    *, user: Any, bbox: tuple[float, float, float, float] | None = None
) -> QuerySet[UnitBoundary]:
    boundaries = visible_to(UnitBoundary.objects.select_related("unit"), user)
    if bbox is not None:
        boundaries = boundaries.filter(bbox_q(bbox))
    return boundaries
