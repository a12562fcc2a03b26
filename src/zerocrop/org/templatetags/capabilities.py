"""`{% can "capability" [unit] as name %}`: the template side of `org.capabilities.can`."""

from __future__ import annotations

from typing import Any

from django import template

from zerocrop.org.capabilities import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, capability: str, unit: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if unit == "":
        return False  # an unresolved unit variable: show nothing rather than guess
    return _can(user, capability, unit)
