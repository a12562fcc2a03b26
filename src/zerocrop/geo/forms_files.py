"""Forms of the geo file import: the upload (file + coordinate system) and the target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from zerocrop.core.upload_fields import UploadField
from zerocrop.geo import crs as crs_mod
from zerocrop.geo.choices import PlotKind, RiskClass, ZoneKind
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers import SUPPORTED_EXTENSIONS
from zerocrop.geo.safety import MAX_UPLOAD_BYTES, mb
from zerocrop.geo.services import BOUNDARY_KIND
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit

CRS_AUTO = "auto"
CRS_EPSG = "epsg"
CRS_CHOICES = [
    (CRS_AUTO, "自动识别（按文件说明或坐标数值判断）"),
    ("wgs84", "WGS84（GPS 原始坐标、奥维 9.3 之前的 KML、两步路、Google Earth）"),
    ("gcj02", "GCJ-02（高德地图、腾讯地图取点，奥维 .ovkml/.ovkmz）"),
    ("bd09", "BD-09（百度地图取点）"),
    ("cgcs2000", "CGCS2000 经纬度"),
    (CRS_EPSG, "CGCS2000 投影坐标（米，填写 EPSG 代码）"),
]
ZONE_PREFIX = "zone:"
PLOT_LEVELS = (UnitLevel.VILLAGE, UnitLevel.COMMUNITY)


class GeoUploadForm(forms.Form):
    file = UploadField(
        label="文件",
        help_text=(
            "GeoJSON、KML/KMZ、奥维 .ovkml/.ovkmz、GPX、Shapefile（.shp 等打包为 .zip）、"
            f"GeoPackage、CSV、Excel（.xlsx），不超过 {mb(MAX_UPLOAD_BYTES)}"
        ),
        widget=forms.FileInput(
            attrs={"class": "form-control", "accept": ",".join(SUPPORTED_EXTENSIONS)}
        ),
    )
    crs = forms.ChoiceField(
        label="坐标系",
        choices=CRS_CHOICES,
        initial=CRS_AUTO,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    epsg = forms.CharField(
        label="EPSG 代码",
        required=False,
        max_length=20,
        help_text="如 4524（CGCS2000 3度带第36带，坐标带带号）或 4545（中央经线108°，不带带号）",
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "placeholder": "如 4524"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        size = upload.size or 0
        if size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件太大（{mb(size)}），上限为 {mb(MAX_UPLOAD_BYTES)}。请分批导出后再导入。"
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice = data.get("crs", CRS_AUTO)
        source_crs: str | None = None if choice == CRS_AUTO else choice
        if choice == CRS_EPSG:
            code = (data.get("epsg") or "").strip().upper().removeprefix("EPSG:").strip()
            if not code.isdigit():
                self.add_error("epsg", "请填写投影坐标系的 EPSG 代码（数字，如 4524）")
                return data
            source_crs = f"EPSG:{int(code)}"
            try:
                crs_mod.normalize_crs(source_crs)
            except GeoFileError as exc:
                self.add_error("epsg", str(exc))
                return data
        data["source_crs"] = source_crs
        return data


def is_admin_kind(kind: str) -> bool:
    """Zones and boundaries are town-level data: only town admins import them."""
    return kind.startswith(ZONE_PREFIX) or kind == BOUNDARY_KIND


def kind_choices(*, allow_zones: bool) -> list[tuple[str, Any]]:
    """Plot kinds, and for town admins the zone kinds as "zone:<kind>" in their own group."""
    choices: list[tuple[str, Any]] = [("地块", list(PlotKind.choices))]
    if allow_zones:
        zones = [(f"{ZONE_PREFIX}{value}", label) for value, label in ZoneKind.choices]
        zones.append((BOUNDARY_KIND, "村（社区）或全镇边界"))
        choices.append(("区域与边界（仅镇管理员）", zones))
    return choices


class ImportTargetForm(forms.Form):
    """Where the previewed features go: unit, kind (plot kind or zone kind) and risk class."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    unit = forms.ChoiceField(label="导入到", widget=forms.Select(attrs={"class": "form-select"}))
    kind = forms.ChoiceField(label="类别", widget=forms.Select(attrs={"class": "form-select"}))
    risk = forms.ChoiceField(
        label="风险等级",
        choices=RiskClass.choices,
        initial=RiskClass.TRADITIONAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    code_column = forms.ChoiceField(
        label="编号列",
        required=False,
        error_messages={"invalid_choice": "文件中没有「%(value)s」列，请重新选择编号列"},
        widget=forms.Select(attrs={"class": "form-select", "data-refresh-preview": ""}),
    )
    name_column = forms.ChoiceField(
        label="名称列",
        required=False,
        error_messages={"invalid_choice": "文件中没有「%(value)s」列，请重新选择名称列"},
        widget=forms.Select(attrs={"class": "form-select", "data-refresh-preview": ""}),
    )

    def __init__(
        self,
        *args: Any,
        units: Sequence[AdminUnit],
        allow_zones: bool,
        columns: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.attrs["data-refresh-preview"] = ""
        listed = [(c, c) for c in columns]
        self.fields["code_column"].choices = [("", "（不指定，无编号）"), *listed]
        self.fields["name_column"].choices = [("", "（不指定）"), *listed]
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [
            (str(u.pk), u.name if u.level in PLOT_LEVELS else f"{u.name}（全镇，仅用于区域）")
            for u in units
        ]
        self.fields["kind"].choices = kind_choices(allow_zones=allow_zones)
        if "unit" not in self.initial and len(units) == 1:
            self.initial["unit"] = str(units[0].pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit = self.units.get(data.get("unit", ""))
        kind = data.get("kind", "")
        if unit is None:
            return data
        data["target_unit"] = unit
        if kind and not is_admin_kind(kind) and unit.level not in PLOT_LEVELS:
            self.add_error("unit", "地块须导入到具体的村（社区）；全镇只能导入区域")
        return data
