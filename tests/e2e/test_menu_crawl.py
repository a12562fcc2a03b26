"""No English on any page reachable from the menu, for every demo role.

A test client walks each role's menu (core.navigation) and one level of the site's links from
those pages; a browser then reads the rendered text (widgets made by JavaScript included) of a
sample of them. Pages of the same shape (one plot page and another) are read twice at most.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client, RequestFactory
from tests.support.visible_text import english_words

from zerocrop.core.navigation import menu_for
from zerocrop.demo.campaign import DEMO_PASSWORD
from zerocrop.org.models import User

pytestmark = pytest.mark.e2e

ROLES = ["admin", "leader", "cadre", "grid", "police"]

# Not pages to read: leaving, files and machine-readable answers, the browser-only docs page.
SKIPPED = re.compile(
    r"^/(logout/|static/|evidence/|api/|healthz|patrols/photos/)|/export/|/scan/|/download|\.(kml|kmz|geojson|gpx|csv|"
    r"xlsx|zip|shp|json)$"
)
SAME_SHAPE = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|\d+")
PER_SHAPE = 2

# Words a Chinese reader reads as they are, each for its reason:
ALLOWED = {
    # the demo's account names and plot codes (无定河 → WDH): data people typed, not our text
    "admin", "leader", "cadre", "grid", "police", "WDH",
    # file formats and extensions, named as the files the user has are named
    "GPX", "KML", "KMZ", "GeoJSON", "CSV", "Excel", "xlsx", "docx", "txt", "PDF", "PNG", "JPG",
    "csv", "Shapefile", "shp", "shx", "dbf", "prj", "zip", "GeoPackage", "WKT", "JSON", "json",
    "ovkml", "ovkmz",  # 奥维's own KML extensions
    # standards and their codes: coordinate systems, text encodings, the digest algorithm
    "GPS", "GCJ", "EPSG", "UTF", "GBK", "SHA",
    # a product the user exports from, by its name
    "Google", "Earth",
    # the law-text collection (a GitHub repository) the statute table cites as a source
    "LawRefBook", "Laws",
    # key names in Django's own Chinese help for multiple choice ("按住 Control…Mac 上的 Command")
    "Control", "Mac", "Command",
}  # fmt: skip


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        # Links, and the fragments htmx loads into a page (a job's progress).
        href = named.get("href") if tag == "a" else named.get("hx-get")
        if href:
            self.hrefs.append(href)


def _site_links(html: str, base: str) -> list[str]:
    reader = _Links()
    reader.feed(html)
    links = []
    for href in reader.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href or href.startswith(("mailto:", "tel:")):
            continue
        if not href.startswith("/"):
            href = base.rsplit("/", 1)[0] + "/" + href if not href.startswith("?") else base + href
        links.append(href)
    return links


def _menu_urls(user: User) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [entry.url for entry in menu_for(request)]


def _admin_change_pages() -> list[str]:
    """One record's change page of every model in the admin (two levels below the menu)."""
    from django.contrib import admin
    from django.urls import reverse

    pages = []
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is not None:
            meta = model._meta
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    return pages


def _may_visit(url: str, username: str) -> bool:
    path = urlsplit(url).path
    if SKIPPED.search(path):
        return False
    if path.startswith("/admin/"):
        # The admin is read as the admin only, and not its per-object history and deletions.
        return username == "admin" and not re.search(r"/(delete|history|logout|password)/", path)
    return True


def crawl(username: str) -> dict[str, set[str] | int]:
    """Every page of the menu and one level below: the English words found, or the status."""
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    user = User.objects.get(username=username)
    start = _menu_urls(user)
    assert start, username
    if username == "admin":
        start += ["/admin/", *_admin_change_pages()]
    found: dict[str, set[str] | int] = {}
    shapes: dict[str, int] = {}
    queue = [(url, 0) for url in start]
    seen = set()
    while queue:
        url, depth = queue.pop(0)
        if url in seen or not _may_visit(url, username):
            continue
        shape = SAME_SHAPE.sub("#", url)
        if depth and shapes.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url, follow=True)
        if response.status_code != 200:
            found[url] = response.status_code
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        words = english_words(html, allowed=ALLOWED)
        if words:
            found[url] = words
        if depth == 0:
            queue += [(link, 1) for link in _site_links(html, urlsplit(url).path)]
    found["__pages__"] = len(seen)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_no_english_on_any_page_reachable_from_the_menu(demo_campaign, username) -> None:
    found = crawl(username)
    pages = found.pop("__pages__")
    assert pages >= 8, f"{username} reached only {pages} pages"
    assert found == {}, "\n".join(f"{url}: {words}" for url, words in sorted(found.items()))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_the_pages_that_say_no_speak_chinese(demo_campaign, username) -> None:
    """A page that does not exist, one the role may not open, and the login page."""
    client = Client()
    login = client.get("/login/")
    assert login.status_code == 200 and not english_words(login.content.decode())
    assert client.login(username=username, password=DEMO_PASSWORD)
    missing = client.get("/geo/plots/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert not english_words(missing.content.decode(), allowed=ALLOWED)
    refused = client.get("/patrols/rounds/new/")
    if username != "admin":
        assert refused.status_code == 403
    assert not english_words(refused.content.decode(), allowed=ALLOWED)


def _admin_change(model_label: str) -> str:
    from django.apps import apps
    from django.urls import reverse

    model = apps.get_model(model_label)
    meta = model._meta
    pk = model._default_manager.order_by("pk").first().pk
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])


# Pages whose widgets JavaScript makes: the map's controls, the admin's two-list pickers
# (a user's groups and permissions, a round's villages) and its calendar and clock.
SAMPLE = {
    "admin": [
        "/",
        "/geo/map/",
        "/patrols/rounds/",
        "/org/people/",
        "/admin/",
        lambda: _admin_change("org.user"),
        lambda: _admin_change("patrols.surveyround"),
        lambda: _admin_change("patrols.patrolrecord"),
    ],
    "leader": ["/", "/campaigns/"],
    "cadre": ["/geo/plots/", "/geo/map/"],
    "grid": ["/patrols/mine/"],
    "police": ["/"],
}

# What the browser shows: the rendered text and the spoken attributes of every element.
RENDERED = """() => {
  const spoken = ["title", "placeholder", "aria-label", "alt"];
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("*")) {
    for (const name of spoken) { const v = el.getAttribute(name); if (v) parts.push(v); }
    if (el.matches("input[type=submit], input[type=button]")) parts.push(el.value);
  }
  return parts.join("\\n");
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_rendered_pages_speak_chinese(logged_in, live_server, viewport) -> None:
    from html import escape

    for username, paths in SAMPLE.items():
        page = logged_in(username)
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        for path in paths:
            path = path() if callable(path) else path
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            text = page.evaluate(RENDERED)
            assert re.search("[\u4e00-\u9fff]{4}", text), (username, path, text[:200])
            words = english_words(f"<p>{escape(text)}</p>", allowed=ALLOWED)
            assert not words, (username, path, words)
        page.context.clear_cookies()


def test_identifiers_shown_as_they_are_are_not_english_words() -> None:
    shown = "<p>对象 1dd9c564-3d70-accb-b991-a9c46adfad17，哈希 deadbeefcafebabe0123，Export</p>"
    assert english_words(shown) == {"Export"}


def test_a_typed_command_is_not_prose_but_the_words_around_it_are() -> None:
    page = '<p title="Tip">可用 <code>zerocrop sample-estimate</code> 复核 <b>Done</b></p>'
    assert english_words(page) == {"Tip", "Done"}
