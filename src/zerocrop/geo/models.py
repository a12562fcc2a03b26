"""Places: plots, zones and unit boundaries.

Geometry is stored as GeoJSON in WGS84 (see DESIGN.md: no SpatiaLite), with indexed bbox
columns for "what is in view" queries; all geometry maths runs in shapely/pyproj.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.models import BaseModel, Voidable
from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.core.vocabulary import Species
from zerocrop.geo.choices import PlotKind, RiskClass, ZoneKind
from zerocrop.org.models import AdminUnit, Person


class Located(BaseModel):
    geometry = models.JSONField(_("几何（GeoJSON，WGS84）"))
    min_lon = models.FloatField(_("最小经度"), db_index=True)
    min_lat = models.FloatField(_("最小纬度"), db_index=True)
    max_lon = models.FloatField(_("最大经度"), db_index=True)
    max_lat = models.FloatField(_("最大纬度"), db_index=True)
    area_m2 = models.FloatField(_("面积（平方米）"), default=0)

    class Meta:
        abstract = True

    @property
    def area_mu(self) -> float:
        return self.area_m2 / SQUARE_METRES_PER_MU


class Plot(Located, Voidable):
    unit = models.ForeignKey(AdminUnit, verbose_name=_("所属村（社区）"), on_delete=models.PROTECT)
    code = models.CharField(_("编号"), max_length=40, blank=True, default="")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=PlotKind.choices)
    risk = models.CharField(_("风险等级"), max_length=16, choices=RiskClass.choices)
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("包保责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plots",
    )
    note = models.CharField(_("备注"), max_length=300, blank=True, default="")
    source = models.CharField(_("来源"), max_length=200, blank=True, default="")
    # Every attribute of the feature in the imported file (DKBH, QSDWMC, …), as read.
    source_attributes = models.JSONField(_("原始属性"), default=dict, blank=True)
    # Natural order of code then name ("2号" before "10号"): `geo.attributes.plot_sort_key`,
    # set by the services whenever code or name change.
    sort_key = models.CharField(_("排序键"), max_length=300, blank=True, default="", editable=False)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ["unit__path", "sort_key", "name"]
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        constraints = [
            # A code names one plot of its village; uncoded plots are many.
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=~models.Q(code=""),
                name="plot_unique_code_in_unit",
                violation_error_message=_("同一村（社区）内地块编号不能重复"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class PlantingRecord(BaseModel):
    plot = models.ForeignKey(
        Plot, verbose_name=_("地块"), on_delete=models.CASCADE, related_name="history"
    )
    year = models.PositiveIntegerField(_("年份"))
    species = models.CharField(_("品种"), max_length=16, choices=Species.choices)
    count = models.PositiveIntegerField(_("株数"), null=True, blank=True)
    note = models.CharField(_("情况"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["plot", "-year"]
        verbose_name = _("种植史")
        verbose_name_plural = _("种植史")

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_species_display()} {self.count or ''}株"


class Zone(Located):
    unit = models.ForeignKey(AdminUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT)
    code = models.CharField(_("编号"), max_length=40, blank=True, default="")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=ZoneKind.choices)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self) -> str:
        return self.name


class UnitBoundary(Located):
    unit = models.OneToOneField(
        AdminUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="boundary"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("单位边界")
        verbose_name_plural = _("单位边界")

    def __str__(self) -> str:
        return f"{self.unit.name}边界"
