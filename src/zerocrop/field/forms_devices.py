"""The device pages' forms: the admin's filter, and the reason asked before 停用."""

from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.field.choices import CheckVerdict
from zerocrop.field.models import Device

NO_CHECK = "none"
REVOKE_REASON_MAX = Device._meta.get_field("revoke_reason").max_length


class DeviceFilterForm(forms.Form):
    unit = forms.ChoiceField(
        label="单位", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    verdict = forms.ChoiceField(
        label="自检结论",
        required=False,
        choices=[("", "全部"), *CheckVerdict.choices, (NO_CHECK, "尚未自检")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部单位"), *((str(u.pk), u.name) for u in units)]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="停用原因",
        max_length=REVOKE_REASON_MAX,
        required=False,
        error_messages={"max_length": "停用原因不能超过 %(limit_value)d 个字"},
    )

    def __init__(self, *args: Any, reason_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if self.reason_required and not reason:
            raise forms.ValidationError("停用他人的设备必须填写原因（如手机遗失、人员调离）")
        return reason
