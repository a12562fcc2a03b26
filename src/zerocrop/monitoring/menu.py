"""The menu item of the target pages (靶点核查)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item


def _sees_targets(request: HttpRequest) -> bool:
    from zerocrop.monitoring.selectors import targets_visible

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return targets_visible(user=user).exists()


def register_menu_items() -> None:
    register_menu_item(
        section="monitoring",
        label=_("靶点核查"),
        url_name="target-list",
        icon="crosshair",
        order=71,
        visible=_sees_targets,
        testid="menu-targets",
    )
