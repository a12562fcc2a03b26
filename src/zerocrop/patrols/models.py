from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.models import Campaign, CriticalWindow
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.models import BaseModel
from zerocrop.geo.models import Located, Plot, Zone
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols import rules
from zerocrop.patrols.choices import CellKind, CellState, PatrolResult, RoundStatus
from zerocrop.patrols.tracks import CleaningSummary, cleaning_summary


def _within(rule: rules.Range) -> list[Any]:
    return [
        MinValueValidator(rule.low, message=rule.message),
        MaxValueValidator(rule.high, message=rule.message),
    ]


def _in_range(field: str, rule: rules.Range, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": rule.low, f"{field}__lte": rule.high}),
        name=name,
        violation_error_message=rule.message,
    )


class SurveyRound(BaseModel):
    """A survey round (踏查轮次) of a campaign in one critical window, over chosen units."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.PROTECT, related_name="survey_rounds"
    )
    window = models.ForeignKey(
        CriticalWindow, verbose_name=_("关键时期"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    units = models.ManyToManyField(AdminUnit, verbose_name=_("范围（村/社区）"), related_name="+")
    zones = models.ManyToManyField(Zone, verbose_name=_("分格的区域"), blank=True, related_name="+")
    cell_size_m = models.PositiveIntegerField(
        _("网格边长（米）"),
        default=rules.DEFAULT_CELL_SIZE_M,
        validators=_within(rules.CELL_SIZE_M),
    )
    threshold = models.FloatField(
        _("完成覆盖率"), default=rules.DEFAULT_THRESHOLD, validators=_within(rules.THRESHOLD)
    )
    radius_m = models.FloatField(
        _("视距（米）"), default=rules.DEFAULT_RADIUS_M, validators=_within(rules.RADIUS_M)
    )
    radius_by_kind = models.JSONField(_("各类地块视距（米）"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.ACTIVE
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("踏查轮次")
        verbose_name_plural = _("踏查轮次")
        constraints = [
            _in_range("cell_size_m", rules.CELL_SIZE_M, "round_cell_size_in_range"),
            _in_range("threshold", rules.THRESHOLD, "round_threshold_in_range"),
            _in_range("radius_m", rules.RADIUS_M, "round_radius_in_range"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskCell(Located):
    """A task of a round: one plot, or one grid cell of a key or traditional zone."""

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("踏查轮次"), on_delete=models.CASCADE, related_name="cells"
    )
    unit = models.ForeignKey(AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=8, choices=CellKind.choices)
    code = models.CharField(_("编号"), max_length=80)
    plot = models.ForeignKey(
        Plot,
        verbose_name=_("地块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    radius_m = models.FloatField(_("视距（米）"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CellState.choices, default=CellState.READY, db_index=True
    )
    assignees = models.ManyToManyField(
        Person, verbose_name=_("分包人员"), blank=True, related_name="+"
    )
    team = models.CharField(_("踏查组"), max_length=50, blank=True, default="")
    covered_fraction = models.FloatField(_("覆盖率"), default=0)
    uncovered = models.JSONField(_("未覆盖部分"), null=True, blank=True)
    surveyed_at = models.DateTimeField(_("踏查完成时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reason = models.CharField(_("退回/无法到达原因"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["round", "unit__path", "code"]
        verbose_name = _("踏查任务")
        verbose_name_plural = _("踏查任务")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="cell_unique_code_in_round"),
        ]
        indexes = [models.Index(fields=["round", "min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return self.code


class PatrolRecord(BaseModel):
    """One patrol: who, when, the cleaned track, photos and the result."""

    round = models.ForeignKey(
        SurveyRound,
        verbose_name=_("踏查轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    unit = models.ForeignKey(AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT)
    people = models.ManyToManyField(Person, verbose_name=_("踏查人员"), related_name="patrols")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    result = models.CharField(_("结果"), max_length=16, choices=PatrolResult.choices)
    note = models.TextField(_("情况说明"), max_length=rules.NOTE_MAX_CHARS, blank=True, default="")
    track = models.JSONField(_("轨迹（GeoJSON 多段线）"), null=True, blank=True)
    track_points = models.PositiveIntegerField(_("轨迹点数"), default=0)
    track_length_m = models.FloatField(_("轨迹长度（米）"), default=0)
    track_source = models.CharField(_("轨迹文件"), max_length=200, blank=True, default="")
    track_sha256 = models.CharField(_("轨迹文件 SHA-256"), max_length=64, blank=True, default="")
    track_file = models.ForeignKey(
        EvidenceFile,
        verbose_name=_("轨迹原文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleaning = models.JSONField(_("轨迹清洗"), default=dict, blank=True)
    # What the upload warned about and the uploader confirmed (Chinese sentences).
    warnings = models.JSONField(_("登记时的提醒"), default=list, blank=True)
    min_lon = models.FloatField(_("最小经度"), null=True, blank=True)
    min_lat = models.FloatField(_("最小纬度"), null=True, blank=True)
    max_lon = models.FloatField(_("最大经度"), null=True, blank=True)
    max_lat = models.FloatField(_("最大纬度"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("踏查记录")
        verbose_name_plural = _("踏查记录")

    def __str__(self) -> str:
        return f"{self.unit.name} {self.started_at:%Y-%m-%d} {self.get_result_display()}"

    @property
    def cleaning_summary(self) -> CleaningSummary:
        return cleaning_summary(self.cleaning or {})


class PatrolPhoto(BaseModel):
    record = models.ForeignKey(
        PatrolRecord, verbose_name=_("踏查记录"), on_delete=models.CASCADE, related_name="photos"
    )
    evidence = models.ForeignKey(
        EvidenceFile, verbose_name=_("照片"), on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True, default="")
    # What the photo's EXIF claims (unsigned, editable): compared with the patrol, not trusted.
    exif_taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    exif_lon = models.FloatField(_("经度（EXIF）"), null=True, blank=True)
    exif_lat = models.FloatField(_("纬度（EXIF）"), null=True, blank=True)
    exif_software = models.CharField(_("处理软件（EXIF）"), max_length=100, blank=True, default="")
    mismatch = models.CharField(_("与踏查记录不符"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("踏查照片")
        verbose_name_plural = _("踏查照片")
