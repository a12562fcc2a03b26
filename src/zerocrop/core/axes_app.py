"""django-axes under a Chinese name in the admin (its AppConfig has no verbose name)."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "登录防护"
