"""Forms of the batch import: the file with the batch's facts, then the column map."""

from __future__ import annotations

from typing import Any

from django import forms

from zerocrop.monitoring.batch_files import GCJ02, WGS84
from zerocrop.monitoring.choices import TargetIssuer
from zerocrop.monitoring.columns import FIELD_LABELS, FIELDS

CRS_CHOICES = [(WGS84, "WGS84 / CGCS2000（GPS、天地图）"), (GCJ02, "GCJ-02（高德、腾讯地图）")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class BatchUploadForm(forms.Form):
    file = forms.FileField(
        label="靶点文件",
        help_text="CSV、Excel（.xlsx）、KML、KMZ、Shapefile（zip）或 GeoJSON",
        error_messages={"required": "请选择上级下发的靶点文件"},
    )
    name = forms.CharField(
        label="批次名称", max_length=100, error_messages={"required": "请填写批次名称"}
    )
    issuer = forms.CharField(
        label="下发单位",
        max_length=100,
        error_messages={"required": "请填写下发单位"},
        widget=forms.TextInput(attrs={"placeholder": "例：县禁毒办"}),
    )
    issuer_level = forms.ChoiceField(
        label="下发层级", choices=TargetIssuer.choices, initial=TargetIssuer.COUNTY
    )
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    issued_on = forms.DateField(
        label="下发日期",
        widget=DATE_WIDGET,
        error_messages={"required": "请填写下发日期", "invalid": "下发日期格式不对"},
    )
    due_on = forms.DateField(
        label="反馈截止日期",
        widget=DATE_WIDGET,
        help_text="文件中没有核查时限的靶点按此日期",
        error_messages={"required": "请填写反馈截止日期", "invalid": "反馈截止日期格式不对"},
    )
    imagery_date = forms.DateField(
        label="影像日期",
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": "影像日期格式不对"},
    )
    source_crs = forms.ChoiceField(label="坐标系", choices=CRS_CHOICES, initial=WGS84)
    campaign = forms.ChoiceField(label="所属行动", required=False)

    def __init__(self, *args: Any, campaigns: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "（不关联行动）")] + [
            (str(c.pk), str(c)) for c in campaigns
        ]
        _styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        issued, due = data.get("issued_on"), data.get("due_on")
        if issued and due and due < issued:
            self.add_error("due_on", "反馈截止日期不能早于下发日期")
        return data

    def meta(self) -> dict[str, Any]:
        """The batch's facts, JSON-friendly, kept with the staged file until the import."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "issuer": data["issuer"],
            "issuer_level": data["issuer_level"],
            "doc_number": data["doc_number"],
            "issued_on": data["issued_on"].isoformat(),
            "due_on": data["due_on"].isoformat(),
            "imagery_date": data["imagery_date"].isoformat() if data["imagery_date"] else "",
            "source_crs": data["source_crs"],
            "campaign": data["campaign"] or "",
        }


class ColumnMapForm(forms.Form):
    """One select per field of ours, choosing one of the file's columns (or none)."""

    token = forms.CharField(widget=forms.HiddenInput)
    distance_m = forms.FloatField(
        label="查重距离（米）",
        min_value=0,
        max_value=1000,
        error_messages={"invalid": "查重距离应为数字"},
    )

    def __init__(self, *args: Any, columns: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [("", "（无）")] + [(c, c) for c in columns]
        for name in FIELDS:
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=False
            )
        _styled(self)

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{name}"] for name in FIELDS]

    def column_map(self) -> dict[str, str]:
        source = self.cleaned_data if hasattr(self, "cleaned_data") else self.initial
        return {n: str(source.get(f"col_{n}") or "") for n in FIELDS if source.get(f"col_{n}")}


def map_initial(column_map: dict[str, str]) -> dict[str, str]:
    return {f"col_{name}": column for name, column in column_map.items()}
