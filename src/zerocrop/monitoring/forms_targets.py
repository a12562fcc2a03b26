"""Forms of the target pages: list filters, assignment, the verification and its review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from zerocrop.core.upload_fields import MultipleUploadField
from zerocrop.findings.choices import FindingSpecies, GrowthStage, Setting
from zerocrop.findings.forms import DateTimeInput
from zerocrop.monitoring.choices import (
    ArrivalSource,
    FalseReason,
    PhotoRole,
    TargetStatus,
    VerifyResult,
)
from zerocrop.monitoring.models import NOTE_MAX, Target
from zerocrop.org.widgets import PersonMultipleChoiceField, PersonSelect, PersonSelectMultiple

OVERDUE = "overdue"
STATUS_CHOICES = [("", "全部状态"), (OVERDUE, "超期"), *TargetStatus.choices]
# The photo inputs of the verification form, one per role (远景/近景/特征 + 其他).
PHOTO_FIELDS = {
    "photos_far": PhotoRole.FAR,
    "photos_near": PhotoRole.NEAR,
    "photos_feature": PhotoRole.FEATURE,
    "photos_other": PhotoRole.OTHER,
}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, PersonSelect | PersonSelectMultiple):
            continue
        if isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.FileInput):
            widget.attrs.update(
                {
                    "class": "form-control",
                    "accept": "image/jpeg,image/png",
                    "capture": "environment",
                }
            )
        else:
            widget.attrs.setdefault("class", "form-control")


class TargetFilterForm(forms.Form):
    batch = forms.ChoiceField(label="批次", required=False)
    unit = forms.ChoiceField(label="村（社区）", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    result = forms.ChoiceField(
        label="核查结论", required=False, choices=[("", "全部结论"), *VerifyResult.choices]
    )
    known = forms.ChoiceField(
        label="本地已掌握",
        required=False,
        choices=[("", "本地已掌握：不限"), ("yes", "本地已掌握"), ("no", "本地未掌握")],
    )

    def __init__(self, *args: Any, batches: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [("", "全部批次"), *((str(b.pk), b.name) for b in batches)]
        self.fields["unit"].choices = [
            ("", "全部村（社区）"),
            *((str(u.pk), u.name) for u in units),
        ]
        _style(self)


class AssignForm(forms.Form):
    persons = PersonMultipleChoiceField(
        label="核查人员", queryset=None, error_messages={"required": "请选择核查人员"}
    )

    def __init__(self, *args: Any, people: Any, village: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = people
        self.fields["persons"].show_village(village)


class BulkAssignForm(AssignForm):
    targets = forms.CharField(widget=forms.HiddenInput)


def _photos(label: str) -> MultipleUploadField:
    return MultipleUploadField(label=label, required=False)


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label="核查结论",
        choices=VerifyResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核查结论"},
    )
    reason = forms.ChoiceField(
        label="不属实原因", required=False, choices=[("", "请选择"), *FalseReason.choices]
    )
    reason_text = forms.CharField(
        label="原因说明",
        required=False,
        max_length=Target._meta.get_field("reason_text").max_length,
        help_text="原因为“其他”或无法到达时必填",
    )
    duplicate_of = forms.ModelChoiceField(
        label="与之重复的靶点", queryset=None, required=False, empty_label="请选择"
    )
    verifiers = PersonMultipleChoiceField(
        label="核查人（至少两人）",
        queryset=None,
        error_messages={"required": "请选择核查人（至少两人）"},
    )
    verified_at = forms.DateTimeField(
        label="核查时间", widget=DateTimeInput, error_messages={"required": "请填写核查时间"}
    )
    police_present = forms.BooleanField(label="民警在场", required=False)
    arrival_source = forms.ChoiceField(
        label="到达位置来源", required=False, choices=[("", "请选择"), *ArrivalSource.choices]
    )
    arrival_lon = forms.FloatField(label="到达经度", required=False)
    arrival_lat = forms.FloatField(label="到达纬度", required=False)
    arrival_accuracy_m = forms.FloatField(label="定位精度（米）", required=False, min_value=0)
    plant_count = forms.IntegerField(label="株数", required=False, min_value=0)
    found_area_m2 = forms.FloatField(label="核实面积（平方米）", required=False, min_value=0)
    species = forms.ChoiceField(
        label="植物种类", required=False, choices=[("", "请选择"), *FindingSpecies.choices]
    )
    species_name = forms.CharField(label="其他种类名称", required=False, max_length=50)
    stage = forms.ChoiceField(
        label="生长期", required=False, choices=[("", "请选择"), *GrowthStage.choices]
    )
    setting = forms.ChoiceField(
        label="种植场所", required=False, choices=[("", "请选择"), *Setting.choices]
    )
    link_known = forms.BooleanField(
        label="关联本地已掌握的发现点（不另建发现点）", required=False, initial=True
    )
    photos_far = _photos("远景照片")
    photos_near = _photos("近景照片")
    photos_feature = _photos("特征照片（花、蒴果、叶片）")
    photos_other = _photos("其他照片")
    note = forms.CharField(
        label="备注", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, people: Any, others: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verifiers"].queryset = people
        self.fields["duplicate_of"].queryset = others
        self.fields["duplicate_of"].label_from_instance = lambda t: f"{t.code}（{t.batch.name}）"
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        count = sum(len(data.get(name) or []) for name in PHOTO_FIELDS)
        if count > settings.ZEROCROP_PHOTO_MAX_COUNT:
            raise forms.ValidationError(f"照片最多 {settings.ZEROCROP_PHOTO_MAX_COUNT} 张")
        return data

    def photos(self) -> list[tuple[str, str, Any]]:
        """(role, name, file) of every uploaded photo, role by role."""
        return [
            (role, file.name, file)
            for name, role in PHOTO_FIELDS.items()
            for file in self.cleaned_data.get(name) or []
        ]


class ReviewForm(forms.Form):
    approve = forms.ChoiceField(choices=[("1", "通过"), ("0", "退回")])
    reason = forms.CharField(
        label="退回原因",
        required=False,
        max_length=Target._meta.get_field("return_reason").max_length,
    )
