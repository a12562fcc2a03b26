from __future__ import annotations

from django import forms


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        error_messages={"max_length": "查找的姓名不能超过 %(limit_value)d 个字"},
    )
