"""The side menu, composed by registration: each app registers the items for the pages it owns.

`base.html` loops over `menu` (supplied by `core.context_processors.navigation`). An item is
shown when its `capability` (checked through `core.visibility`, org's `can` with no unit) and its
`visible(request)` both allow it. The current page's item is the one whose URL is the longest
prefix of the request path (the home URL "/" never claims a page of its own section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zerocrop.core.visibility import user_may_see


@dataclass(frozen=True)
class MenuItem:
    section: str  # who owns the item ("campaigns", "geo", …); kept for grouping later
    label: str
    url_name: str
    icon: str  # a Bootstrap Icons name without the "bi-" prefix
    order: int
    capability: str | None = None
    visible: Callable[[HttpRequest], bool] | None = None
    url_kwargs: Callable[[HttpRequest], dict[str, Any]] | None = None
    testid: str = ""


@dataclass(frozen=True)
class MenuEntry:
    item: MenuItem
    url: str
    active: bool = False

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def icon(self) -> str:
        return self.item.icon

    @property
    def testid(self) -> str:
        return self.item.testid


_REGISTRY: dict[str, MenuItem] = {}


def register_menu_item(
    *,
    section: str,
    label: str,
    url_name: str,
    icon: str,
    order: int,
    capability: str | None = None,
    visible: Callable[[HttpRequest], bool] | None = None,
    url_kwargs: Callable[[HttpRequest], dict[str, Any]] | None = None,
    testid: str = "",
) -> MenuItem:
    """Add an item; its key is `url_name`, and registering the same page twice is an error."""
    if url_name in _REGISTRY:
        raise ValueError(f"menu item for {url_name!r} is already registered")
    item = MenuItem(section, label, url_name, icon, order, capability, visible, url_kwargs, testid)
    _REGISTRY[url_name] = item
    return item


def unregister_menu_item(url_name: str) -> None:
    """For tests that register an item of their own."""
    _REGISTRY.pop(url_name, None)


def menu_items() -> list[MenuItem]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.url_name))


def _active_index(urls: list[str], path: str) -> int | None:
    best, best_length = None, 0
    for index, url in enumerate(urls):
        if url != "/" and path.startswith(url) and len(url) > best_length:
            best, best_length = index, len(url)
    return best


def menu_for(request: HttpRequest) -> list[MenuEntry]:
    """The items this user may see, in order, with the current page's item marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    shown: list[tuple[MenuItem, str]] = []
    for item in menu_items():
        if not user_may_see(user, item.capability):
            continue
        if item.visible is not None and not item.visible(request):
            continue
        kwargs = item.url_kwargs(request) if item.url_kwargs else None
        shown.append((item, reverse(item.url_name, kwargs=kwargs)))
    active = _active_index([url for _, url in shown], request.path)
    return [MenuEntry(item, url, index == active) for index, (item, url) in enumerate(shown)]
