from django.contrib import admin

from zerocrop.core.admin import AuditedAdmin
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedAdmin):
    list_display = ("name", "campaign", "window", "starts_on", "ends_on", "threshold", "status")
    list_filter = ("campaign", "status")
    filter_horizontal = ("units",)
    exclude = ("zones",)


@admin.register(TaskCell)
class TaskCellAdmin(AuditedAdmin):
    """Read-only: cells change state through the survey pages, where the rules are checked."""

    list_display = ("code", "round", "unit", "kind", "state", "covered_fraction")
    list_filter = ("round", "state", "kind")
    search_fields = ("code",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(PatrolRecord)
class PatrolRecordAdmin(AuditedAdmin):
    list_display = ("started_at", "unit", "round", "result", "track_points", "track_length_m")
    list_filter = ("round", "result")
    readonly_fields = (
        "track",
        "track_points",
        "track_length_m",
        "track_sha256",
        "track_file",
        "cleaning",
        "warnings",
    )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
