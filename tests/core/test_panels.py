"""The panel registry: slots, order, refusals, capability and None-context hiding, the tag."""

from __future__ import annotations

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory

from zerocrop.core import panels
from zerocrop.core.panels import panels_for, register_panel, registered_panels
from zerocrop.core.visibility import set_visibility_check, user_may_see
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

FACT = "core/_panel_fact.html"


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry, so panels a test registers vanish with it."""
    monkeypatch.setattr(panels, "_REGISTRY", {k: dict(v) for k, v in panels._REGISTRY.items()})


def _request(username: str):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    return request


def _fact(label: str):
    return lambda request, obj: {"label": label, "value": f"{obj}"}


def test_panels_render_in_order_with_the_object(registry, demo_campaign) -> None:
    register_panel(slot="unit.detail", key="t.b", template=FACT, order=20, context=_fact("乙"))
    register_panel(slot="unit.detail", key="t.a", template=FACT, order=10, context=_fact("甲"))
    rendered = panels_for("unit.detail", _request("admin"), "某村")
    keys = [p.key for p in rendered]
    assert keys.index("t.a") < keys.index("t.b")
    html = next(p.html for p in rendered if p.key == "t.a")
    assert '<dt class="col-4">甲</dt><dd class="col-8">某村</dd>' in html


def test_a_duplicate_key_in_a_slot_or_an_unknown_slot_is_refused(registry) -> None:
    register_panel(slot="round.detail", key="t.same", template=FACT, order=1, context=_fact("x"))
    with pytest.raises(ValueError, match="already registered"):
        register_panel(
            slot="round.detail", key="t.same", template=FACT, order=2, context=_fact("y")
        )
    # the same key in another slot is a different panel
    register_panel(slot="unit.detail", key="t.same", template=FACT, order=1, context=_fact("z"))
    with pytest.raises(ValueError, match="unknown panel slot"):
        register_panel(
            slot="campaign.overveiw", key="t.x", template=FACT, order=1, context=_fact("x")
        )
    with pytest.raises(ValueError, match="unknown panel slot"):
        panels_for("no.such.slot", _request("admin"), None)


def test_a_context_of_none_hides_the_panel(registry, demo_campaign) -> None:
    register_panel(
        slot="unit.detail", key="t.none", template=FACT, order=1, context=lambda r, o: None
    )
    assert "t.none" not in [p.key for p in panels_for("unit.detail", _request("admin"), None)]


def test_a_capability_hides_the_panel_from_users_without_it(registry, demo_campaign) -> None:
    register_panel(
        slot="unit.detail",
        key="t.locks",
        template=FACT,
        order=1,
        context=_fact("锁定"),
        capability="login_locks.manage",
    )
    shown = {
        u: "t.locks" in [p.key for p in panels_for("unit.detail", _request(u), None)]
        for u in ("admin", "leader", "cadre", "police")
    }
    assert shown == {"admin": True, "leader": False, "cadre": False, "police": False}
    assert [p.key for p in registered_panels("unit.detail")].count("t.locks") == 1


def test_without_a_visibility_check_a_capability_is_an_error_not_a_guess() -> None:
    previous = set_visibility_check(None)
    try:
        assert user_may_see(None, None)
        with pytest.raises(RuntimeError, match="no visibility check"):
            user_may_see(None, "unit.manage")
    finally:
        set_visibility_check(previous)


def test_the_template_tag_renders_the_slot(registry, demo_campaign) -> None:
    register_panel(slot="unit.detail", key="t.tag", template=FACT, order=1, context=_fact("标签"))
    html = Template('{% load panels %}<dl>{% panels "unit.detail" thing %}</dl>').render(
        RequestContext(_request("admin"), {"thing": "对象"})
    )
    assert '<dt class="col-4">标签</dt><dd class="col-8">对象</dd>' in html
