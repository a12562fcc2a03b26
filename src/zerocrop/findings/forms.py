from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings

from zerocrop.core.upload_fields import MultipleUploadField
from zerocrop.findings.choices import (
    CRS_CHOICES,
    CountingMethod,
    EradicationMethod,
    FindingSource,
    FindingSpecies,
    GrowthStage,
    Setting,
)
from zerocrop.findings.models import NOTE_MAX
from zerocrop.findings.states import LABELS
from zerocrop.findings.statute_models import ARTICLE_MAX, EXCERPT_MAX, SOURCE_MAX
from zerocrop.org.widgets import (
    PersonMultipleChoiceField,
    PersonSelect,
    PersonSelectMultiple,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _note() -> forms.CharField:
    return forms.CharField(
        label="情况说明",
        required=False,
        max_length=NOTE_MAX,
        error_messages={"max_length": f"情况说明不能超过 {NOTE_MAX} 个字"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _photos(label: str, required: bool = True) -> MultipleUploadField:
    return MultipleUploadField(
        label=label, required=required, error_messages={"required": f"请上传{label}"}
    )


class _PhotoLimit:
    """Bootstrap classes on every widget, phone-camera photo inputs, and the photo count."""

    def style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, PersonSelect | PersonSelectMultiple):
                continue
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

    def _limited(self, name: str) -> list[Any]:
        photos = self.cleaned_data.get(name) or []  # type: ignore[attr-defined]
        if len(photos) > settings.ZEROCROP_PHOTO_MAX_COUNT:
            raise forms.ValidationError(f"照片最多 {settings.ZEROCROP_PHOTO_MAX_COUNT} 张")
        return photos


def parse_quadrat_lines(text: str) -> list[dict[str, object]]:
    """Lines "面积 株数" (m², plants), separated by spaces, commas or ×, into quadrats."""
    quadrats: list[dict[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("，", " ").replace(",", " ").replace("×", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(
                f"样方第 {number} 行应为“面积（平方米） 株数”两个数，如：1 35"
            )
        quadrats.append({"area_m2": parts[0], "plants": parts[1]})
    return quadrats


class FindingForm(_PhotoLimit, forms.Form):
    unit = forms.ModelChoiceField(
        label="村（社区）",
        queryset=None,
        error_messages={"required": "请选择村（社区）", "invalid_choice": "所选村（社区）无权登记"},
    )
    campaign = forms.ModelChoiceField(label="所属行动", queryset=None, required=False)
    lon = forms.FloatField(
        label="经度",
        error_messages={"required": "请在地图上选点或填写经度", "invalid": "经度应为数字"},
    )
    lat = forms.FloatField(
        label="纬度",
        error_messages={"required": "请在地图上选点或填写纬度", "invalid": "纬度应为数字"},
    )
    source_crs = forms.ChoiceField(label="坐标系", choices=CRS_CHOICES, initial="wgs84")
    # A polygon drawn on the map (GeoJSON); empty for a point at lon/lat.
    outline = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200_000)
    place = forms.CharField(label="地点（组、地名）", max_length=200, required=False)
    species = forms.ChoiceField(label="植物种类", choices=FindingSpecies.choices)
    species_name = forms.CharField(label="其他种类名称", max_length=50, required=False)
    stage = forms.ChoiceField(label="生长期", choices=GrowthStage.choices)
    setting = forms.ChoiceField(label="种植场所", choices=Setting.choices)
    sprouted = forms.BooleanField(label="已出苗", required=False, initial=True)
    counting_method = forms.ChoiceField(
        label="计数方法", choices=CountingMethod.choices, initial=CountingMethod.EXACT
    )
    plant_count = forms.IntegerField(label="株数（实数清点）", required=False, min_value=0)
    area_m2 = forms.FloatField(label="种植面积（平方米）", required=False, min_value=0)
    quadrats = forms.CharField(
        label="样方（每行：面积 平方米、株数）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "例：1 35"}),
        help_text="样方推算时填写：株数 = 样方总株数 ÷ 样方总面积 × 种植面积",
    )
    source = forms.ChoiceField(label="发现方式", choices=FindingSource.choices)
    source_ref = forms.CharField(label="来源编号（靶点号、举报号）", max_length=100, required=False)
    found_at = forms.DateTimeField(
        label="发现时间", widget=DateTimeInput, error_messages={"required": "请填写发现时间"}
    )
    found_by = PersonMultipleChoiceField(
        label="发现人",
        queryset=None,
        widget=PersonSelectMultiple({"data-village-source": "#id_unit"}),
        error_messages={"required": "请填写发现人"},
    )
    resisted = forms.BooleanField(label="种植人抗拒铲除", required=False)
    self_removed = forms.BooleanField(label="种植人在成熟（收获）前自行铲除", required=False)
    reported_at = forms.DateTimeField(label="报告派出所时间", widget=DateTimeInput, required=False)
    report_receiver = forms.CharField(label="派出所接收人", max_length=50, required=False)
    note = _note()
    photos = _photos("现场照片", required=False)

    def __init__(self, *args: Any, units: Any, campaigns: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["campaign"].queryset = campaigns
        self.fields["found_by"].queryset = people
        self.style()

    def clean_outline(self) -> dict[str, Any] | None:
        text = (self.cleaned_data.get("outline") or "").strip()
        if not text:
            return None
        try:
            outline = json.loads(text)
        except ValueError:
            raise forms.ValidationError("地图上画的范围无法识别，请重新画") from None
        if not isinstance(outline, dict):
            raise forms.ValidationError("地图上画的范围无法识别，请重新画")
        return outline

    def clean_quadrats(self) -> list[dict[str, object]]:
        return parse_quadrat_lines(self.cleaned_data.get("quadrats") or "")

    def clean_photos(self) -> list[Any]:
        return self._limited("photos")


class FindingEditForm(_PhotoLimit, forms.Form):
    """The facts that may change after recording (location and count are voided and re-recorded)."""

    place = FindingForm.base_fields["place"]
    stage = FindingForm.base_fields["stage"]
    setting = FindingForm.base_fields["setting"]
    source = FindingForm.base_fields["source"]
    source_ref = FindingForm.base_fields["source_ref"]
    resisted = FindingForm.base_fields["resisted"]
    self_removed = FindingForm.base_fields["self_removed"]
    reported_at = FindingForm.base_fields["reported_at"]
    report_receiver = FindingForm.base_fields["report_receiver"]
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class PoliceFieldsForm(_PhotoLimit, forms.Form):
    """Grower identity and prior handling: shown to and filled by police and the town admin."""

    grower = forms.ModelChoiceField(
        label="种植人（重点人员）",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "所选种植人不存在或无权查看"},
        help_text="种植人须先登记为重点人员",
    )
    grower_unowned = forms.BooleanField(label="无主", required=False)
    prior_handled = forms.BooleanField(label="曾因种植被公安处理", required=False)
    prior_handling = forms.CharField(
        label="此前处理情况",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, growers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grower"].queryset = growers
        self.style()


class EradicateForm(_PhotoLimit, forms.Form):
    done_at = forms.DateTimeField(
        label="铲除时间", widget=DateTimeInput, error_messages={"required": "请填写铲除时间"}
    )
    method = forms.ChoiceField(label="铲除方式", choices=EradicationMethod.choices)
    done_by = PersonMultipleChoiceField(
        label="铲除人员", queryset=None, error_messages={"required": "请填写铲除人员"}
    )
    witnesses = PersonMultipleChoiceField(
        label="见证人（至少一名村干部）",
        queryset=None,
        error_messages={"required": "请填写见证人（至少一名村干部）"},
    )
    plants_destroyed = forms.IntegerField(
        label="铲除株数", min_value=1, error_messages={"required": "请填写铲除株数"}
    )
    destruction = forms.CharField(
        label="销毁方式",
        max_length=200,
        help_text="如：就地焚烧、深埋",
        error_messages={"required": "请填写销毁方式（如：就地焚烧、深埋）"},
    )
    before_photos = _photos("铲除前照片")
    after_photos = _photos("铲除后照片")
    note = _note()

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_by"].queryset = people
        self.fields["witnesses"].queryset = people
        self.style()

    def clean_before_photos(self) -> list[Any]:
        return self._limited("before_photos")

    def clean_after_photos(self) -> list[Any]:
        return self._limited("after_photos")


class RecheckForm(_PhotoLimit, forms.Form):
    done_at = forms.DateTimeField(
        label="复查时间", widget=DateTimeInput, error_messages={"required": "请填写复查时间"}
    )
    done_by = PersonMultipleChoiceField(
        label="复查人员", queryset=None, error_messages={"required": "请填写复查人员"}
    )
    regrowth = forms.BooleanField(label="发现复种或再生", required=False)
    regrowth_plants = forms.IntegerField(label="再生株数", required=False, min_value=0, initial=0)
    photos = _photos("复查照片")
    note = _note()

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_by"].queryset = people
        self.style()

    def clean_photos(self) -> list[Any]:
        return self._limited("photos")


STATE_CHOICES = [("", "全部状态"), *((s.value, label) for s, label in LABELS.items())]


class FindingFilterForm(_PhotoLimit, forms.Form):
    unit = forms.ChoiceField(label="村（社区）", required=False)
    species = forms.ChoiceField(
        label="种类", required=False, choices=[("", "全部种类"), *FindingSpecies.choices]
    )
    state = forms.ChoiceField(label="状态", required=False, choices=STATE_CHOICES)
    source = forms.ChoiceField(
        label="发现方式", required=False, choices=[("", "全部方式"), *FindingSource.choices]
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            ("", "全部村（社区）"),
            *((str(u.pk), u.name) for u in units),
        ]
        self.style()


class StatuteVerificationForm(_PhotoLimit, forms.Form):
    """The checked article and excerpt of one row of the statute table."""

    row_key = forms.ChoiceField(label="条文表行", error_messages={"required": "请选择条文表行"})
    article = forms.CharField(
        label="核实后的条号",
        max_length=ARTICLE_MAX,
        help_text="如“第××条”，可写到款、项；建议引用时只用这里填写的条号，不再附加款、项",
        error_messages={"required": "请填写核实后的条号（如“第××条”）"},
    )
    excerpt = forms.CharField(
        label="核实后的原文摘录",
        max_length=EXCERPT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写核实后的条文原文摘录"},
    )
    source = forms.CharField(
        label="核实来源",
        max_length=SOURCE_MAX,
        help_text="正式文本的出处，如公报期号或官方网址",
        error_messages={"required": "请填写核实所依据的来源（正式文本的出处）"},
    )

    def __init__(self, *args: Any, rows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["row_key"].choices = [
            (row.key, f"《{row.statute}》{row.article or '（条号未核实）'}") for row in rows
        ]
        self.style()
