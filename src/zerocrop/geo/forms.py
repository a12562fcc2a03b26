from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.geo.choices import PlotKind, RiskClass


class PlotFilterForm(forms.Form):
    unit = forms.ChoiceField(label="村（社区）", required=False)
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *PlotKind.choices]
    )
    risk = forms.ChoiceField(
        label="风险", required=False, choices=[("", "全部等级"), *RiskClass.choices]
    )
    responsible = forms.CharField(label="责任人", required=False)
    unassigned = forms.BooleanField(label="仅未包保", required=False)
    q = forms.CharField(label="名称/编号", required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部村（社区）")] + [
            (str(u.pk), u.name) for u in units
        ]


class AssignForm(forms.Form):
    plots = forms.CharField(widget=forms.HiddenInput)
    responsible = forms.ChoiceField(label="包保责任人")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "（取消包保）")] + [
            (str(p.pk), f"{p.name}（{p.unit.name}）") for p in people
        ]
