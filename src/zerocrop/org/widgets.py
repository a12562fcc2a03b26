"""The searchable person picker shared by every form that chooses people (分包, 上传轨迹, 包保).

The field lists people in the org tree's order, labels each "姓名 · 单位", and its widget hands
static/zerocrop/person_picker.js (Tom Select) each person's unit and village; the widget
renders a village filter above the list, preset to the village the page is about.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit, Person
from zerocrop.org.ordering import natural_key, tree_key

_VILLAGE_LEVELS = {UnitLevel.VILLAGE, UnitLevel.COMMUNITY}


class _TreeOrderIterator(ModelChoiceIterator):
    """People sorted by their unit's place in the tree, then by natural name."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = list(self.queryset.select_related("unit"))
        units = self.field.ancestors(people)
        people.sort(key=lambda p: (tree_key(p.unit.path, units), natural_key(p.name)))
        for person in people:
            yield self.choice(person)


class _PersonPickerMixin:
    """Adds `data-data` (unit, village) to each option and the village filter to the context."""

    template_name = "org/widgets/person_picker.html"
    villages: list[AdminUnit]
    village: Any

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "form-select", "data-person-picker": "", **(attrs or {})})  # type: ignore[call-arg]
        self.villages = []
        self.village = None
        self.village_of: dict[str, AdminUnit] = {}

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> Any:
        option = super().create_option(name, value, label, *args, **kwargs)  # type: ignore[misc]
        person = value.instance if isinstance(value, ModelChoiceIteratorValue) else None
        if isinstance(person, Person):
            village = self.village_of.get(person.unit.path)
            option["attrs"]["data-data"] = json.dumps(
                {
                    "name": person.name,
                    "unit": person.unit.name,
                    "village": village.id.hex if village else "",
                },
                ensure_ascii=False,
            )
        return option

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        village = self.village
        context["widget"]["villages"] = self.villages
        context["widget"]["village"] = village.id.hex if isinstance(village, AdminUnit) else ""
        return context


class PersonSelect(_PersonPickerMixin, forms.Select):
    pass


class PersonSelectMultiple(_PersonPickerMixin, forms.SelectMultiple):
    pass


class _PersonFieldMixin:
    iterator = _TreeOrderIterator
    widget: _PersonPickerMixin

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {obj.unit.name}"

    def ancestors(self, people: list[Person]) -> dict[str, AdminUnit]:
        """Every unit on the people's paths (hex id → unit); records each path's village."""
        ids = {i for p in people for i in p.unit.path.strip("/").split("/") if i}
        units = {u.id.hex: u for u in AdminUnit.objects.filter(pk__in=ids)}
        villages: dict[str, AdminUnit] = {}
        for person in people:
            chain = [units.get(i) for i in person.unit.path.strip("/").split("/")]
            village = next((u for u in chain if u and u.level in _VILLAGE_LEVELS), None)
            if village is not None:
                villages[person.unit.path] = village
        found = {v.id.hex: v for v in villages.values()}
        self.widget.village_of = villages
        self.widget.villages = sorted(found.values(), key=lambda v: tree_key(v.path, units))
        return units

    def show_village(self, village: AdminUnit | None) -> None:
        """Preset the picker's village filter (the village the page is about)."""
        self.widget.village = village


class PersonChoiceField(_PersonFieldMixin, forms.ModelChoiceField):
    widget = PersonSelect


class PersonMultipleChoiceField(_PersonFieldMixin, forms.ModelMultipleChoiceField):
    widget = PersonSelectMultiple
