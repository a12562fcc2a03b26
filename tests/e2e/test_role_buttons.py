"""A role sees the button of an action only when org.capabilities lets it act, and the server
refuses the same action (403, nothing changed) to every role that may not.

The table names the action, the capability and unit it needs, the page and the button's marker,
and the POST; whether a role may act is asked of `can()` itself, so the test follows the table of
capabilities rather than restating it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from zerocrop.campaigns.models import Campaign, Pledge
from zerocrop.demo.patrols import DEMO_ROUND
from zerocrop.geo.models import Plot
from zerocrop.monitoring.models import TargetBatch
from zerocrop.org.capabilities import can
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.patrols.models import SurveyRound, TaskCell

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

ROLES = ["admin", "leader", "cadre", "grid", "police"]
VILLAGE = "毛布拉格村"


@dataclass(frozen=True)
class Action:
    name: str
    capability: str
    unit: Callable[[], AdminUnit | None]  # the unit the action is on; None: anywhere in scope
    page: Callable[[], str]
    marker: str  # present in the page exactly when the role may act
    post: Callable[[], tuple[str, dict[str, Any]]]
    state: Callable[[], Any] = lambda: None  # what a refused POST must leave as it was


def _village() -> AdminUnit:
    return AdminUnit.objects.get(name=VILLAGE)


def _plot() -> Plot:
    return Plot.objects.filter(unit__name=VILLAGE, voided_at__isnull=True).order_by("pk").first()


def _round() -> SurveyRound:
    return SurveyRound.objects.get(name=DEMO_ROUND)  # the patrol round, not the demo's 抽测


def _cell() -> TaskCell:
    return TaskCell.objects.filter(round=_round(), unit__name=VILLAGE).order_by("code").first()


def _pledge() -> Pledge:
    return Pledge.objects.filter(unit__name=VILLAGE, voided_at__isnull=True).order_by("pk").first()


def _campaign() -> Campaign:
    return Campaign.objects.get(is_demo=True)


def _person() -> Person:
    return Person.objects.filter(unit__name=VILLAGE).order_by("name").first()


ACTIONS = [
    Action(
        "作废地块",
        "unit.manage",
        lambda: _plot().unit,
        lambda: f"/geo/plots/{_plot().pk}/",
        'data-testid="plot-void"',
        lambda: (f"/geo/plots/{_plot().pk}/void/", {"reason": "重复录入"}),
        lambda: Plot.objects.filter(voided_at__isnull=False).count(),
    ),
    Action(
        "批量指定包保责任人",
        "unit.manage",
        lambda: None,
        lambda: "/geo/plots/",
        'data-testid="plots-assign"',
        lambda: ("/geo/plots/assign/", {"plots": str(_plot().pk), "responsible": _person().pk}),
        lambda: list(Plot.objects.values_list("pk", "responsible_id").order_by("pk")),
    ),
    Action(
        "导入地块",
        "unit.manage",
        lambda: None,
        lambda: "/geo/plots/",
        'data-testid="plot-import"',
        lambda: ("/geo/import/", {}),
    ),
    Action(
        "导入靶点批次",
        "target.import",
        lambda: None,
        lambda: "/monitoring/batches/",
        'data-testid="batch-import"',
        lambda: ("/monitoring/batches/import/", {}),
        lambda: TargetBatch.objects.count(),
    ),
    Action(
        "导入实施方案",
        "campaign.create",
        lambda: None,
        lambda: "/campaigns/",
        'href="/campaigns/import/"',
        lambda: ("/campaigns/import/", {}),
    ),
    Action(
        "手工创建行动",
        "campaign.create",
        lambda: None,
        lambda: "/campaigns/",
        'href="/campaigns/new/"',
        lambda: ("/campaigns/new/", {}),
    ),
    Action(
        "创建踏查轮次",
        "round.create",
        lambda: None,
        lambda: "/patrols/rounds/",
        'data-testid="round-create"',
        lambda: ("/patrols/rounds/new/", {}),
    ),
    Action(
        "分包任务",
        "unit.manage",
        _village,
        lambda: f"/patrols/rounds/{_round().pk}/assign/?unit={_village().pk}",
        'data-testid="cells-assign"',
        lambda: (
            f"/patrols/rounds/{_round().pk}/assign/?unit={_village().pk}",
            {"cells": str(_cell().pk), "people": [str(_person().pk)], "team": "一组"},
        ),
        lambda: (list(_cell().assignees.values_list("pk", flat=True)), _cell().state),
    ),
    Action(
        "作废责任状",
        "unit.manage",
        lambda: _pledge().unit,
        lambda: f"/campaigns/{_campaign().pk}/pledges/",
        'action="/pledges/{pledge}/void/"',
        lambda: (f"/pledges/{_pledge().pk}/void/", {"reason": "重复登记"}),
        lambda: Pledge.objects.filter(voided_at__isnull=False).count(),
    ),
    Action(
        "解除登录锁定",
        "login_locks.manage",
        lambda: None,
        lambda: "/",
        'href="/org/login-locks/"',
        lambda: ("/org/login-locks/lift/", {"username": "grid", "ip_address": "127.0.0.1"}),
    ),
]


def _client(username: str) -> Client:
    from zerocrop.demo.campaign import DEMO_PASSWORD

    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
@pytest.mark.parametrize("username", ROLES)
def test_a_button_shows_exactly_when_the_role_may_act_and_the_server_agrees(
    demo_campaign, username: str, action: Action
) -> None:
    user = User.objects.get(username=username)
    allowed = can(user, action.capability, action.unit())
    client = _client(username)
    response = client.get(action.page(), follow=True)
    assert response.status_code == 200, action.page()
    marker = action.marker.replace("{pledge}", str(_pledge().pk))
    assert (marker in response.content.decode()) is allowed, (username, action.name, allowed)

    url, data = action.post()
    before = action.state()
    response = client.post(url, data)
    if allowed:
        assert response.status_code != 403, (username, action.name)
    else:
        assert response.status_code == 403, (username, action.name, response.status_code)
        assert action.state() == before


def test_the_table_covers_both_sides_of_every_capability_it_names(demo_campaign) -> None:
    """Each action is allowed to some role and refused to another, or it tests nothing."""
    for action in ACTIONS:
        allowed = {
            u for u in ROLES if can(User.objects.get(username=u), action.capability, action.unit())
        }
        assert allowed and allowed != set(ROLES), (action.name, allowed)


@pytest.mark.parametrize("username", [*ROLES, "cadre2"])
def test_the_export_button_exports_only_the_role_s_own_units(demo_campaign, username) -> None:
    """Every role may export its plot ledger; what it gets is its own scope, nothing beside."""
    import json

    user = User.objects.get(username=username)
    client = _client(username)
    assert 'href="/geo/plots/export/?format=geojson' in client.get("/geo/plots/").content.decode()
    response = client.get("/geo/plots/export/", {"format": "geojson"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    units = {f["properties"]["unit"] for f in json.loads(body)["features"]}
    own = {
        u.name
        for u in AdminUnit.objects.filter(path__startswith=user.unit.path)
        if Plot.objects.filter(unit=u, voided_at__isnull=True).exists()
    }
    assert units == own, (username, units, own)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_in_the_browser_a_role_sees_only_the_buttons_it_may_use(
    logged_in, live_server, viewport
) -> None:
    """The same table read in Chromium: the buttons as drawn, not only as sent."""
    for username in ROLES:
        page = logged_in(username)
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        user = User.objects.get(username=username)
        for action in ACTIONS:
            page.goto(f"{live_server.url}{action.page()}")
            marker = action.marker.replace("{pledge}", str(_pledge().pk)).replace('"', "'")
            name, _sep, value = marker.partition("=")
            count = page.locator(f"[{name}={value}]").count()
            assert (count > 0) is can(user, action.capability, action.unit()), (
                username,
                action.name,
            )
        page.context.clear_cookies()
