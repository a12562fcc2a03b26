"""Text types for API schemas: bounded length, no control characters, Chinese labels.

Every text an API schema or query parameter takes is declared with `Text` (or `ModelText`,
which reads the length and label from the model field the text is stored in), so the rules are
checked once, by pydantic, before any view or service runs. The error handlers in
`zerocrop.api.errors` turn the resulting errors into Chinese messages naming the label.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from django.db import models
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

# Free text stored without a database limit (TextField) still gets one.
FREE_TEXT_MAX_LENGTH = 2000
MULTILINE_ALLOWED = frozenset("\t\n\r")


def _refuse_control_characters(*, multiline: bool) -> Any:
    allowed = MULTILINE_ALLOWED if multiline else frozenset()

    def check(value: str) -> str:
        for char in value:
            # Cc: control characters (NUL, ESC…); Cs: lone surrogates, which are not text and
            # cannot be stored as UTF-8.
            if unicodedata.category(char) in ("Cc", "Cs") and char not in allowed:
                raise PydanticCustomError(
                    "control_character",
                    "contains the control character U+{code:04X}",
                    {"code": ord(char)},
                )
        return value

    return AfterValidator(check)


def Text(  # noqa: N802 - used like a type: `name: Text(max_length=100, label="名称")`
    *, max_length: int, label: str, multiline: bool = False, min_length: int = 0
) -> Any:
    """A string of at most `max_length` characters without control characters.

    `multiline` allows tab and line breaks (notes, descriptions); `label` is the Chinese name
    that error messages use.
    """
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        _refuse_control_characters(multiline=multiline),
        Field(title=label),
    ]


def ModelText(model: type[models.Model], field_name: str, *, min_length: int = 0) -> Any:  # noqa: N802
    """`Text` with the length and label of the model field the value will be stored in."""
    field = model._meta.get_field(field_name)
    is_free_text = isinstance(field, models.TextField)
    return Text(
        max_length=field.max_length or FREE_TEXT_MAX_LENGTH,
        label=str(field.verbose_name),
        multiline=is_free_text,
        min_length=min_length,
    )
