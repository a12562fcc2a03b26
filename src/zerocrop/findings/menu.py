from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item


def register_menu_items() -> None:
    register_menu_item(
        section="findings",
        label=_("发现与铲除"),
        url_name="finding-list",
        icon="flower1",
        order=75,
        testid="menu-findings",
    )
