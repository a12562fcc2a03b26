from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.models import Campaign
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.models import BaseModel, Voidable
from zerocrop.findings.choices import (
    CaseOutcome,
    CaseStatus,
    CountingMethod,
    EradicationMethod,
    FindingSource,
    FindingSpecies,
    FindingStatus,
    GrowthStage,
    KeyPersonCategory,
    PhotoPhase,
    Setting,
)
from zerocrop.findings.statute_models import StatuteVerification  # noqa: F401 (registers it)
from zerocrop.geo.models import Located, Plot
from zerocrop.org.models import AdminUnit, Person

NOTE_MAX = 1000

# Only police and the town admin read these (see findings.visibility).
POLICE_ONLY_FIELDS = ("grower", "grower_unowned", "prior_handled", "prior_handling")


class Finding(Located, Voidable):
    """A site of illegal planting found (发现): where, what, how many, how found, by whom."""

    unit = models.ForeignKey(AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT)
    source_crs = models.CharField(_("原坐标系"), max_length=16, default="wgs84")
    place = models.CharField(_("地点"), max_length=200, blank=True, default="")
    plot = models.ForeignKey(
        Plot,
        verbose_name=_("地块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    species = models.CharField(_("植物种类"), max_length=16, choices=FindingSpecies.choices)
    species_name = models.CharField(_("其他种类名称"), max_length=50, blank=True, default="")
    plant_count = models.PositiveIntegerField(_("株数"))
    counting_method = models.CharField(
        _("计数方法"), max_length=16, choices=CountingMethod.choices, default=CountingMethod.EXACT
    )
    quadrats = models.JSONField(_("样方"), default=list, blank=True)
    sprouted = models.BooleanField(_("已出苗"), default=True)
    stage = models.CharField(_("生长期"), max_length=16, choices=GrowthStage.choices)
    setting = models.CharField(_("种植场所"), max_length=16, choices=Setting.choices)
    source = models.CharField(_("发现方式"), max_length=16, choices=FindingSource.choices)
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True, default="")
    grower = models.ForeignKey(
        "KeyPerson",
        verbose_name=_("种植人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grower_unowned = models.BooleanField(_("无主"), default=False)
    prior_handled = models.BooleanField(_("曾因种植被公安处理"), default=False)
    prior_handling = models.CharField(_("此前处理情况"), max_length=500, blank=True, default="")
    resisted = models.BooleanField(_("抗拒铲除"), default=False)
    self_removed = models.BooleanField(_("成熟前自行铲除"), default=False)
    # A site an outside source (an upper-level target) confirmed, but already in the
    # township's own records before the batch date (靶点吻合): not a local miss.
    known_locally = models.BooleanField(_("本地已掌握（靶点吻合）"), default=False)
    reported_at = models.DateTimeField(_("报告派出所时间"), null=True, blank=True)
    report_receiver = models.CharField(_("派出所接收人"), max_length=50, blank=True, default="")
    found_at = models.DateTimeField(_("发现时间"))
    found_by = models.ManyToManyField(Person, verbose_name=_("发现人"), related_name="+")
    note = models.TextField(_("情况说明"), max_length=NOTE_MAX, blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    # Since when it waits for eradication: found_at, or the re-check that found regrowth.
    open_since = models.DateTimeField(_("待铲除起始时间"))
    eradicated_at = models.DateTimeField(_("最近铲除时间"), null=True, blank=True)
    rechecked_at = models.DateTimeField(_("最近复查时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("发现点")
        verbose_name_plural = _("发现点")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        found = timezone.localtime(self.found_at)
        return f"{self.unit.name} {found:%Y-%m-%d} {self.species_label} {self.plant_count} 株"

    @property
    def species_label(self) -> str:
        if self.species == FindingSpecies.OTHER and self.species_name:
            return self.species_name
        return self.get_species_display()

    @property
    def lon(self) -> float:
        return round((self.min_lon + self.max_lon) / 2, 6)

    @property
    def lat(self) -> float:
        return round((self.min_lat + self.max_lat) / 2, 6)


class Eradication(BaseModel):
    """One eradication (铲除) of a finding, with who did it, witnesses and photos."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("发现点"), on_delete=models.PROTECT, related_name="eradications"
    )
    done_at = models.DateTimeField(_("铲除时间"))
    method = models.CharField(_("铲除方式"), max_length=16, choices=EradicationMethod.choices)
    done_by = models.ManyToManyField(Person, verbose_name=_("铲除人员"), related_name="+")
    witnesses = models.ManyToManyField(Person, verbose_name=_("见证人"), related_name="+")
    plants_destroyed = models.PositiveIntegerField(_("铲除株数"))
    destruction = models.CharField(_("销毁方式"), max_length=200)
    note = models.TextField(_("情况说明"), max_length=NOTE_MAX, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["done_at"]
        verbose_name = _("铲除记录")
        verbose_name_plural = _("铲除记录")

    def __str__(self) -> str:
        return f"铲除 {self.done_at:%Y-%m-%d} {self.plants_destroyed} 株"


class Recheck(BaseModel):
    """A re-check (复查) of an eradicated site for regrowth."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("发现点"), on_delete=models.PROTECT, related_name="rechecks"
    )
    done_at = models.DateTimeField(_("复查时间"))
    done_by = models.ManyToManyField(Person, verbose_name=_("复查人员"), related_name="+")
    regrowth = models.BooleanField(_("发现复种或再生"), default=False)
    regrowth_plants = models.PositiveIntegerField(_("再生株数"), default=0)
    note = models.TextField(_("情况说明"), max_length=NOTE_MAX, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["done_at"]
        verbose_name = _("复查记录")
        verbose_name_plural = _("复查记录")

    def __str__(self) -> str:
        return f"复查 {self.done_at:%Y-%m-%d}"


class FindingPhoto(BaseModel):
    """A photo of a finding: when found, before or after an eradication, or at a re-check."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("发现点"), on_delete=models.PROTECT, related_name="photos"
    )
    phase = models.CharField(_("阶段"), max_length=16, choices=PhotoPhase.choices)
    eradication = models.ForeignKey(
        Eradication,
        verbose_name=_("铲除记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    recheck = models.ForeignKey(
        Recheck,
        verbose_name=_("复查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    evidence = models.ForeignKey(
        EvidenceFile, verbose_name=_("照片"), on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("发现铲除照片")
        verbose_name_plural = _("发现铲除照片")

    def __str__(self) -> str:
        return f"{self.get_phase_display()}照片"


# --- Key persons, home visits and cases ------------------------------------------------------


class KeyPerson(BaseModel, Voidable):
    """A person the township watches (重点人员), e.g. a prior grower. Grower of findings."""

    name = models.CharField(_("姓名"), max_length=50)
    # Stored for the police; shown masked to everyone else.
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, default="")
    phone = models.CharField(_("电话"), max_length=32, blank=True, default="")
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("住址"), max_length=200, blank=True, default="")
    category = models.CharField(_("类别"), max_length=16, choices=KeyPersonCategory.choices)
    note = models.TextField(_("备注"), max_length=NOTE_MAX, blank=True, default="")
    since = models.DateField(_("列管日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name}）"


class HomeVisit(BaseModel):
    """A home visit (入户走访) to a key person, with the 告知书 and its signed scan."""

    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("重点人员"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    visitors = models.ManyToManyField(Person, verbose_name=_("走访人员"), related_name="+")
    notes = models.TextField(_("走访情况"), max_length=NOTE_MAX, blank=True, default="")
    notice_given = models.BooleanField(_("已发放告知书"), default=False)
    notice_signed = models.BooleanField(_("告知书已签收"), default=False)
    scan = models.ForeignKey(
        EvidenceFile,
        verbose_name=_("签收告知书扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")

    def __str__(self) -> str:
        return f"走访 {self.visited_on:%Y-%m-%d}"


class Case(BaseModel):
    """A police case (案件) on findings and key persons. Police and the town admin only."""

    number = models.CharField(_("案件编号"), max_length=64, unique=True)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("办案单位范围"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.ManyToManyField(
        Finding, verbose_name=_("关联发现点"), related_name="cases", blank=True
    )
    key_persons = models.ManyToManyField(
        KeyPerson, verbose_name=_("涉案人员"), related_name="cases", blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED
    )
    outcome = models.CharField(
        _("处理结果"), max_length=16, choices=CaseOutcome.choices, blank=True, default=""
    )
    # Days of detention or yuan of fine, for those outcomes.
    outcome_amount = models.PositiveIntegerField(_("拘留天数或罚款金额"), null=True, blank=True)
    opened_on = models.DateField(_("受理日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    note = models.TextField(_("备注"), max_length=NOTE_MAX, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_on", "number"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")

    def __str__(self) -> str:
        return self.number

    @property
    def outcome_label(self) -> str:
        if self.outcome == CaseOutcome.DETENTION and self.outcome_amount:
            return f"行政拘留 {self.outcome_amount} 日"
        if self.outcome == CaseOutcome.FINE and self.outcome_amount:
            return f"罚款 {self.outcome_amount} 元"
        return self.get_outcome_display() if self.outcome else ""
