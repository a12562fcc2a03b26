"""Sampling (潜在区域抽测): frames of grid cells, drawn designs and the checked cells' results.

The computation lives in the pure `zerocrop.monitoring.sampling`; these rows keep what it
needs to be reproduced: the frame's cells and version, the design's seed, allocation and
drawn ids (locked at the draw), and one result per drawn cell.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.models import Campaign
from zerocrop.core.models import BaseModel
from zerocrop.geo.models import Located, Zone
from zerocrop.org.models import AdminUnit, Person

SAMPLING_NOTE_MAX = 500


class SampleFrame(BaseModel):
    """The grid cells a sample is drawn from: over chosen zones or the whole town."""

    unit = models.ForeignKey(AdminUnit, verbose_name=_("乡镇"), on_delete=models.PROTECT)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.PROTECT, related_name="sample_frames"
    )
    name = models.CharField(_("抽样框名称"), max_length=100)
    # sha256 over the cells (`sampling.frame_version`): the design file names it.
    version = models.CharField(_("抽样框版本"), max_length=64)
    cell_size_m = models.PositiveIntegerField(_("网格边长（米）"))
    whole_town = models.BooleanField(_("全镇"), default=False)
    zones = models.ManyToManyField(Zone, verbose_name=_("区域"), blank=True, related_name="+")
    strata_rule = models.CharField(_("分层规则"), max_length=200)
    strata_sizes = models.JSONField(_("各层网格数"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("抽样框")
        verbose_name_plural = _("抽样框")

    def __str__(self) -> str:
        return self.name


class SampleCell(Located):
    """One cell of a frame; its `code` is the id in the design file (C000001…)."""

    frame = models.ForeignKey(
        SampleFrame, verbose_name=_("抽样框"), on_delete=models.CASCADE, related_name="cells"
    )
    code = models.CharField(_("网格编号"), max_length=20)
    stratum = models.CharField(_("层"), max_length=20)
    # The village holding most of the cell (the town when it lies in none): scoping, tasks.
    unit = models.ForeignKey(AdminUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["frame", "code"]
        verbose_name = _("抽样网格")
        verbose_name_plural = _("抽样网格")
        constraints = [
            models.UniqueConstraint(fields=["frame", "code"], name="sample_cell_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class SampleDesign(BaseModel):
    """A sample size, its allocation and, once drawn, the seed and the locked selection."""

    frame = models.ForeignKey(
        SampleFrame, verbose_name=_("抽样框"), on_delete=models.PROTECT, related_name="designs"
    )
    name = models.CharField(_("方案名称"), max_length=100)
    n = models.PositiveIntegerField(_("样本量"), validators=[MinValueValidator(2)])
    # The wanted precision n came from (empty when n was typed).
    target_se_plants = models.FloatField(_("目标标准误（株）"), null=True, blank=True)
    relative_precision = models.FloatField(_("目标相对精度"), null=True, blank=True)
    # {stratum: {"N": int, "S": float, "mean": float}} and where S came from.
    priors = models.JSONField(_("各层先验"), default=dict)
    prior_source = models.CharField(_("先验来源"), max_length=300, blank=True, default="")
    allocation = models.JSONField(_("各层抽样数"), default=dict)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    # `sampling.design_to_json` of the draw: the drawn ids and their strata.
    selection = models.JSONField(_("抽中网格"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("锁定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    survey_round = models.ForeignKey(
        "patrols.SurveyRound",
        verbose_name=_("抽测轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("抽测方案")
        verbose_name_plural = _("抽测方案")

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class SampleCellResult(BaseModel):
    """What the complete check of one drawn cell found; zero is a result too."""

    design = models.ForeignKey(
        SampleDesign, verbose_name=_("抽测方案"), on_delete=models.PROTECT, related_name="results"
    )
    cell = models.ForeignKey(
        SampleCell, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    area_m2 = models.FloatField(
        _("种植面积（平方米）"), validators=[MinValueValidator(0, message="面积不能为负数")]
    )
    plants = models.PositiveIntegerField(_("株数"))
    checked_at = models.DateTimeField(_("核查时间"))
    checked_by = models.ManyToManyField(Person, verbose_name=_("核查人"), related_name="+")
    note = models.CharField(_("备注"), max_length=SAMPLING_NOTE_MAX, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["design", "cell__code"]
        verbose_name = _("抽测结果")
        verbose_name_plural = _("抽测结果")
        constraints = [
            models.UniqueConstraint(fields=["design", "cell"], name="sample_result_unique_cell"),
            models.CheckConstraint(
                condition=Q(area_m2__gte=0),
                name="sample_result_area_not_negative",
                violation_error_message="面积不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.design} {self.cell.code}"
