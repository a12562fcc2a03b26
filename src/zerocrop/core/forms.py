"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import VOID_REASON_MAX_LENGTH


def add_application_error(
    form: forms.BaseForm,
    exc: ApplicationError,
    field_map: Mapping[str | None, str | None] | None = None,
) -> None:
    """Show a refused service call on `form`: under its field if the form has it, else on top.

    `field_map` renames the error's field to the form's (``{"threshold": "threshold_pct"}``);
    the key ``None`` places errors that name no field (``{None: "track"}``).
    """
    field = exc.field
    if field_map and field in field_map:
        field = field_map[field]
    form.add_error(field if field in form.fields else None, exc.message)


class VoidForm(forms.Form):
    """The reason asked before `core.voiding.void` (作废) of any record."""

    reason = forms.CharField(
        label="作废原因",
        max_length=VOID_REASON_MAX_LENGTH,
        error_messages={
            "required": "作废必须填写原因",
            "max_length": "原因不能超过 %(limit_value)d 个字",
        },
    )
