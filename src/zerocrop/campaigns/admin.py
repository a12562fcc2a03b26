from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.models import (
    Campaign,
    CriticalWindow,
    GroupMember,
    Liaison,
    Phase,
    Pledge,
)
from zerocrop.core.admin import AuditedAdmin, yes_no_column


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class CriticalWindowInline(admin.TabularInline):
    model = CriticalWindow
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("name", "unit", "year", "issued_on", yes_no_column("is_demo", _("示例数据")))
    inlines = [PhaseInline, CriticalWindowInline]
    # Read from the notice as {zone, mode} pairs; shown as the notice says them.
    exclude = ("monitoring_modes",)
    readonly_fields = ("monitoring_modes_text",)

    @admin.display(description=_("监测方式"))
    def monitoring_modes_text(self, obj: Campaign) -> str:
        modes = [f"{m.get('zone') or ''}{m.get('mode') or ''}" for m in obj.monitoring_modes or []]
        return "、".join(m for m in modes if m) or "-"


@admin.register(GroupMember)
class GroupMemberAdmin(AuditedAdmin):
    list_display = ("campaign", "role", "person", "office_role", "unit")
    list_filter = ("campaign", "role")


@admin.register(Liaison)
class LiaisonAdmin(AuditedAdmin):
    list_display = ("campaign", "unit", "person", "phone")
    list_filter = ("campaign",)


@admin.register(Pledge)
class PledgeAdmin(AuditedAdmin):
    list_display = ("campaign", "unit", "kind", "signer", "signed_on", "voided_at")
    list_filter = ("campaign", "kind")
    readonly_fields = ("scan",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # pledges are voided with a reason, never deleted
