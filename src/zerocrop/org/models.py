from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from zerocrop.core.models import BaseModel
from zerocrop.org.choices import OfficeKind, Role, UnitLevel


class AdminUnit(BaseModel):
    """A node of the administrative tree: county → town → village/community → grid, or an office.

    `path` is the materialised chain of ids from the root ("<id>/<id>/"), so that
    "this unit and everything below it" is one indexed prefix query.
    """

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=UnitLevel.choices)
    office_kind = models.CharField(
        "单位类别", max_length=24, choices=OfficeKind.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField("区划代码", max_length=32, blank=True, default="")
    path = models.CharField(max_length=400, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "行政单位"
        verbose_name_plural = "行政单位"
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
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        AdminUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField("职务", max_length=200, blank=True, default="")
    phone = models.CharField("电话", max_length=32, blank=True, default="")
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.GRID_WORKER)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name="管辖单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="可见范围：本单位及其下级。",
    )
    person = models.OneToOneField(
        Person, verbose_name="对应人员", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        return self.get_full_name() or self.username
