from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.models import Campaign
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.models import BaseModel, Voidable
from zerocrop.findings.models import Finding
from zerocrop.geo.models import Located, Plot
from zerocrop.monitoring import rules
from zerocrop.monitoring.choices import (
    ArrivalSource,
    BatchFormat,
    FalseReason,
    LinkKind,
    PhotoRole,
    TargetIssuer,
    TargetStatus,
    VerifyResult,
)
from zerocrop.monitoring.sampling_models import (  # noqa: F401 (registers them)
    SampleCell,
    SampleCellResult,
    SampleDesign,
    SampleFrame,
)
from zerocrop.org.models import AdminUnit, Person

NOTE_MAX = 1000


class TargetBatch(BaseModel, Voidable):
    """A list of monitoring targets (靶点) pushed down from above, as one file."""

    unit = models.ForeignKey(AdminUnit, verbose_name=_("乡镇"), on_delete=models.PROTECT)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="target_batches",
    )
    name = models.CharField(_("批次名称"), max_length=100)
    issuer = models.CharField(_("下发单位"), max_length=100)
    issuer_level = models.CharField(
        _("下发层级"), max_length=16, choices=TargetIssuer.choices, default=TargetIssuer.COUNTY
    )
    doc_number = models.CharField(_("下发文号"), max_length=100, blank=True, default="")
    issued_on = models.DateField(_("下发日期"))
    due_on = models.DateField(_("反馈截止日期"))
    imagery_date = models.DateField(_("影像日期"), null=True, blank=True)
    source_file = models.ForeignKey(
        EvidenceFile, verbose_name=_("原始文件"), on_delete=models.PROTECT, related_name="+"
    )
    file_format = models.CharField(_("文件类型"), max_length=8, choices=BatchFormat.choices)
    encoding = models.CharField(_("文件编码"), max_length=16, blank=True, default="")
    source_crs = models.CharField(_("坐标系"), max_length=16, default="wgs84")
    # The file's own columns in their order, and which of them hold our fields.
    columns = models.JSONField(_("原始列"), default=list, blank=True)
    column_map = models.JSONField(_("列对应"), default=dict, blank=True)
    match_distance_m = models.FloatField(
        _("查重距离（米）"), default=rules.DEFAULT_MATCH_DISTANCE_M
    )
    # sha256 over the sorted target codes: re-importing our own export finds this batch.
    fingerprint = models.CharField(_("靶点编号指纹"), max_length=64, db_index=True)
    note = models.CharField(_("备注"), max_length=NOTE_MAX, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_on", "name"]
        verbose_name = _("靶点批次")
        verbose_name_plural = _("靶点批次")

    def __str__(self) -> str:
        return self.name


class Target(Located, Voidable):
    """One monitoring target and its verification on the ground (核查)."""

    batch = models.ForeignKey(
        TargetBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="targets"
    )
    # The village (community) found by location; the batch's town when it lies in none.
    unit = models.ForeignKey(AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT)
    code = models.CharField(_("靶点编号"), max_length=80)
    # Ids of same-batch near-duplicates merged into this target.
    merged_codes = models.JSONField(_("合并的靶点编号"), default=list, blank=True)
    row_index = models.PositiveIntegerField(_("原文件行号"), default=0)
    attributes = models.JSONField(_("原始属性"), default=dict, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    issued_on = models.DateField(_("下发日期"))
    due_on = models.DateField(_("核查时限"))
    category = models.CharField(_("类型"), max_length=50, blank=True, default="")
    confidence = models.CharField(_("置信度"), max_length=50, blank=True, default="")
    imagery_date = models.DateField(_("影像日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=TargetStatus.choices,
        default=TargetStatus.PENDING,
        db_index=True,
    )
    # 本地已掌握: a site in the township's own records before the batch date lies here.
    locally_known = models.BooleanField(_("本地已掌握"), default=False)
    known_note = models.CharField(_("本地已掌握依据"), max_length=300, blank=True, default="")
    assignees = models.ManyToManyField(
        Person, verbose_name=_("核查人员"), blank=True, related_name="+"
    )
    # --- the verification -----------------------------------------------------------------
    result = models.CharField(
        _("核查结论"), max_length=16, choices=VerifyResult.choices, blank=True, default=""
    )
    reason = models.CharField(
        _("不属实原因"), max_length=16, choices=FalseReason.choices, blank=True, default=""
    )
    reason_text = models.CharField(_("原因说明"), max_length=300, blank=True, default="")
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verifiers = models.ManyToManyField(
        Person, verbose_name=_("核查人"), blank=True, related_name="+"
    )
    police_present = models.BooleanField(_("民警在场"), default=False)
    arrival_lon = models.FloatField(_("到达经度"), null=True, blank=True)
    arrival_lat = models.FloatField(_("到达纬度"), null=True, blank=True)
    arrival_accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    arrival_source = models.CharField(
        _("到达位置来源"), max_length=8, choices=ArrivalSource.choices, blank=True, default=""
    )
    distance_m = models.FloatField(_("偏离距离（米）"), null=True, blank=True)
    plant_count = models.PositiveIntegerField(_("株数"), null=True, blank=True)
    found_area_m2 = models.FloatField(_("核实面积（平方米）"), null=True, blank=True)
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("发现点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    note = models.CharField(_("备注"), max_length=NOTE_MAX, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["due_on", "batch", "code"]
        verbose_name = _("监测靶点")
        verbose_name_plural = _("监测靶点")
        constraints = [
            models.UniqueConstraint(fields=["batch", "code"], name="target_unique_code_in_batch"),
        ]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return self.code


class TargetLink(BaseModel):
    """A target lies within the batch's matching distance of another record."""

    target = models.ForeignKey(
        Target, verbose_name=_("靶点"), on_delete=models.CASCADE, related_name="links"
    )
    kind = models.CharField(_("关联类型"), max_length=8, choices=LinkKind.choices)
    other_target = models.ForeignKey(
        Target,
        verbose_name=_("关联靶点"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # A same-batch near-duplicate merged away keeps only its id here.
    other_code = models.CharField(_("关联编号"), max_length=80, blank=True, default="")
    plot = models.ForeignKey(
        Plot,
        verbose_name=_("地块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("发现点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    distance_m = models.FloatField(_("距离（米）"))
    # The linked record existed in the township's own records before the batch date.
    known_before = models.BooleanField(_("下发前已掌握"), default=False)

    class Meta:
        ordering = ["target", "distance_m"]
        verbose_name = _("靶点关联")
        verbose_name_plural = _("靶点关联")

    def __str__(self) -> str:
        return f"{self.target} ~ {self.get_kind_display()}"


class TargetPhoto(BaseModel):
    target = models.ForeignKey(
        Target, verbose_name=_("靶点"), on_delete=models.CASCADE, related_name="photos"
    )
    evidence = models.ForeignKey(
        EvidenceFile, verbose_name=_("照片文件"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("照片类型"), max_length=8, choices=PhotoRole.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    # Position the camera recorded (EXIF), if any; compared with the arrival position.
    claimed_lon = models.FloatField(_("照片记录经度"), null=True, blank=True)
    claimed_lat = models.FloatField(_("照片记录纬度"), null=True, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)

    class Meta:
        ordering = ["target", "seq"]
        verbose_name = _("核查照片")
        verbose_name_plural = _("核查照片")
        constraints = [
            models.UniqueConstraint(fields=["target", "seq"], name="target_photo_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.target.code}_{self.seq}"
