from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.core.upload_fields import UploadField
from zerocrop.findings.choices import CaseOutcome, CaseStatus, KeyPersonCategory
from zerocrop.findings.forms import _PhotoLimit
from zerocrop.findings.models import NOTE_MAX
from zerocrop.org.widgets import PersonMultipleChoiceField, PersonSelectMultiple


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _text(label: str, limit: int = NOTE_MAX) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        error_messages={"max_length": f"{label}不能超过 {limit} 个字"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class KeyPersonFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label="村（社区）", queryset=None, required=False)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *KeyPersonCategory.choices]
    )
    q = forms.CharField(label="姓名或住址", required=False, max_length=50)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = "全部村（社区）"
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name != "q" else "form-control form-control-sm"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["placeholder"] = "姓名或住址"


class KeyPersonForm(_PhotoLimit, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    unit = forms.ModelChoiceField(
        label="村（社区）",
        queryset=None,
        error_messages={"required": "请选择村（社区）", "invalid_choice": "所选村（社区）无权登记"},
    )
    category = forms.ChoiceField(label="类别", choices=KeyPersonCategory.choices)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    phone = forms.CharField(label="电话", max_length=32, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    since = forms.DateField(
        label="列管日期", required=False, widget=DateInput, error_messages={"invalid": "日期无效"}
    )
    note = _text("备注")

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.style()


class VisitForm(_PhotoLimit, forms.Form):
    visited_on = forms.DateField(
        label="走访日期",
        widget=DateInput,
        error_messages={"required": "请填写走访日期", "invalid": "走访日期无效"},
    )
    visitors = PersonMultipleChoiceField(
        label="走访人员",
        queryset=None,
        widget=PersonSelectMultiple,
        error_messages={"required": "请填写走访人员", "invalid_choice": "所选走访人员无权查看"},
    )
    notes = _text("走访情况（谈话教育内容、家中情况）")
    notice_given = forms.BooleanField(label="已发放告知书", required=False)
    notice_signed = forms.BooleanField(label="告知书已签收", required=False)
    scan = UploadField(label="签收告知书扫描件或照片（PDF/JPG/PNG）", required=False)

    def __init__(self, *args: Any, people: Any, village: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = people
        if village is not None:
            self.fields["visitors"].show_village(village)
        self.style()
        # No `capture`: on a phone the user may take a photo or pick a scanned PDF.
        self.fields["scan"].widget.attrs.pop("capture", None)
        self.fields["scan"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CaseStatus.choices]
    )
    q = forms.CharField(label="案件编号或涉案人员", required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": "案件编号或涉案人员"}
        )


class CaseForm(_PhotoLimit, forms.Form):
    number = forms.CharField(
        label="案件编号", max_length=64, error_messages={"required": "请填写案件编号"}
    )
    status = forms.ChoiceField(label="状态", choices=CaseStatus.choices)
    outcome = forms.ChoiceField(label="处理结果", choices=CaseOutcome.choices, required=False)
    outcome_amount = forms.IntegerField(
        label="拘留天数或罚款金额（元）",
        required=False,
        min_value=1,
        error_messages={"invalid": "请填写整数", "min_value": "至少为 1"},
        help_text="处理结果为行政拘留时填天数，为罚款时填金额（元）",
    )
    opened_on = forms.DateField(
        label="受理日期",
        widget=DateInput,
        error_messages={"required": "请填写受理日期", "invalid": "受理日期无效"},
    )
    closed_on = forms.DateField(
        label="结案日期", required=False, widget=DateInput, error_messages={"invalid": "日期无效"}
    )
    findings = forms.ModelMultipleChoiceField(
        label="关联发现点",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "所选发现点不存在或无权查看"},
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    key_persons = forms.ModelMultipleChoiceField(
        label="涉案人员（重点人员）",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "所选人员不存在或无权查看"},
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = _text("备注")

    def __init__(self, *args: Any, findings: Any, key_persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings
        self.fields["key_persons"].queryset = key_persons
        self.style()
        for name in ("findings", "key_persons"):
            self.fields[name].widget.attrs["class"] = "form-select"
