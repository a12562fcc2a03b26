"""The field app's shell, service worker and manifest: public, data-free, precaching every file
under static/field/ with the SHA-256 of its bytes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from zerocrop.field import precache
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

FIELD_STATIC = Path(__file__).resolve().parents[2] / "src/zerocrop/field/static"


def _precache(response) -> list[dict[str, str]]:
    text = response.content.decode()
    match = re.search(r"precacheAndRoute\((\[.*?\]), \{", text, re.S)
    assert match, text[:500]
    return json.loads(match.group(1))


def test_the_shell_is_public_chinese_and_holds_no_data(client: Client, demo_campaign) -> None:
    response = Client().get("/field/app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html and 'rel="manifest"' in html
    assert 'id="app"' in html
    assert "<script>" not in html and "<style" not in html  # strict CSP: no inline code
    assert "csrfmiddlewaretoken" not in html
    # logged in, the page is the same bytes: no names, no tokens, nothing of the user
    client.force_login(User.objects.get(username="grid"))
    assert client.get("/field/app/").content == response.content


def test_the_service_worker_scope_and_headers() -> None:
    response = Client().get("/field/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/field/app/"
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    assert 'importScripts("/static/vendor/workbox-sw/workbox-sw.js")' in text
    assert "modulePathCb" in text
    assert "NetworkOnly" in text


def test_the_precache_lists_every_field_file_with_its_hash() -> None:
    entries = {e["url"]: e["revision"] for e in _precache(Client().get("/field/app/sw.js"))}
    on_disk = [p for p in (FIELD_STATIC / "field").rglob("*") if p.is_file() and p.suffix != ".map"]
    assert len(on_disk) >= 8
    for file in on_disk:
        url = "/static/" + file.relative_to(FIELD_STATIC).as_posix()
        assert entries.get(url) == hashlib.sha256(file.read_bytes()).hexdigest(), url
    # the vendor files the shell loads, and the shell itself
    vendor = ("vendor/dexie/dexie.min.js", "vendor/fflate/index.js", "vendor/leaflet/leaflet.js")
    for path in vendor:
        real = Path(finders.find(path))
        assert entries[f"/static/{path}"] == hashlib.sha256(real.read_bytes()).hexdigest()
    shell = Client().get("/field/app/").content
    assert entries["/field/app/"] == hashlib.sha256(shell).hexdigest()


def test_every_script_the_shell_loads_is_precached() -> None:
    html = Client().get("/field/app/").content.decode()
    entries = {e["url"] for e in _precache(Client().get("/field/app/sw.js"))}
    loaded = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    present = [url for url in loaded if finders.find(url.removeprefix("/static/"))]
    assert present and set(present) <= entries


def test_a_new_file_under_static_field_is_precached_without_a_list(tmp_path, settings) -> None:
    extra = tmp_path / "field" / "js" / "screens"
    extra.mkdir(parents=True)
    (extra / "added_later.js").write_text("export const x = 1;\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    finders.get_finder.cache_clear()
    try:
        urls = [e["url"] for e in precache.static_entries()]
    finally:
        finders.get_finder.cache_clear()
    assert "/static/field/js/screens/added_later.js" in urls


def test_the_manifest_is_valid_json_in_chinese() -> None:
    response = Client().get("/field/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    body = json.loads(response.content)
    assert body["name"] == "禁种铲毒外业"
    assert body["start_url"] == body["scope"] == "/field/app/"
    assert body["display"] == "standalone"
    assert body["lang"].lower() == "zh-hans"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        assert Client().get(icon["src"]).status_code == 200 or finders.find(
            icon["src"].removeprefix("/static/")
        )


def test_session_state_tells_the_app_whether_this_browser_is_logged_in(
    client: Client, grid_user
) -> None:
    anonymous = Client().get("/field/app/session")
    assert anonymous.json() == {"logged_in": False}
    assert anonymous["Cache-Control"] == "no-store"
    client.force_login(grid_user)
    body = client.get("/field/app/session").json()
    assert body["logged_in"] is True and body["username"] == "grid" and body["csrf_token"]
