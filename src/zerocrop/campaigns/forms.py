from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from zerocrop.campaigns.choices import PledgeKind
from zerocrop.core.upload_fields import UploadField
from zerocrop.org.models import AdminUnit

DEFAULT_PHASES = ("动员部署", "禁种宣传", "踏查铲毒", "总结检查")
MAX_PHASES = 12
# A pasted notice is a few pages; this is far above any real one and bounds what is stored.
NOTICE_TEXT_MAX_CHARS = 200_000


class DateInput(forms.DateInput):
    input_type = "date"


class NoticeForm(forms.Form):
    text = forms.CharField(
        label="方案全文",
        required=False,
        strip=False,
        max_length=NOTICE_TEXT_MAX_CHARS,
        error_messages={"max_length": "方案全文不能超过 %(limit_value)d 个字"},
        widget=forms.Textarea(
            attrs={"rows": 14, "class": "form-control", "placeholder": "粘贴实施方案全文……"}
        ),
    )
    file = UploadField(
        label="或上传文件（.txt / .docx）",
        required=False,
        help_text="文本文件可为 UTF-8 或 GBK 编码，最大 2 MB。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > settings.ZEROCROP_NOTICE_MAX_BYTES:
            raise forms.ValidationError("方案文件超过 2 MB，请检查是否选错了文件")
        if not data.get("text", "").strip() and upload is None and "text" not in self.errors:
            raise forms.ValidationError("请粘贴方案全文或上传方案文件")
        return data


class CampaignFactsForm(forms.Form):
    """The editable part of a campaign draft: the campaign itself and its phases."""

    name = forms.CharField(label="行动名称", max_length=100)
    town = forms.CharField(label="乡镇", max_length=100)
    issuer = forms.CharField(label="印发机关", max_length=100, required=False)
    issued_on = forms.DateField(label="印发日期", required=False, widget=DateInput)
    phase_count = forms.IntegerField(
        label="阶段数",
        widget=forms.HiddenInput,
        min_value=0,
        max_value=MAX_PHASES,
        error_messages={
            "required": "缺少阶段数，请重新打开本页",
            "invalid": "阶段数必须是整数，请重新打开本页",
            "min_value": "阶段数不能小于 %(limit_value)s",
            "max_value": "阶段数不能超过 %(limit_value)s",
        },
    )

    def __init__(self, *args: Any, phase_count: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = (
            _posted_count(self.data.get("phase_count"), phase_count)
            if self.is_bound
            else phase_count
        )
        count = max(0, min(count, MAX_PHASES))
        self.fields["phase_count"].initial = count
        for i in range(count):
            self.fields[f"phase_{i}_name"] = forms.CharField(label="阶段名称", max_length=50)
            self.fields[f"phase_{i}_start"] = forms.DateField(label="开始", widget=DateInput)
            self.fields[f"phase_{i}_end"] = forms.DateField(label="结束", widget=DateInput)

    def phase_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        count = self.fields["phase_count"].initial
        return [
            (self[f"phase_{i}_name"], self[f"phase_{i}_start"], self[f"phase_{i}_end"])
            for i in range(count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        count = self.fields["phase_count"].initial
        for i in range(count):
            start, end = data.get(f"phase_{i}_start"), data.get(f"phase_{i}_end")
            if isinstance(start, date) and isinstance(end, date) and end < start:
                self.add_error(f"phase_{i}_end", "结束日期早于开始日期")
        return data

    def apply_to(self, facts: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        campaign = dict(facts.get("campaign") or {})
        campaign.update(
            name=data["name"],
            town=data["town"],
            issuer=data.get("issuer") or "",
            issued_on=data["issued_on"].isoformat() if data.get("issued_on") else None,
        )
        phases = [
            {
                "name": data[f"phase_{i}_name"],
                "start": data[f"phase_{i}_start"].isoformat(),
                "end": data[f"phase_{i}_end"].isoformat(),
            }
            for i in range(self.fields["phase_count"].initial)
        ]
        return {**facts, "campaign": campaign, "phases": phases}

    @classmethod
    def initial_from(cls, facts: dict[str, Any]) -> dict[str, Any]:
        campaign = facts.get("campaign") or {}
        initial: dict[str, Any] = {
            "name": campaign.get("name") or "",
            "town": campaign.get("town") or "",
            "issuer": campaign.get("issuer") or "",
            "issued_on": campaign.get("issued_on"),
            "phase_count": len(facts.get("phases") or []),
        }
        for i, phase in enumerate(facts.get("phases") or []):
            initial[f"phase_{i}_name"] = phase.get("name")
            initial[f"phase_{i}_start"] = phase.get("start")
            initial[f"phase_{i}_end"] = phase.get("end")
        return initial


def _posted_count(value: Any, default: int) -> int:
    """The number of phase rows to build; a bad value is refused by the field's own validation."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class NoticeFactsForm(CampaignFactsForm):
    """The campaign draft of an imported notice, with the token of the staged notice."""

    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=PledgeKind.choices)
    unit = forms.ModelChoiceField(label="单位", queryset=AdminUnit.objects.none())
    signer = forms.CharField(label="签订人", max_length=50)
    household = forms.CharField(
        label="户主/住址",
        max_length=100,
        required=False,
        help_text="农户承诺书填写户主姓名或门牌。",
    )
    signed_on = forms.DateField(label="签订日期", widget=DateInput)
    scan = UploadField(label="扫描件（PDF/JPG/PNG）", required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == PledgeKind.HOUSEHOLD and not data.get("household"):
            self.add_error("household", "农户承诺书须填写户主姓名或门牌")
        return data


class LiaisonForm(forms.Form):
    name = forms.CharField(label="联络员姓名", max_length=50)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\- ]{5,20}$",
        required=False,
        error_messages={"invalid": "电话号码只能包含数字、空格、+ 和 -"},
    )
