from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zerocrop.core.admin import AuditedAdmin, yes_no_column
from zerocrop.geo.models import PlantingRecord, Plot, UnitBoundary, Zone

IS_DEMO = yes_no_column("is_demo", _("示例数据"))

# Geometry is drawn on the map or imported from files; here it is shown, not typed.
GEOMETRY_READONLY = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2")


class PlantingRecordInline(admin.TabularInline):
    model = PlantingRecord
    extra = 0


@admin.register(Plot)
class PlotAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "kind", "risk", "responsible", IS_DEMO, "voided_at")
    list_filter = ("kind", "risk", "is_demo", "unit")
    search_fields = ("code", "name", "responsible__name")
    readonly_fields = GEOMETRY_READONLY
    raw_id_fields = ("responsible",)
    inlines = [PlantingRecordInline]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # plots are voided with a reason, never deleted


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "unit", "area_m2", IS_DEMO)
    list_filter = ("kind", "is_demo")
    search_fields = ("code", "name")
    readonly_fields = GEOMETRY_READONLY


@admin.register(UnitBoundary)
class UnitBoundaryAdmin(AuditedAdmin):
    list_display = ("unit", "area_m2", IS_DEMO)
    readonly_fields = GEOMETRY_READONLY
