"""The field app's menu items: the app itself, pairing a phone, the admin's devices and bundles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item
from zerocrop.field.capabilities import DEVICE_MANAGE, DEVICE_PAIR


def register_menu_items() -> None:
    register_menu_item(
        section="field",
        label=_("外业采集"),
        url_name="field-app",
        icon="phone",
        order=62,
        capability=DEVICE_PAIR,
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
    register_menu_item(
        section="field",
        label=_("离线数据包导入"),
        url_name="field-bundles",
        icon="file-earmark-zip",
        order=96,
        capability=DEVICE_MANAGE,
        testid="menu-field-bundles",
    )
