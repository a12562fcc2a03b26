"""Page composition by registration: apps add panels to other apps' pages without editing them.

A page declares a slot (`{% load panels %}{% panels "campaign.overview" campaign %}`) and every
app that has something to show there registers a `Panel` from its `AppConfig.ready()`. A panel's
`context(request, obj)` returns the template context, or None to show nothing (no data, not
applicable). A panel that names a capability is shown only to users who hold it anywhere in
their scope; the check is org's, installed through `core.visibility` (core cannot import org).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from zerocrop.core.visibility import user_may_see

PanelContext = Callable[[HttpRequest, Any], "dict[str, Any] | None"]

SLOTS: set[str] = {
    "campaign.overview",
    "campaign.indicators",
    "plot.facts",
    "unit.detail",
    "round.detail",
    "tasks.mine",
    "finding.facts",
}


@dataclass(frozen=True)
class Panel:
    slot: str
    key: str
    template: str
    order: int
    context: PanelContext
    capability: str | None = None


@dataclass(frozen=True)
class RenderedPanel:
    panel: Panel
    html: SafeString

    @property
    def key(self) -> str:
        return self.panel.key


_REGISTRY: dict[str, dict[str, Panel]] = {}


def register_slot(slot: str) -> None:
    """A new page declares its slot once (from its app's ready()) before others register."""
    SLOTS.add(slot)


def register_panel(
    *,
    slot: str,
    key: str,
    template: str,
    order: int,
    context: PanelContext,
    capability: str | None = None,
) -> Panel:
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    panels = _REGISTRY.setdefault(slot, {})
    if key in panels:
        raise ValueError(f"panel {key!r} is already registered in slot {slot!r}")
    panel = Panel(slot, key, template, order, context, capability)
    panels[key] = panel
    return panel


def unregister_panel(*, slot: str, key: str) -> None:
    """For tests that register a panel of their own."""
    _REGISTRY.get(slot, {}).pop(key, None)


def registered_panels(slot: str) -> list[Panel]:
    return sorted(_REGISTRY.get(slot, {}).values(), key=lambda p: (p.order, p.key))


def panels_for(slot: str, request: HttpRequest, obj: Any) -> list[RenderedPanel]:
    """The slot's panels that have something to show this user, rendered, in order."""
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    user = getattr(request, "user", None)
    rendered = []
    for panel in registered_panels(slot):
        if not user_may_see(user, panel.capability):
            continue
        context = panel.context(request, obj)
        if context is None:
            continue
        html = render_to_string(panel.template, {**context, "obj": obj}, request=request)
        rendered.append(RenderedPanel(panel, mark_safe(html)))  # noqa: S308 (rendered template)
    return rendered
