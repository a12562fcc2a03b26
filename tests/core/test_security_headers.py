"""Security headers: the CSP on every page, no inline script to need it relaxed, deploy checks."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zerocrop.config.headers import tile_source

SRC = Path(__file__).resolve().parents[2] / "src" / "zerocrop"


# --- the policy on every HTML response ---------------------------------------------------------


def _plain_paths(patterns: list, prefix: str = "") -> list[str]:
    """Every URL of the project that takes no parameter (admin excluded: checked by name)."""
    paths = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            paths += _plain_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


def _assert_strict(response, path: str) -> None:  # noqa: ANN001
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], path
    assert directives.get("default-src") == ["'self'"], path
    assert directives.get("object-src") == ["'none'"], path
    assert directives.get("frame-ancestors") == ["'none'"], path
    assert directives.get("base-uri") == ["'self'"], path
    assert directives.get("form-action") == ["'self'"], path
    assert "'unsafe-inline'" not in directives.get("style-src", []), path
    assert "geolocation=(self)" in response.headers.get("Permissions-Policy", ""), path
    assert "microphone=()" in response.headers["Permissions-Policy"], path


def test_every_html_page_carries_the_csp(admin_client_demo, demo_campaign) -> None:
    from zerocrop.geo.models import Plot
    from zerocrop.patrols.models import PatrolRecord, SurveyRound

    survey_round = SurveyRound.objects.first()
    plot = Plot.objects.first()
    record = PatrolRecord.objects.first()
    paths = _plain_paths(get_resolver().url_patterns) + [
        f"/campaigns/{demo_campaign.pk}/",
        f"/campaigns/{demo_campaign.pk}/pledges/",
        f"/geo/plots/{plot.pk}/",
        f"/patrols/rounds/{survey_round.pk}/",
        f"/patrols/rounds/{survey_round.pk}/assign/",
        f"/patrols/rounds/{survey_round.pk}/review/",
        f"/patrols/rounds/{survey_round.pk}/dead-corners/",
        f"/patrols/records/{record.pk}/",
        "/admin/",
        "/admin/geo/plot/",
        f"/admin/geo/plot/{plot.pk}/change/",
        "/no-such-page/",
    ]
    html = 0
    for path in paths:
        response = admin_client_demo.get(path)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            html += 1
            _assert_strict(response, path)
    assert html >= 15


def test_the_login_page_carries_the_csp(client) -> None:  # noqa: ANN001
    response = client.get("/login/")
    assert response.status_code == 200
    _assert_strict(response, "/login/")


# --- nothing in our templates or scripts needs the policy relaxed -----------------------------

TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))
SCRIPTS = sorted(SRC.glob("**/static/**/*.js"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# Ways a script turns a string into HTML; build nodes with zcDom (static/zerocrop/dom.js).
HTML_SINKS = re.compile(
    r"\.innerHTML\s*\+?=(?!\s*[\"']{2})|\.outerHTML\s*=|insertAdjacentHTML|document\.write"
    # Leaflet parses a string given as tooltip, popup or icon content: only nodes may go there.
    r"|\b(?:bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\("
    r"(?!\s*(?:text|el|zcDom\.\w+)\(|\s*\(\)\s*=>)"
    r"|\bhtml\s*:(?!\s*(?:text|el)\()|\beval\(|new Function\("
)


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 20 and len(SCRIPTS) >= 6


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_script_or_event_handlers(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it into a static file"
    assert not EVENT_ATTRIBUTE.search(text), "on*= handler: use addEventListener in a static file"
    assert not JAVASCRIPT_URL.search(text)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(SRC)))
def test_no_script_turns_text_into_html(script: Path) -> None:
    found = HTML_SINKS.findall(script.read_text(encoding="utf-8"))
    assert not found, f"HTML sink {found}: build DOM nodes with window.zcDom instead"


def test_the_lint_catches_the_old_sinks() -> None:
    for sink in [
        "layer.bindTooltip(f.properties.name, { sticky: true })",
        "layer.bindPopup(`<strong>${esc(p.code)}</strong>`)",
        'div.innerHTML = rows.join("")',
        "L.divIcon({ html: `<span>${n}</span>` })",
    ]:
        assert HTML_SINKS.search(sink), sink
    safe_uses = ['results.innerHTML = ""', "layer.bindTooltip(text(name))", "bindPopup(() => el())"]
    for safe in safe_uses:
        assert not HTML_SINKS.search(safe), safe
    assert INLINE_SCRIPT.search("<script>\nalert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert EVENT_ATTRIBUTE.search('<select name="unit"\n onchange="this.form.submit()">')
    assert not EVENT_ATTRIBUTE.search('<div data-autosubmit class="mone">')


# --- the basemap's tiles are admitted, nothing else ---------------------------------------------


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}&tk=KEY", "https://*.tianditu.gov.cn"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("//{s}.tiles.example.org/{z}/{x}/{y}.png", "*.tiles.example.org"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source(template: str, source: str | None) -> None:
    assert tile_source(template) == source


@pytest.mark.parametrize("template", ["ftp://tiles.example/{z}", "https://a.{s}.example/{z}"])
def test_tile_source_refuses_what_csp_cannot_express(template: str) -> None:
    with pytest.raises(ValueError, match="底图地址"):
        tile_source(template)


# --- production settings ------------------------------------------------------------------------


def _production(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZEROCROP_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DATABASE_URL", None)  # its own SQLite in the data folder
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never deployed
    (tmp_path / "data").mkdir(exist_ok=True)
    clean.update(
        ZEROCROP_DATA_DIR=str(tmp_path / "data"),
        ZEROCROP_SECRET_KEY=secrets.token_urlsafe(60),
        ZEROCROP_AUDIT_KEY=secrets.token_urlsafe(60),
        ZEROCROP_ALLOWED_HOSTS="zerocrop.example.gov.cn,testserver",
        DJANGO_SETTINGS_MODULE="zerocrop.config.settings",
        PYTHONPATH=os.pathsep.join([str(SRC.parent), clean.get("PYTHONPATH", "")]),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_behind_https(tmp_path: Path) -> None:
    result = _production(
        tmp_path,
        "import sys; from django.core.management import execute_from_command_line as run; "
        "run(['zerocrop', 'check', '--deploy', '--fail-level', 'WARNING'])",
        ZEROCROP_HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_every_silenced_deploy_check_has_a_written_reason(tmp_path: Path) -> None:
    result = _production(
        tmp_path,
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SILENCED_SYSTEM_CHECKS, s.DEPLOY_CHECKS_SILENCED]))",
        ZEROCROP_HTTPS="1",
    )
    assert result.returncode == 0, result.stderr
    silenced, reasons = json.loads(result.stdout)
    for check in silenced:
        if check.startswith("security."):
            assert len(reasons.get(check, "")) >= 20, check


def test_https_turns_on_redirect_and_hsts_but_not_for_the_health_probe(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(); r = c.get('/login/'); h = c.get('/healthz'); "
        "s = c.get('/login/', headers={'X-Forwarded-Proto': 'https'}); "
        "print(r.status_code, r.headers.get('Location'), h.status_code, "
        "s.headers.get('Strict-Transport-Security'))"
    )
    result = _production(tmp_path, code, ZEROCROP_HTTPS="1")
    assert result.returncode == 0, result.stderr
    status, location, health, hsts = result.stdout.split(" ", 3)
    assert status == "301" and location.startswith("https://")
    assert health != "301"
    assert hsts.strip() == "max-age=31536000; includeSubDomains"


def test_the_basemap_host_is_allowed_for_images(tmp_path: Path) -> None:
    result = _production(
        tmp_path,
        "import django; django.setup(); from django.conf import settings as s; "
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))",
        ZEROCROP_BASEMAP_URL="https://t{s}.tianditu.gov.cn/img_w/wmts?tk=K&x={x}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]
