from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.geo.choices import PlotKind, RiskClass
from zerocrop.org.ordering import units_tree_sorted
from zerocrop.org.widgets import PersonChoiceField, PersonSelect


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
            (str(u.pk), u.name) for u in units_tree_sorted(units)
        ]


class AssignForm(forms.Form):
    plots = forms.CharField(widget=forms.HiddenInput)
    responsible = PersonChoiceField(
        label="包保责任人",
        queryset=None,
        required=False,
        empty_label="（取消包保）",
        widget=PersonSelect({"aria-label": "包保责任人"}),
    )

    def __init__(self, *args: Any, people: Any, village: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people
        self.fields["responsible"].show_village(village)
