from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zerocrop.field.models import SyncFile, SyncRecord


class ReadOnly(admin.ModelAdmin):
    """Sync records and files change only through the sync protocol, where its rules hold."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SyncRecord)
class SyncRecordAdmin(ReadOnly):
    list_display = ("client_uuid", "kind", "status", "user", "device", "received_at", "applied_at")
    list_filter = ("kind", "status")
    search_fields = ("client_uuid", "user__username", "error")


@admin.register(SyncFile)
class SyncFileAdmin(ReadOnly):
    list_display = ("sha256", "name", "size", "received", "status", "uploaded_by", "completed_at")
    list_filter = ("status",)
    search_fields = ("sha256", "name")
