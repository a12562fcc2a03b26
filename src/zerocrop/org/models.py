from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.models import BaseModel
from zerocrop.org.choices import OfficeKind, Role, UnitLevel


class AdminUnit(BaseModel):
    """A node of the administrative tree: county → town → village/community → grid, or an office.

    `path` is the materialised chain of ids from the root ("<id>/<id>/"), so that
    "this unit and everything below it" is one indexed prefix query.
    """

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=UnitLevel.choices)
    office_kind = models.CharField(
        _("单位类别"), max_length=24, choices=OfficeKind.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("区划代码"), max_length=32, blank=True, default="")
    path = models.CharField(_("层级路径"), max_length=400, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政单位")
        verbose_name_plural = _("行政单位")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="org_unit_unique_name_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def is_within(self, other: AdminUnit) -> bool:
        return self.path.startswith(other.path)


class Person(BaseModel):
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职务"), max_length=200, blank=True, default="")
    phone = models.CharField(_("电话"), max_length=32, blank=True, default="")
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    id = models.UUIDField(_("标识"), primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.GRID_WORKER
    )
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("管辖单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("可见范围：本单位及其下级。"),
    )
    person = models.OneToOneField(
        Person, verbose_name=_("对应人员"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        return self.get_full_name() or self.username
