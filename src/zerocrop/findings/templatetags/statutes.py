"""`{{ text|source_links }}`: a statute source with each web address as a link named in Chinese
(the address is the link's target, not its text, so the page reads in Chinese)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

URL = re.compile(r"https?://[^\s；;，,（）()]+")


@register.filter
def source_links(text: str) -> SafeString:
    parts: list[str] = []
    last = 0
    for number, match in enumerate(URL.finditer(text or ""), start=1):
        parts.append(escape(text[last : match.start()]))
        parts.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
                match.group(0),
                _("网页%(number)s") % {"number": number},
            )
        )
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped or format_html)
