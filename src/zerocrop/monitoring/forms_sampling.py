from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.core.clock import now_on_the_clock
from zerocrop.monitoring.sampling_models import SAMPLING_NOTE_MAX
from zerocrop.monitoring.services_sampling import (
    DEFAULT_CELL_SIZE_M,
    MAX_CELL_SIZE_M,
    MAX_FRAME_CELLS,
    MIN_CELL_SIZE_M,
)
from zerocrop.org.widgets import PersonMultipleChoiceField, PersonSelectMultiple


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def parse_priors(text: str) -> dict[str, float]:
    """``重点=30；一般=2`` → {"重点": 30.0, "一般": 2.0}; a bad part raises ValidationError."""
    out: dict[str, float] = {}
    for part in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.replace("＝", "=").partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or not name.strip() or not number >= 0:
            raise forms.ValidationError(f"“{part}”看不懂；请按“层=标准差”填写，如 重点=30；一般=2")
        out[name.strip()] = number
    return out


class _Styled(forms.Form):
    """Bootstrap classes on every widget (the person pickers style themselves)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, PersonSelectMultiple | forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class SamplingNewForm(_Styled):
    campaign = forms.ModelChoiceField(label="行动", queryset=None, empty_label=None)
    name = forms.CharField(label="方案名称", max_length=90)
    whole_town = forms.BooleanField(label="全镇（按各村边界划分网格）", required=False)
    zones = forms.ModelMultipleChoiceField(
        label="区域",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    cell_size_m = forms.IntegerField(
        label="网格边长（米）",
        initial=DEFAULT_CELL_SIZE_M,
        min_value=MIN_CELL_SIZE_M,
        max_value=MAX_CELL_SIZE_M,
        help_text=f"抽样框最多 {MAX_FRAME_CELLS} 个网格",
    )
    n = forms.IntegerField(label="样本量（网格数）", required=False, min_value=2)
    target_se = forms.FloatField(
        label="或：株数总量的目标标准误（株）", required=False, min_value=0.001
    )
    relative_precision_pct = forms.FloatField(
        label="或：目标相对精度（%，95%区间半宽占预期总量）",
        required=False,
        min_value=1,
        max_value=500,
    )
    priors_text = forms.CharField(
        label="各层标准差（株/网格，可不填）",
        required=False,
        max_length=300,
        help_text="不填时按往年发现推算，往年无发现的层取经验值；如：重点=30；一般=2",
    )

    def __init__(self, *args: Any, campaigns: Any, zones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.name}（{c.unit.name}）"
        self.fields["zones"].queryset = zones
        self.fields["zones"].label_from_instance = lambda z: f"{z.name}（{z.get_kind_display()}）"

    def clean_priors_text(self) -> dict[str, float]:
        return parse_priors(self.cleaned_data.get("priors_text") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("whole_town") and not data.get("zones"):
            self.add_error("zones", "请选择区域，或勾选全镇")
        given = [data.get(k) is not None for k in ("n", "target_se", "relative_precision_pct")]
        if sum(given) != 1 and not self.errors.get("n"):
            self.add_error("n", "请填写样本量，或目标标准误，或目标相对精度（三者选一）")
        return data


class DrawForm(_Styled):
    seed = forms.IntegerField(
        label="随机种子（可不填）",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="不填时随机生成；抽取后保存并锁定，同一抽样框、样本分配和种子总是抽中同样的网格",
    )


class RoundForm(_Styled):
    team = PersonMultipleChoiceField(label="抽测组成员", queryset=None)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = people


class CellResultForm(_Styled):
    area_m2 = forms.FloatField(label="种植面积（平方米）", min_value=0)
    plants = forms.IntegerField(label="株数", min_value=0)
    checked_at = forms.DateTimeField(label="核查时间", widget=DateTimeInput)
    checked_by = PersonMultipleChoiceField(label="核查人", queryset=None)
    note = forms.CharField(
        label="备注",
        required=False,
        max_length=SAMPLING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("checked_at", now_on_the_clock())
        super().__init__(*args, **kwargs)
        self.fields["checked_by"].queryset = people
