"""Places: plots, zones and unit boundaries.

Geometry is stored as GeoJSON in WGS84 (see DESIGN.md: no SpatiaLite), with indexed bbox
columns for "what is in view" queries; all geometry maths runs in shapely/pyproj.
"""

from __future__ import annotations

from django.db import models

from zerocrop.core.models import BaseModel, Voidable
from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.core.vocabulary import Species
from zerocrop.geo.choices import PlotKind, RiskClass, ZoneKind
from zerocrop.org.models import AdminUnit, Person


class Located(BaseModel):
    geometry = models.JSONField("几何（GeoJSON，WGS84）")
    min_lon = models.FloatField(db_index=True)
    min_lat = models.FloatField(db_index=True)
    max_lon = models.FloatField(db_index=True)
    max_lat = models.FloatField(db_index=True)
    area_m2 = models.FloatField("面积（平方米）", default=0)

    class Meta:
        abstract = True

    @property
    def area_mu(self) -> float:
        return self.area_m2 / SQUARE_METRES_PER_MU


class Plot(Located, Voidable):
    unit = models.ForeignKey(AdminUnit, verbose_name="所属村（社区）", on_delete=models.PROTECT)
    code = models.CharField("编号", max_length=40, blank=True, default="")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=PlotKind.choices)
    risk = models.CharField("风险等级", max_length=16, choices=RiskClass.choices)
    responsible = models.ForeignKey(
        Person,
        verbose_name="包保责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plots",
    )
    note = models.CharField("备注", max_length=300, blank=True, default="")
    source = models.CharField("来源", max_length=200, blank=True, default="")
    # Every attribute of the feature in the imported file (DKBH, QSDWMC, …), as read.
    source_attributes = models.JSONField("原始属性", default=dict, blank=True)
    # Natural order of code then name ("2号" before "10号"): `geo.attributes.plot_sort_key`,
    # set by the services whenever code or name change.
    sort_key = models.CharField("排序键", max_length=300, blank=True, default="", editable=False)
    is_demo = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["unit__path", "sort_key", "name"]
        verbose_name = "地块"
        verbose_name_plural = "地块"
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        constraints = [
            # A code names one plot of its village; uncoded plots are many.
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=~models.Q(code=""),
                name="plot_unique_code_in_unit",
                violation_error_message="同一村（社区）内地块编号不能重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class PlantingRecord(BaseModel):
    plot = models.ForeignKey(Plot, on_delete=models.CASCADE, related_name="history")
    year = models.PositiveIntegerField("年份")
    species = models.CharField("品种", max_length=16, choices=Species.choices)
    count = models.PositiveIntegerField("株数", null=True, blank=True)
    note = models.CharField("情况", max_length=200, blank=True, default="")

    class Meta:
        ordering = ["plot", "-year"]
        verbose_name = "种植史"
        verbose_name_plural = "种植史"

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_species_display()} {self.count or ''}株"


class Zone(Located):
    unit = models.ForeignKey(AdminUnit, verbose_name="所属单位", on_delete=models.PROTECT)
    code = models.CharField("编号", max_length=40, blank=True, default="")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=ZoneKind.choices)
    is_demo = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "区域"
        verbose_name_plural = "区域"

    def __str__(self) -> str:
        return self.name


class UnitBoundary(Located):
    unit = models.OneToOneField(
        AdminUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="boundary"
    )
    is_demo = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "单位边界"
        verbose_name_plural = "单位边界"

    def __str__(self) -> str:
        return f"{self.unit.name}边界"
