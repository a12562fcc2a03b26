"""`{% phone_for holder %}`: a phone number as the viewing user may see it.

The holder is anything with a `phone` and the `unit` it belongs to: a Person, or a campaign's
Liaison (whose contact number is kept on the liaison row).

A phone number is personal data (collect and show only what is needed): whoever manages the
person's unit (`unit.manage` on it) calls them and sees the number in full; everyone else who can
see the person sees it masked, enough to recognise, not to dial.
"""

from __future__ import annotations

from typing import Any

from django import template

from zerocrop.org.capabilities import UNIT_MANAGE, can

register = template.Library()


def phone_masked(phone: str) -> str:
    """138****1234: the first three and last four digits of a mobile number, the rest starred.

    A landline keeps its last four digits, a short number its last two (none if four or fewer);
    separators stay where they are.
    """
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if len(digits) >= 11:
        shown = digits[:-8] + digits[-4:]  # a country code stays with the first three
    elif len(digits) >= 7:
        shown = digits[-4:]
    elif len(digits) > 4:
        shown = digits[-2:]
    else:
        shown = []
    return "".join("*" if ch.isdigit() and i not in shown else ch for i, ch in enumerate(phone))


@register.simple_tag(takes_context=True)
def phone_for(context: template.Context, person: Any) -> str:
    phone = getattr(person, "phone", "") or ""
    if not phone:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return phone if can(user, UNIT_MANAGE, person.unit) else phone_masked(phone)
