from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from zerocrop.campaigns.choices import (
    GROUP_ROLE_BY_LABEL,
    OFFICE_ROLE_BY_LABEL,
    GroupRole,
    PledgeKind,
)
from zerocrop.campaigns.services import guess_unit_kind
from zerocrop.core.upload_fields import UploadField
from zerocrop.org.models import AdminUnit

DEFAULT_PHASES = ("动员部署", "禁种宣传", "踏查铲毒", "总结检查")
MAX_PHASES = 12
MAX_MEMBERS = 200
MAX_UNITS = 200
# A pasted notice is a few pages; this is far above any real one and bounds what is stored.
NOTICE_TEXT_MAX_CHARS = 200_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format or "%Y-%m-%d")  # what <input type=date> reads


ROW_FIELD = re.compile(r"^(phase|member|unit)_\d+_")


def styled(form: forms.BaseForm, *, small: bool = False) -> None:
    """Bootstrap classes on every widget; an invalid field is marked once the form is checked."""
    errors = form._errors or {}  # never `form.errors`: that would validate a half-built form
    for name, field in form.fields.items():
        row = ROW_FIELD.match(name)
        is_small = small or bool(row)
        if row:  # a table cell has no <label>; say which row it is
            field.widget.attrs.setdefault(
                "aria-label", f"第{int(name.split('_')[1]) + 1}行{field.label}"
            )
        size = "-sm" if is_small else ""
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = f"form-select form-select{size}" if is_small else "form-select"
        else:
            css = f"form-control form-control{size}" if is_small else "form-control"
        if name in errors:
            css += " is-invalid"
        widget.attrs["class"] = css


class StyledForm(forms.Form):
    def full_clean(self) -> None:
        super().full_clean()
        styled(self, small=getattr(self, "small_widgets", False))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self, small=getattr(self, "small_widgets", False))


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


def town_initial(towns: Any, name: str | None) -> Any:
    """The town to preselect: the one the notice names, else the user's only town."""
    named = [t for t in towns if t.name == "".join((name or "").split())]
    if named:
        return named[0].pk
    return towns[0].pk if len(towns) == 1 else None


class TownField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CampaignFactsForm(StyledForm):
    """The editable part of a campaign draft: the campaign itself and its phases."""

    name = forms.CharField(label="行动名称", max_length=100)
    town = TownField(
        label="乡镇",
        queryset=AdminUnit.objects.none(),
        empty_label="请选择乡镇",
        error_messages={
            "required": "请选择行动所在的乡镇",
            "invalid_choice": "所选乡镇不在您的管辖范围内，请从列表中选择您所在的乡镇",
        },
    )
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

    def __init__(self, *args: Any, towns: Any, phase_count: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        count = self._count("phase_count", phase_count, MAX_PHASES)
        for i in range(count):
            self.fields[f"phase_{i}_name"] = forms.CharField(
                label="阶段名称", max_length=50, required=False
            )
            self.fields[f"phase_{i}_start"] = forms.DateField(
                label="开始", widget=DateInput, required=False
            )
            self.fields[f"phase_{i}_end"] = forms.DateField(
                label="结束", widget=DateInput, required=False
            )
            self.fields[f"phase_{i}_delete"] = forms.BooleanField(label="删除", required=False)
        styled(self)

    def _count(self, field: str, default: int, limit: int) -> int:
        count = _posted_count(self.data.get(field), default) if self.is_bound else default
        count = max(0, min(count, limit))
        self.fields[field].initial = count
        return count

    def _kept(self, prefix: str) -> list[int]:
        """Row numbers not ticked for deletion (all rows before validation)."""
        data = getattr(self, "cleaned_data", {})
        return [
            i
            for i in range(self.fields[f"{prefix}_count"].initial)
            if not data.get(f"{prefix}_{i}_delete")
        ]

    def phase_rows(self) -> list[tuple[forms.BoundField, ...]]:
        count = self.fields["phase_count"].initial
        return [
            tuple(self[f"phase_{i}_{part}"] for part in ("name", "start", "end", "delete"))
            for i in range(count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in self._kept("phase"):
            name = data.get(f"phase_{i}_name") or ""
            start, end = data.get(f"phase_{i}_start"), data.get(f"phase_{i}_end")
            if not name.strip() and start is None and end is None:
                continue  # an empty row added and left blank
            if not name.strip():
                self.add_error(f"phase_{i}_name", "阶段名称不能为空")
            for key in ("start", "end"):
                if data.get(f"phase_{i}_{key}") is None and f"phase_{i}_{key}" not in self.errors:
                    self.add_error(f"phase_{i}_{key}", "请填写日期")
            if isinstance(start, date) and isinstance(end, date) and end < start:
                self.add_error(f"phase_{i}_end", "结束日期早于开始日期")
        return data

    def _phases(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"phase_{i}_name"],
                "start": data[f"phase_{i}_start"].isoformat(),
                "end": data[f"phase_{i}_end"].isoformat(),
            }
            for i in self._kept("phase")
            if data.get(f"phase_{i}_start") is not None
        ]

    def apply_to(self, facts: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        campaign = dict(facts.get("campaign") or {})
        campaign.update(
            name=data["name"],
            town=data["town"].name,
            issuer=data.get("issuer") or "",
            issued_on=data["issued_on"].isoformat() if data.get("issued_on") else None,
        )
        return {**facts, "campaign": campaign, "phases": self._phases()}

    @classmethod
    def initial_from(cls, facts: dict[str, Any], *, towns: Any) -> dict[str, Any]:
        campaign = facts.get("campaign") or {}
        initial: dict[str, Any] = {
            "name": campaign.get("name") or "",
            "town": town_initial(list(towns), campaign.get("town")),
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
    """The number of rows to build; a bad value is refused by the field's own validation."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


ROLE_LABELS = [(label, label) for label in GROUP_ROLE_BY_LABEL]
OFFICE_ROLE_LABELS = [("", "—"), *((label, label) for label in OFFICE_ROLE_BY_LABEL)]
UNIT_KINDS = [
    ("village", "村"),
    ("community", "社区"),
    ("police_station", "派出所"),
    ("judicial_office", "司法所"),
    ("office", "机关科室"),
]


def _count_field(label: str, limit: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        widget=forms.HiddenInput,
        min_value=0,
        max_value=limit,
        required=False,
        error_messages={"max_value": f"{label}不能超过 %(limit_value)s"},
    )


class NoticeFactsForm(CampaignFactsForm):
    """The draft of an imported notice: campaign, phases, group and units, with its token.

    Rows can be added (an empty row) and ticked for deletion; a row left empty is ignored.
    A group row with a post but no name is a post to fill (待补录).
    """

    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    member_count = _count_field("领导小组人数", MAX_MEMBERS)
    unit_count = _count_field("单位数", MAX_UNITS)

    def __init__(
        self, *args: Any, member_count: int = 0, unit_count: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for i in range(self._count("member_count", member_count, MAX_MEMBERS)):
            self.fields[f"member_{i}_role"] = forms.ChoiceField(
                label="职务", choices=ROLE_LABELS, initial="成员"
            )
            self.fields[f"member_{i}_name"] = forms.CharField(
                label="姓名", max_length=50, required=False
            )
            self.fields[f"member_{i}_titles"] = forms.CharField(
                label="本职", max_length=200, required=False
            )
            self.fields[f"member_{i}_unit"] = forms.CharField(
                label="单位", max_length=100, required=False
            )
            self.fields[f"member_{i}_office_role"] = forms.ChoiceField(
                label="办公室职务", choices=OFFICE_ROLE_LABELS, required=False
            )
            self.fields[f"member_{i}_delete"] = forms.BooleanField(label="删除", required=False)
        for i in range(self._count("unit_count", unit_count, MAX_UNITS)):
            self.fields[f"unit_{i}_name"] = forms.CharField(
                label="单位名称", max_length=100, required=False
            )
            self.fields[f"unit_{i}_kind"] = forms.ChoiceField(
                label="类型", choices=UNIT_KINDS, initial="village"
            )
            self.fields[f"unit_{i}_liaison"] = forms.CharField(
                label="联络员", max_length=50, required=False
            )
            self.fields[f"unit_{i}_phone"] = forms.RegexField(
                label="联系电话",
                regex=r"^[0-9+\- ]{5,20}$",
                required=False,
                error_messages={"invalid": "电话号码只能包含数字、空格、+ 和 -"},
            )
            self.fields[f"unit_{i}_delete"] = forms.BooleanField(label="删除", required=False)
        styled(self)

    def member_rows(self) -> list[dict[str, forms.BoundField]]:
        parts = ("role", "name", "titles", "unit", "office_role", "delete")
        return [
            {part: self[f"member_{i}_{part}"] for part in parts}
            for i in range(self.fields["member_count"].initial)
        ]

    def unit_rows(self) -> list[dict[str, forms.BoundField]]:
        parts = ("name", "kind", "liaison", "phone", "delete")
        return [
            {part: self[f"unit_{i}_{part}"] for part in parts}
            for i in range(self.fields["unit_count"].initial)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in self._kept("unit"):
            name = (data.get(f"unit_{i}_name") or "").strip()
            if not name and (data.get(f"unit_{i}_liaison") or data.get(f"unit_{i}_phone")):
                self.add_error(f"unit_{i}_name", "请填写单位名称")
        return data

    def apply_to(self, facts: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        result = super().apply_to(facts)
        old_group = list(facts.get("group") or [])
        group = []
        for i in self._kept("member"):
            name = "".join((data.get(f"member_{i}_name") or "").split())
            titles = [
                t for t in re.split(r"[、，,；;\s]+", data.get(f"member_{i}_titles") or "") if t
            ]
            if not name and not titles:
                continue
            old = old_group[i] if i < len(old_group) else {}
            group.append(
                {
                    **old,
                    "role": data[f"member_{i}_role"],
                    "name": name or None,
                    "titles": titles,
                    "unit": "".join((data.get(f"member_{i}_unit") or "").split()) or None,
                    "office_role": data.get(f"member_{i}_office_role") or None,
                }
            )
        units, liaisons = [], []
        for i in self._kept("unit"):
            name = "".join((data.get(f"unit_{i}_name") or "").split())
            if not name:
                continue
            units.append({"name": name, "kind": data[f"unit_{i}_kind"]})
            liaison = "".join((data.get(f"unit_{i}_liaison") or "").split())
            if liaison:
                liaisons.append(
                    {"unit": name, "name": liaison, "phone": data.get(f"unit_{i}_phone") or None}
                )
        # A post without the row counts (not from the preview page) leaves those parts as drafted.
        if "member_count" in self.data:
            result["group"] = group
        if "unit_count" in self.data:
            result |= {"units": units, "liaisons": liaisons}
        return result

    @classmethod
    def initial_from(cls, facts: dict[str, Any], *, towns: Any) -> dict[str, Any]:
        initial = super().initial_from(facts, towns=towns)
        group = list(facts.get("group") or [])
        initial["member_count"] = len(group)
        for i, member in enumerate(group):
            initial[f"member_{i}_role"] = member.get("role") or "成员"
            initial[f"member_{i}_name"] = member.get("name") or ""
            initial[f"member_{i}_titles"] = "、".join(member.get("titles") or [])
            initial[f"member_{i}_unit"] = member.get("unit") or ""
            initial[f"member_{i}_office_role"] = member.get("office_role") or ""
        units = [dict(u) for u in facts.get("units") or []]
        liaisons = {lia.get("unit"): lia for lia in facts.get("liaisons") or []}
        for unit_name in liaisons:
            if unit_name and unit_name not in {u.get("name") for u in units}:
                units.append({"name": unit_name, "kind": None})
        initial["unit_count"] = len(units)
        for i, unit in enumerate(units):
            liaison = liaisons.get(unit.get("name")) or {}
            initial[f"unit_{i}_name"] = unit.get("name") or ""
            initial[f"unit_{i}_kind"] = unit.get("kind") or guess_unit_kind(unit.get("name") or "")
            initial[f"unit_{i}_liaison"] = liaison.get("name") or ""
            initial[f"unit_{i}_phone"] = liaison.get("phone") or ""
        return initial


class MemberForm(StyledForm):
    """One leadership-group member on the campaign page; no name but a post: a post to fill."""

    role = forms.ChoiceField(label="职务", choices=GroupRole.choices, initial=GroupRole.MEMBER)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    titles = forms.CharField(
        label="本职", max_length=200, required=False, help_text="多个职务用顿号分隔"
    )
    unit = forms.ModelChoiceField(
        label="所在单位", queryset=AdminUnit.objects.none(), required=False, empty_label="本镇"
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_member_%s")  # the campaign page has several forms
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("name") or "").strip() and not (data.get("titles") or "").strip():
            self.add_error("name", "请填写姓名，或填写待补录的职务")
        return data


class PhaseForm(StyledForm):
    name = forms.CharField(
        label="阶段名称", max_length=50, error_messages={"required": "请填写阶段名称"}
    )
    starts_on = forms.DateField(
        label="开始日期",
        widget=DateInput,
        error_messages={"required": "请填写开始日期", "invalid": "开始日期无法识别"},
    )
    ends_on = forms.DateField(
        label="结束日期",
        widget=DateInput,
        error_messages={"required": "请填写结束日期", "invalid": "结束日期无法识别"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_phase_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "结束日期早于开始日期")
        return data


class VillageForm(StyledForm):
    name = forms.CharField(
        label="村（社区）名称", max_length=100, error_messages={"required": "请填写村（社区）名称"}
    )
    kind = forms.ChoiceField(
        label="类型", choices=[("village", "村"), ("community", "社区")], initial="village"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_village_%s")
        super().__init__(*args, **kwargs)


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
