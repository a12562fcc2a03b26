"""Pure helpers for the security headers in settings (no Django imports)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Leaflet's URL template placeholders, e.g. {s} for subdomains, {z}/{x}/{y} for the tile.
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_source(url_template: str) -> str | None:
    """The CSP source that admits the tiles of a Leaflet URL template, None for same-origin.

    `https://t{s}.tianditu.gov.cn/...` needs `https://*.tianditu.gov.cn`: a placeholder in the
    host can only be a wildcard for its leftmost label, which is what CSP allows.
    """
    parts = urlsplit(url_template.strip())
    if not parts.netloc:
        return None  # a path on this server: 'self' admits it
    if parts.scheme not in {"", "http", "https"}:
        raise ValueError(f"底图地址必须以 http:// 或 https:// 开头：{url_template}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"底图地址的端口无效：{url_template}") from None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    else:
        labels = host.split(".")
        if _PLACEHOLDER.search(labels[0]):
            labels[0] = "*"
        host = ".".join(labels)
    if not host or _PLACEHOLDER.search(host):
        raise ValueError(f"底图地址的主机名中只有最左一级可以含 {{s}} 之类的占位符：{url_template}")
    # Scheme-relative templates (//host/...) follow the page's scheme, and so does the source.
    scheme = f"{parts.scheme}://" if parts.scheme else ""
    return f"{scheme}{host}{f':{port}' if port else ''}"
