from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zerocrop.core.admin import AuditedAdmin
from zerocrop.geo.admin import GeometryShown, geometry_text
from zerocrop.geo.choices import PlotKind
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell


def radius_text(radius_by_kind: dict[str, Any]) -> str:
    """{"courtyard": 20} as 庭院 20 米."""
    if not radius_by_kind:
        return "-"
    labels = dict(PlotKind.choices)
    return "、".join(f"{labels.get(k, k)} {v} 米" for k, v in radius_by_kind.items())


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedAdmin):
    list_display = ("name", "campaign", "window", "starts_on", "ends_on", "threshold", "status")
    list_filter = ("campaign", "status")
    filter_horizontal = ("units",)
    # Per-kind sight distances are set when the round is created; here they are read.
    exclude = ("zones", "radius_by_kind")
    readonly_fields = ("radius_by_kind_text",)

    @admin.display(description=_("各类地块视距"))
    def radius_by_kind_text(self, obj: SurveyRound) -> str:
        return radius_text(obj.radius_by_kind)


@admin.register(TaskCell)
class TaskCellAdmin(GeometryShown, AuditedAdmin):
    """Read-only: cells change state through the survey pages, where the rules are checked."""

    exclude = ("geometry", "uncovered")
    readonly_fields = ("shape", "uncovered_text")

    list_display = ("code", "round", "unit", "kind", "state", "covered_fraction")
    list_filter = ("round", "state", "kind")
    search_fields = ("code",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description=_("未覆盖部分"))
    def uncovered_text(self, obj: TaskCell) -> str:
        return geometry_text(obj.uncovered)


@admin.register(PatrolRecord)
class PatrolRecordAdmin(AuditedAdmin):
    list_display = ("started_at", "unit", "round", "result", "track_points", "track_length_m")
    list_filter = ("round", "result")
    exclude = ("track", "cleaning")
    readonly_fields = (
        "track_text",
        "track_points",
        "track_length_m",
        "track_sha256",
        "track_file",
        "cleaning_text",
        "warnings",
    )

    @admin.display(description=_("轨迹"))
    def track_text(self, obj: PatrolRecord) -> str:
        return geometry_text(obj.track)

    @admin.display(description=_("轨迹清洗"))
    def cleaning_text(self, obj: PatrolRecord) -> str:
        return obj.cleaning_summary.text if obj.cleaning else "-"

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
