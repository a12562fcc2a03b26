"""How large a request body and each uploaded file may be, per route: the one table of limits.

The middleware refuses a declared Content-Length above the route's body limit before anything
reads the body; the upload handler counts the bytes that actually arrive against the same
limits, per file and for the whole request (core/upload_handlers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

from zerocrop.core.sizes import MiB, mb

# Ordinary form fields (and the multipart framing around files): generous for typed text.
FORM_BYTES = 1 * MiB


@dataclass(frozen=True)
class FileLimit:
    label: str  # what the file is, in messages: 照片、扫描件
    max_bytes: int
    max_count: int = 1


@dataclass(frozen=True)
class RouteLimit:
    files: dict[str, FileLimit] = field(default_factory=dict)  # by form field name
    form_bytes: int = FORM_BYTES

    @property
    def max_body_bytes(self) -> int:
        return self.form_bytes + sum(f.max_bytes * f.max_count for f in self.files.values())

    def describe(self) -> str:
        """The limits in words, for the refusal page."""
        parts = [
            f"{rule.label}每个不超过 {mb(rule.max_bytes)}"
            + (f"，最多 {rule.max_count} 个" if rule.max_count > 1 else "")
            for rule in self.files.values()
        ]
        if not parts:
            return f"此处不接受上传文件，提交内容不超过 {mb(self.form_bytes)}"
        return "；".join(parts)


_ROUTES: dict[str, Callable[[], RouteLimit]] = {}


def register_upload_route(view_name: str, limit: Callable[[], RouteLimit]) -> None:
    """An app declares a route that takes files (from its AppConfig.ready).

    `limit` is called for each request, so limits read from settings can change.
    """
    _ROUTES[view_name] = limit


# JSON bodies (plot geometries drawn on the map) and admin forms: Django's own field cap.
LARGE_FORM_NAMESPACES = ("api-v1", "admin")


def _match(request: HttpRequest) -> ResolverMatch | None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def limit_for(request: HttpRequest) -> RouteLimit:
    """The limits of the route a request goes to; no files and a small body for unknown routes."""
    match = _match(request)
    if match is None:
        return RouteLimit()
    known = _ROUTES.get(match.view_name)
    if known is not None:
        return known()
    if match.namespaces[:1] and match.namespaces[0] in LARGE_FORM_NAMESPACES:
        return RouteLimit(form_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return RouteLimit()


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large_message(limit: RouteLimit, size: int | None) -> str:
    amount = f"（{mb(size, over=True)}）" if size else ""
    return f"提交的内容太大{amount}，未保存任何内容。{limit.describe()}。"
