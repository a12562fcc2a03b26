"""Forms of the org app: login with the per-name throttle (core.login_throttle), person search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from zerocrop.core import login_throttle


class ThrottledLoginMixin:
    throttle_message = ""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        message = login_throttle.check_before_login(self.request, username)
        if message:
            # Refused before any password is checked: not a failure, nothing counts it.
            self.throttle_message = message
            raise forms.ValidationError(message, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                login_throttle.record_failure(username=username)
            raise


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        error_messages={"max_length": "查找的姓名不能超过 %(limit_value)d 个字"},
    )
