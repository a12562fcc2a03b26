from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from zerocrop.core.admin import AuditedAdmin, ChinesePermissionsMixin, yes_no_column
from zerocrop.org.models import AdminUnit, Person, User


@admin.register(AdminUnit)
class AdminUnitAdmin(AuditedAdmin):
    list_display = ("name", "level", "office_kind", "parent", "code")
    list_filter = ("level", "office_kind")
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # The materialised path follows the parent; the subtree is re-pathed on a move.
        old_path = obj.path
        obj.path = f"{obj.parent.path if obj.parent else ''}{obj.id.hex}/"
        super().save_model(request, obj, form, change)
        if change and old_path and old_path != obj.path:
            for child in AdminUnit.objects.filter(path__startswith=old_path).exclude(pk=obj.pk):
                child.path = obj.path + child.path[len(old_path) :]
                child.save(update_fields=["path"])


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "unit", "title", "phone")
    search_fields = ("name", "phone")
    list_filter = ("unit__level",)


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, DjangoUserAdmin, AuditedAdmin):
    list_display = ("username", "name", "role", "unit", yes_no_column("is_active", _("有效")))
    list_filter = ("role", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("禁种铲毒平台"), {"fields": ("role", "unit", "person")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("禁种铲毒平台"), {"fields": ("role", "unit", "person")}),
    )

    @admin.display(description=_("姓名"))
    def name(self, obj: User) -> str:
        return obj.display_name


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, DjangoGroupAdmin):
    pass
