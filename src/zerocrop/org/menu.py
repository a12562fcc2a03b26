from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item
from zerocrop.org.capabilities import LOGIN_LOCKS


def register_menu_items() -> None:
    register_menu_item(
        section="org", label=_("单位"), url_name="unit-list", icon="diagram-3", order=80
    )
    register_menu_item(
        section="org", label=_("人员"), url_name="person-list", icon="people", order=90
    )
    register_menu_item(
        section="org",
        label=_("登录锁定"),
        url_name="login-locks",
        icon="shield-lock",
        order=100,
        capability=LOGIN_LOCKS.name,
        testid="nav-login-locks",
    )
