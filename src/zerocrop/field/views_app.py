"""The offline field app's shell, its service worker and its manifest (all public: no data)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from zerocrop.field import precache

APP_NAME = "禁种铲毒外业"
THEME_COLOUR = "#1f5f3a"


def _shell_html() -> str:
    # Rendered without a request: the precached shell must not carry a session's token.
    return render_to_string("field/app.html", {"theme_colour": THEME_COLOUR, "app_name": APP_NAME})


@require_GET
def app_shell(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_shell_html())
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    shell_url = reverse("field-app")
    entries = [
        {"url": shell_url, "revision": precache.text_revision(_shell_html())},
        *precache.static_entries(),
    ]
    script = render_to_string(
        "field/sw.js",
        {
            "precache_json": json.dumps(entries, ensure_ascii=False),
            "workbox_sw": static("vendor/workbox-sw/workbox-sw.js"),
            "vendor_prefix": json.dumps(static("vendor/")),
            "shell_url": json.dumps(shell_url),
        },
    )
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = shell_url
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    shell_url = reverse("field-app")
    icons = [
        {
            "src": static(f"field/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("field/icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    body = {
        "name": APP_NAME,
        "short_name": "外业采集",
        "description": "禁种铲毒工作平台的外业采集应用：离线踏查、登记发现和铲除、核查靶点，"
        "联网后自动同步。",
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": shell_url,
        "scope": shell_url,
        "id": shell_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def session_state(request: HttpRequest) -> JsonResponse:
    """Whether this browser is logged in, and the CSRF token for the session-only pairing call.

    The shell itself is precached and cannot carry it; the cookie is HttpOnly.
    """
    user = request.user
    body: dict[str, object] = {"logged_in": bool(user.is_authenticated)}
    if user.is_authenticated:
        body.update(
            username=user.get_username(),
            name=getattr(user, "display_name", "") or user.get_username(),
            csrf_token=get_token(request),
        )
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
