from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item
from zerocrop.findings.capabilities import CASE_MANAGE, KEY_PERSON_VIEW, STATUTE_VERIFY


def register_menu_items() -> None:
    register_menu_item(
        section="findings",
        label=_("发现与铲除"),
        url_name="finding-list",
        icon="flower1",
        order=75,
        testid="menu-findings",
    )
    register_menu_item(
        section="findings",
        label=_("重点人员"),
        url_name="key-person-list",
        icon="person-exclamation",
        order=76,
        capability=KEY_PERSON_VIEW,
        testid="menu-key-persons",
    )
    register_menu_item(
        section="findings",
        label=_("案件"),
        url_name="case-list",
        icon="folder2-open",
        order=77,
        capability=CASE_MANAGE,
        testid="menu-cases",
    )
    register_menu_item(
        section="findings",
        label=_("条文表与核实"),
        url_name="statute-list",
        icon="journal-check",
        order=78,
        capability=STATUTE_VERIFY,
        testid="menu-statutes",
    )
