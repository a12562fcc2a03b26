from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zerocrop.core.admin import AuditedAdmin, yes_no_column
from zerocrop.geo.models import PlantingRecord, Plot, UnitBoundary, Zone

IS_DEMO = yes_no_column("is_demo", _("示例数据"))

GEOMETRY_TYPES = {
    "Point": _("点"),
    "MultiPoint": _("多点"),
    "LineString": _("线"),
    "MultiLineString": _("多段线"),
    "Polygon": _("多边形"),
    "MultiPolygon": _("多个多边形"),
}


def _positions(coordinates: Any) -> int:
    if (
        isinstance(coordinates, list | tuple)
        and coordinates
        and isinstance(coordinates[0], int | float)
    ):
        return 1
    return sum(_positions(c) for c in coordinates) if isinstance(coordinates, list | tuple) else 0


def geometry_text(geometry: dict[str, Any] | None) -> str:
    """GeoJSON as a reader would say it (多边形，共 24 个点), not its English keys."""
    if not geometry:
        return "-"
    kind = geometry.get("type", "")
    parts = geometry.get("coordinates") or []
    count = _positions(parts)
    name = GEOMETRY_TYPES.get(kind, kind)
    if kind.startswith("Multi"):
        return str(_("%(name)s：%(parts)d 部分，共 %(count)d 个点")) % {
            "name": name,
            "parts": len(parts),
            "count": count,
        }
    return str(_("%(name)s：共 %(count)d 个点")) % {"name": name, "count": count}


class GeometryShown:
    """Geometry is drawn on the map or imported from files; here it is described, not typed."""

    @admin.display(description=_("几何"))
    def shape(self, obj: Any) -> str:
        return geometry_text(obj.geometry)


GEOMETRY_EXCLUDED = ("geometry",)
GEOMETRY_READONLY = ("shape", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2")


class PlantingRecordInline(admin.TabularInline):
    model = PlantingRecord
    extra = 0


@admin.register(Plot)
class PlotAdmin(GeometryShown, AuditedAdmin):
    list_display = ("code", "name", "unit", "kind", "risk", "responsible", IS_DEMO, "voided_at")
    list_filter = ("kind", "risk", "is_demo", "unit")
    search_fields = ("code", "name", "responsible__name")
    readonly_fields = GEOMETRY_READONLY
    exclude = GEOMETRY_EXCLUDED
    raw_id_fields = ("responsible",)
    inlines = [PlantingRecordInline]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # plots are voided with a reason, never deleted


@admin.register(Zone)
class ZoneAdmin(GeometryShown, AuditedAdmin):
    list_display = ("code", "name", "kind", "unit", "area_m2", IS_DEMO)
    list_filter = ("kind", "is_demo")
    search_fields = ("code", "name")
    readonly_fields = GEOMETRY_READONLY
    exclude = GEOMETRY_EXCLUDED


@admin.register(UnitBoundary)
class UnitBoundaryAdmin(GeometryShown, AuditedAdmin):
    list_display = ("unit", "area_m2", IS_DEMO)
    readonly_fields = GEOMETRY_READONLY
    exclude = GEOMETRY_EXCLUDED
