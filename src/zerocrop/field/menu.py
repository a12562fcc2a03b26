"""The field app's menu items: the app itself, pairing a phone, and the admin's devices."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item
from zerocrop.field.capabilities import DEVICE_MANAGE, DEVICE_PAIR


@cache
def app_mounted() -> bool:
    # The app shell's URL belongs to the app's own module (urls_app); no item without it.
    try:
        reverse("field-app")
    except NoReverseMatch:
        return False
    return True


def _opens_app(request: HttpRequest) -> bool:
    return app_mounted()


def register_menu_items() -> None:
    register_menu_item(
        section="field",
        label=_("外业采集"),
        url_name="field-app",
        icon="phone",
        order=62,
        capability=DEVICE_PAIR,
        visible=_opens_app,
        testid="menu-field-app",
    )
    register_menu_item(
        section="field",
        label=_("启用外业采集"),
        url_name="field-pair",
        icon="qr-code",
        order=63,
        capability=DEVICE_PAIR,
        testid="menu-field-pair",
    )
    register_menu_item(
        section="field",
        label=_("外业设备"),
        url_name="field-devices",
        icon="phone-vibrate",
        order=95,
        capability=DEVICE_MANAGE,
        testid="menu-field-devices",
    )
