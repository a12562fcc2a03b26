from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.models import AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes leave audit events like every other write."""

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change:
            before = snapshot(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="update" if change else "create",
            instance=obj,
            before=before,
            after=snapshot(obj),
        )

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        audit_record(actor=request.user, action="delete", instance=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    @transaction.atomic
    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {
            obj.pk: snapshot(type(obj).objects.get(pk=obj.pk))
            for obj in formset.get_queryset()
            if obj.pk
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action="delete", instance=obj, before=snapshot(obj))
            obj.delete()
        for obj in instances:
            before = befores.get(obj.pk) if not obj._state.adding else None
            obj.save()
            audit_record(
                actor=request.user,
                action="update" if before else "create",
                instance=obj,
                before=before,
                after=snapshot(obj),
            )
        formset.save_m2m()

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
