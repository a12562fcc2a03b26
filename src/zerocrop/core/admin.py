from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.audit_labels import audit_action_label
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


def yes_no_column(field: str, description: Any) -> Callable[[models.Model], str]:
    """A list column showing 是/否: Django's own boolean icons say "True"/"False" to a reader."""

    @admin.display(description=description, ordering=field)
    def column(obj: models.Model) -> str:
        return str(_("是") if getattr(obj, field) else _("否"))

    column.__name__ = f"{field}_yes_no"
    return column


# Django names its built-in permissions "Can add <model>" in English, in the database.
PERMISSION_ACTIONS = {"add": _("添加"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission: Permission) -> str:
    action, _sep, _rest = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action not in PERMISSION_ACTIONS or model is None:
        return permission.name
    meta = model._meta
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {PERMISSION_ACTIONS[action]}"


class ChinesePermissionsMixin:
    """Permission pickers (users, groups) list permissions by their Chinese names."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


def audit_object_label(object_type: str) -> str:
    """`geo.plot` as 地块; types that are not a model (an export) by their action's name."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return audit_action_label(object_type)


def record_text(object_type: str, data: dict[str, Any] | None) -> str:
    """A snapshot as one "字段：值" line per field, by the model's Chinese field names."""
    if not data:
        return "-"
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    fields = {f.attname: f for f in model._meta.concrete_fields} if model else {}
    lines = []
    for key, value in data.items():
        field = fields.get(key)
        if field is not None and field.choices:
            value = dict(field.flatchoices).get(value, value)
        label = field.verbose_name if field is not None else key
        lines.append(f"{label}：{'-' if value in (None, '') else value}")
    return "\n".join(lines)


class AuditActionFilter(admin.SimpleListFilter):
    title = _("动作")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEvent.objects.values_list("action", flat=True).distinct().order_by()
        return sorted((a, audit_action_label(a)) for a in actions)

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditObjectTypeFilter(admin.SimpleListFilter):
    title = _("对象类型")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = AuditEvent.objects.values_list("object_type", flat=True).distinct().order_by()
        return sorted(((t, audit_object_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_label", "action_name", "object_type_name", "object_repr")
    list_filter = (AuditActionFilter, AuditObjectTypeFilter)
    # Codes (create, org.adminunit) and snapshots by their Chinese names.
    exclude = ("action", "object_type", "before", "after")
    readonly_fields = ("action_name", "object_type_name", "before_text", "after_text")
    search_fields = ("object_repr", "actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("动作"), ordering="action")
    def action_name(self, obj: AuditEvent) -> str:
        return audit_action_label(obj.action)

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_name(self, obj: AuditEvent) -> str:
        return audit_object_label(obj.object_type)

    @admin.display(description=_("修改前"))
    def before_text(self, obj: AuditEvent) -> str:
        return linebreaksbr(record_text(obj.object_type, obj.before))

    @admin.display(description=_("修改后"))
    def after_text(self, obj: AuditEvent) -> str:
        return linebreaksbr(record_text(obj.object_type, obj.after))
