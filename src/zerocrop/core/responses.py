"""JSON responses for the map and API: compact, gzip-compressed when the client accepts it."""

from __future__ import annotations

import gzip
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

GZIP_MIN_BYTES = 1024


def geojson_response(request: HttpRequest, payload: dict[str, Any]) -> HttpResponse:
    # Map payloads hold no secrets and echo no user input, so compressing them is safe from
    # BREACH-style attacks (pages with CSRF tokens are deliberately not compressed).
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    response = HttpResponse(content_type="application/geo+json")
    if len(body) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=5)
        response["Content-Encoding"] = "gzip"
    response.content = body
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
