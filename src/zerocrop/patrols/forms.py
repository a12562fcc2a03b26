from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from zerocrop.core.upload_fields import MultipleUploadField, UploadField
from zerocrop.org.widgets import PersonMultipleChoiceField, PersonSelectMultiple
from zerocrop.patrols import rules
from zerocrop.patrols.cells import MAX_CELLS_HELP
from zerocrop.patrols.choices import PatrolResult
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell

TRACK_CRS_CHOICES = [
    ("", "自动识别（GPX/KML 为 WGS84）"),
    ("gcj02", "GCJ-02（高德、腾讯地图导出）"),
    ("bd09", "BD-09（百度地图导出）"),
    ("wgs84", "WGS84（GPS 原始坐标）"),
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


def _percent(value: float) -> int:
    return round(value * 100)


class RoundForm(forms.ModelForm):
    """Built from `SurveyRound`: labels, defaults and ranges come from the model's fields.

    The threshold is entered as a whole percentage; the model checks the same range.
    """

    threshold_pct = forms.IntegerField(
        label=f"{SurveyRound._meta.get_field('threshold').verbose_name}（%）",
        initial=_percent(rules.DEFAULT_THRESHOLD),
        min_value=_percent(rules.THRESHOLD.low),
        max_value=_percent(rules.THRESHOLD.high),
        error_messages={
            "min_value": rules.THRESHOLD.message,
            "max_value": rules.THRESHOLD.message,
        },
    )

    class Meta:
        model = SurveyRound
        fields = ["window", "name", "units", "starts_on", "ends_on", "cell_size_m", "radius_m"]
        labels = {"radius_m": "视距（米，开阔地）"}
        help_texts = {"cell_size_m": MAX_CELLS_HELP}
        widgets = {
            "units": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    campaign = forms.ModelChoiceField(
        label="所属行动",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "所选行动不存在或无权查看"},
    )
    # Asked for only once the round's window turns out to have passed (see the view).
    confirm_past = forms.BooleanField(label="仍然创建", required=False)

    field_order = ["campaign", *Meta.fields[:5], "cell_size_m", "threshold_pct", "radius_m"]

    def __init__(
        self, *args: Any, campaigns: Any, campaign: Any, windows: Any, units: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaign.pk
        self.fields["window"].queryset = windows
        self.fields["units"].queryset = units
        self.fields["units"].initial = list(units)
        # Left empty, the service names the round and takes the window's dates.
        for name in ("name", "starts_on", "ends_on"):
            self.fields[name].required = False


_TEAM = TaskCell._meta.get_field("team")


class AssignForm(forms.Form):
    cells = forms.CharField(widget=forms.HiddenInput)
    people = PersonMultipleChoiceField(label="分包人员", queryset=None)
    team = forms.CharField(label=_TEAM.verbose_name, max_length=_TEAM.max_length, required=False)

    def __init__(self, *args: Any, people: Any, village: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].show_village(village)


_NOTE = PatrolRecord._meta.get_field("note")


class PatrolForm(forms.Form):
    unit = forms.ModelChoiceField(label="村（社区）", queryset=None)
    people = PersonMultipleChoiceField(
        label="踏查人员",
        queryset=None,
        widget=PersonSelectMultiple({"data-village-source": "#id_unit"}),
    )
    started_at = forms.DateTimeField(
        label="开始时间", widget=DateTimeInput, required=False, help_text="轨迹带时间时可不填"
    )
    ended_at = forms.DateTimeField(
        label="结束时间", widget=DateTimeInput, required=False, help_text="轨迹带时间时可不填"
    )
    result = forms.ChoiceField(label="结果", choices=PatrolResult.choices)
    note = forms.CharField(
        label=_NOTE.verbose_name,
        required=False,
        max_length=_NOTE.max_length,
        error_messages={"max_length": rules.NOTE_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    track = UploadField(label="轨迹文件（GPX / KML / KMZ / GeoJSON）", required=False)
    track_crs = forms.ChoiceField(label="轨迹坐标系", choices=TRACK_CRS_CHOICES, required=False)
    # A track kept between the warning and its confirmation (core.uploads), not uploaded again.
    track_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["people"].queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        times = (data.get("started_at"), data.get("ended_at"))
        if not all(times) and not (data.get("track") or data.get("track_token")):
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


_REASON_MAX = TaskCell._meta.get_field("reason").max_length


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=_REASON_MAX,
        error_messages={"required": "请填写原因", "max_length": f"原因不能超过 {_REASON_MAX} 字"},
    )
