"""The menu registry, and that every role sees exactly the menu the hard-coded one showed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory

from zerocrop.core import navigation
from zerocrop.core.navigation import menu_for, register_menu_item
from zerocrop.field.menu import app_mounted
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

# The side menu as base.html hard-coded it before the registry (issue 8), kept to compare.
OLD_MENU = (Path(__file__).parent / "old_menu.html").read_text(encoding="utf-8")

LINK = re.compile(
    r'<a class="nav-link(?: active)?" href="([^"]+)"(?: aria-current="page")?'
    r'(?: (data-testid="[^"]+"))?><i class="bi ([^"]+)"></i> ([^<]+)</a>'
)


def _links(html: str) -> list[tuple[str, str, str, str]]:
    return [
        (href, testid or "", icon, label.strip())
        for href, testid, icon, label in LINK.findall(html)
    ]


def _sidenav(html: str) -> str:
    start = html.index('id="sidenav"')
    return html[start : html.index("</ul>", start)]


def _request(username: str, path: str = "/org/units/"):
    request = RequestFactory().get(path)
    request.user = User.objects.get(username=username)
    return request


# Items of apps added after the registry, which the old menu could not have shown.
NEWER_ITEMS = {
    # Shown to whoever has a target in scope: every demo role (毛布拉格村 has one).
    "/monitoring/": ('data-testid="menu-targets"', "bi-crosshair", "靶点核查"),
    "/monitoring/batches/": ('data-testid="menu-target-batches"', "bi-inboxes", "靶点批次"),
    "/findings/": ('data-testid="menu-findings"', "bi-flower1", "发现与铲除"),
    "/findings/persons/": ('data-testid="menu-key-persons"', "bi-person-exclamation", "重点人员"),
}
# Newer items behind a capability: who sees them.
NEWER_FOR = {
    "/findings/cases/": (
        {"admin", "police"},
        ('data-testid="menu-cases"', "bi-folder2-open", "案件"),
    ),
    "/findings/statutes/": (
        {"admin", "police"},
        ('data-testid="menu-statutes"', "bi-journal-check", "条文表与核实"),
    ),
    "/monitoring/sampling/": (
        {"admin"},
        ('data-testid="menu-sampling"', "bi-grid-3x3-gap", "潜在区域抽测"),
    ),
    "/field/pair/": (
        {"admin", "cadre", "grid", "police"},
        ('data-testid="menu-field-pair"', "bi-qr-code", "启用外业采集"),
    ),
    "/field/devices/": (
        {"admin"},
        ('data-testid="menu-field-devices"', "bi-phone-vibrate", "外业设备"),
    ),
}
if app_mounted():  # the app shell (field.urls_app) gives 外业采集 its page
    NEWER_FOR["/field/app/"] = (
        {"admin", "cadre", "grid", "police"},
        ('data-testid="menu-field-app"', "bi-phone", "外业采集"),
    )


@pytest.mark.parametrize("username", ["admin", "leader", "cadre", "grid", "police"])
def test_each_role_sees_the_menu_it_saw_before(login_as, username) -> None:
    page = login_as(username).get("/org/units/").content.decode()
    old = Template(OLD_MENU).render(RequestContext(_request(username)))
    expected = _links(old)
    assert len(expected) >= 8  # the comparison is not vacuous
    links = _links(_sidenav(page))
    shown = {**NEWER_ITEMS, **{h: i for h, (users, i) in NEWER_FOR.items() if username in users}}
    newer = [link for link in links if link[0] in NEWER_ITEMS or link[0] in NEWER_FOR]
    # Sorted: the newer items sit where their order puts them, between the old ones.
    assert sorted(newer) == sorted((href, *item) for href, item in shown.items())
    assert [link for link in links if link[0] not in shown] == expected


def test_the_roles_differ_where_the_old_menu_did(login_as) -> None:
    labels = {
        u: [
            label for *_, label in _links(_sidenav(login_as(u).get("/org/units/").content.decode()))
        ]
        for u in ("admin", "police")
    }
    assert "登录锁定" in labels["admin"] and "登录锁定" not in labels["police"]
    assert "数据管理" in labels["admin"] and "数据管理" not in labels["police"]


def test_the_current_section_is_marked_by_the_longest_prefix(login_as, demo_campaign) -> None:
    page = login_as("admin").get(f"/campaigns/{demo_campaign.pk}/pledges/").content.decode()
    active = re.findall(r'class="nav-link active" href="([^"]+)" aria-current="page"', page)
    assert active == [f"/campaigns/{demo_campaign.pk}/pledges/"]  # not 行动 (/campaigns/)
    entries = menu_for(_request("admin", "/geo/plots/?kind=historical"))
    assert [e.label for e in entries if e.active] == ["地块台账"]
    assert not any(e.active for e in menu_for(_request("admin", "/")))  # home claims no page


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(navigation, "_REGISTRY", {})


def test_items_come_in_order_and_duplicates_are_refused(registry, demo_campaign) -> None:
    register_menu_item(section="t", label="乙", url_name="person-list", icon="b", order=20)
    register_menu_item(section="t", label="甲", url_name="unit-list", icon="a", order=10)
    assert [e.label for e in menu_for(_request("cadre"))] == ["甲", "乙"]
    with pytest.raises(ValueError, match="already registered"):
        register_menu_item(section="t", label="再", url_name="unit-list", icon="a", order=1)


def test_capability_and_visible_hide_items(registry, demo_campaign) -> None:
    register_menu_item(
        section="t",
        label="锁",
        url_name="login-locks",
        icon="x",
        order=1,
        capability="login_locks.manage",
    )
    register_menu_item(
        section="t",
        label="任务",
        url_name="my-tasks",
        icon="x",
        order=2,
        visible=lambda request: request.user.username == "grid",
    )
    register_menu_item(
        section="t",
        label="轮次",
        url_name="round-detail",
        icon="x",
        order=3,
        url_kwargs=lambda request: {"round_id": "00000000-0000-0000-0000-000000000001"},
    )
    assert [e.label for e in menu_for(_request("admin"))] == ["锁", "轮次"]
    grid = menu_for(_request("grid"))
    assert [e.label for e in grid] == ["任务", "轮次"]
    assert grid[1].url == "/patrols/rounds/00000000-0000-0000-0000-000000000001/"


def test_an_anonymous_visitor_gets_no_menu(demo_campaign) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert menu_for(request) == []
