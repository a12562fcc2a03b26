"""`{% panels "slot" obj %}`: render the panels registered for a slot (see `core.panels`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from zerocrop.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    request = context.get("request")
    return mark_safe("".join(p.html for p in panels_for(slot, request, obj)))  # noqa: S308
