from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from zerocrop.core.upload_fields import MultipleUploadField, UploadField
from zerocrop.patrols.cells import MAX_CELLS_HELP
from zerocrop.patrols.choices import PatrolResult

TRACK_CRS_CHOICES = [
    ("", "自动识别（GPX/KML 为 WGS84）"),
    ("gcj02", "GCJ-02（高德、腾讯地图导出）"),
    ("bd09", "BD-09（百度地图导出）"),
    ("wgs84", "WGS84（GPS 原始坐标）"),
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class RoundForm(forms.Form):
    window = forms.ModelChoiceField(label="关键时期", queryset=None)
    name = forms.CharField(label="名称", max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(
        label="范围（村/社区）", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cell_size_m = forms.IntegerField(
        label="网格边长（米）",
        initial=200,
        min_value=20,
        max_value=2000,
        help_text=MAX_CELLS_HELP,
    )
    threshold_pct = forms.IntegerField(
        label="完成覆盖率（%）", initial=90, min_value=1, max_value=100
    )
    radius_m = forms.FloatField(label="视距（米，开阔地）", initial=30, min_value=1, max_value=500)

    def __init__(self, *args: Any, windows: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.fields["units"].queryset = units
        self.fields["units"].initial = list(units)


class AssignForm(forms.Form):
    cells = forms.CharField(widget=forms.HiddenInput)
    people = forms.ModelMultipleChoiceField(label="分包人员", queryset=None)
    team = forms.CharField(label="踏查组", max_length=50, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people


class PatrolForm(forms.Form):
    unit = forms.ModelChoiceField(label="村（社区）", queryset=None)
    people = forms.ModelMultipleChoiceField(label="踏查人员", queryset=None)
    started_at = forms.DateTimeField(
        label="开始时间", widget=DateTimeInput, required=False, help_text="轨迹带时间时可不填"
    )
    ended_at = forms.DateTimeField(
        label="结束时间", widget=DateTimeInput, required=False, help_text="轨迹带时间时可不填"
    )
    result = forms.ChoiceField(label="结果", choices=PatrolResult.choices)
    note = forms.CharField(
        label="情况说明",
        required=False,
        max_length=2000,
        error_messages={"max_length": "情况说明不能超过 2000 字"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    track = UploadField(label="轨迹文件（GPX / KML / KMZ / GeoJSON）", required=False)
    track_crs = forms.ChoiceField(label="轨迹坐标系", choices=TRACK_CRS_CHOICES, required=False)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["people"].queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        times = (data.get("started_at"), data.get("ended_at"))
        if not all(times) and not data.get("track"):
            raise forms.ValidationError("请填写开始和结束时间，或上传带时间的轨迹文件")
        return data

    photos = MultipleUploadField(label="现场照片（可多张）", required=False)

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.ZEROCROP_PHOTO_MAX_COUNT:
            raise forms.ValidationError(f"照片最多 {settings.ZEROCROP_PHOTO_MAX_COUNT} 张")
        return photos

    def clean_track(self) -> Any:
        track = self.cleaned_data.get("track")
        if track is not None and track.size > settings.ZEROCROP_TRACK_MAX_BYTES:
            raise forms.ValidationError("轨迹文件超过 50 MB")
        return track


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=200,
        error_messages={"required": "请填写原因", "max_length": "原因不能超过 200 字"},
    )
