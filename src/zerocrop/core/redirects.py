"""Where to go after a form: the page's own ``next``, only if it stays on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """``next`` from the POST body or query string if it is a path on this site, else ``default``.

    Only absolute paths ("/patrols/…") are followed: a full URL to another host, a
    scheme-relative "//host" or a bare word ("x", which would resolve against the form's own
    URL) all fall back to ``default``.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
