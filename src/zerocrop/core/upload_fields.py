"""Form fields for uploads that show why the upload handler refused a file."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class RefusedUpload(UploadedFile):
    """Stands in request.FILES for a file whose bytes were dropped while arriving (no content)."""

    def __init__(self, *, name: str, message: str) -> None:
        super().__init__(file=io.BytesIO(), name=name, size=0)
        self.message = message


class UploadField(forms.FileField):
    """A file field that reports the upload handler's refusal (too large, too many) as its error."""

    def to_python(self, data: Any) -> Any:
        if isinstance(data, RefusedUpload):
            raise forms.ValidationError(data.message, code="refused")
        return super().to_python(data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files under one name (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for item in items:
            try:
                cleaned.append(super().clean(item, initial))
            except forms.ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return [c for c in cleaned if c]
