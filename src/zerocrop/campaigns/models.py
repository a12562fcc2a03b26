from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.choices import GroupRole, OfficeRole, PledgeKind, Species, Stage
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.models import BaseModel, Voidable
from zerocrop.org.models import AdminUnit, Person


class Campaign(BaseModel):
    name = models.CharField(_("行动名称"), max_length=100)
    title = models.CharField(_("方案标题"), max_length=200, blank=True, default="")
    year = models.PositiveIntegerField(_("年度"))
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("实施乡镇"), on_delete=models.PROTECT, related_name="campaigns"
    )
    issuer = models.CharField(_("印发机关"), max_length=100, blank=True, default="")
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    goals = models.JSONField(_("工作目标"), default=list, blank=True)
    office_location = models.CharField(_("办公室设在"), max_length=100, blank=True, default="")
    monitoring_modes = models.JSONField(_("监测方式"), default=list, blank=True)
    notice_text = models.TextField(_("方案原文"), blank=True, default="")
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("行动")
        verbose_name_plural = _("行动")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="campaign_unique_name_in_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段"), max_length=50)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}阶段"


class CriticalWindow(BaseModel):
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        on_delete=models.CASCADE,
        related_name="critical_windows",
    )
    species = models.CharField(_("品种"), max_length=16, choices=Species.choices)
    stage = models.CharField(_("关键期"), max_length=16, choices=Stage.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["campaign", "starts_on", "species"]
        verbose_name = _("关键时期")
        verbose_name_plural = _("关键时期")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="window_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["campaign", "species", "stage"], name="window_unique_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_species_display()}{self.get_stage_display()}"


class GroupMember(BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.CASCADE, related_name="group_members"
    )
    # None: a post the notice names without a person (待补录), filled in later.
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField(_("职务"), max_length=16, choices=GroupRole.choices)
    office_role = models.CharField(
        _("办公室职务"), max_length=20, choices=OfficeRole.choices, blank=True, default=""
    )
    titles = models.JSONField(_("本职"), default=list, blank=True)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")

    def __str__(self) -> str:
        who = self.person.name if self.person else f"{'、'.join(self.titles)}（待补录）"
        return f"{self.get_role_display()} {who}"


class Liaison(BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.CASCADE, related_name="liaisons"
    )
    unit = models.ForeignKey(AdminUnit, verbose_name=_("单位"), on_delete=models.PROTECT)
    person = models.ForeignKey(Person, verbose_name=_("联络员"), on_delete=models.PROTECT)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("联络员")
        verbose_name_plural = _("联络员")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="liaison_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.person.name}"


class Pledge(BaseModel, Voidable):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.CASCADE, related_name="pledges"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=PledgeKind.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("单位"), on_delete=models.PROTECT)
    signer = models.CharField(_("签订人"), max_length=50)
    household = models.CharField(_("户主/住址"), max_length=100, blank=True, default="")
    signed_on = models.DateField(_("签订日期"))
    scan = models.ForeignKey(
        EvidenceFile,
        verbose_name=_("扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["campaign", "unit__path", "-signed_on"]
        verbose_name = _("责任状/承诺书")
        verbose_name_plural = _("责任状/承诺书")

    def __str__(self) -> str:
        return f"{self.unit.name} {self.get_kind_display()} {self.signer}"
