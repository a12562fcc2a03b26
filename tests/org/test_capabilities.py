"""The capability table says, for each role, what it may do and where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from zerocrop.org import capabilities
from zerocrop.org.capabilities import can, register_capability
from zerocrop.org.choices import Role
from zerocrop.org.models import AdminUnit, User

pytestmark = pytest.mark.django_db

TOWN_ONLY = ["campaign.create", "round.create", "zone.import", "login_locks.manage"]
# statute.verify (police and town admin) is unscoped: the statute table is installation-wide.

# role → the capabilities it holds (somewhere in its scope).
# registered by the findings app
FINDINGS = {"finding.record", "finding.eradicate", "finding.photo_originals"}
KEY_PERSONS = {"keyperson.view", "keyperson.visit"}  # findings too
# registered by the monitoring app
FIELD_MONITORING = {"target.verify", "sampling.check"}
# registered by the field app: pairing a phone (field roles and police), its devices (town)
DEVICE_PAIR = "device.pair"
EXPECTED = {
    Role.TOWN_ADMIN: {
        "unit.manage",
        "fieldwork",
        "campaign.edit_structure",
        "finding.police_fields",
        "statute.verify",
        "keyperson.manage",
        "case.manage",
        "target.import",
        "target.review",
        "sampling.design",
        "device.manage",
        DEVICE_PAIR,
        *FINDINGS,
        *KEY_PERSONS,
        *FIELD_MONITORING,
        *TOWN_ONLY,
    },
    Role.VILLAGE_CADRE: {
        "unit.manage",
        "fieldwork",
        "keyperson.manage",
        "target.review",
        DEVICE_PAIR,
        *FINDINGS,
        *KEY_PERSONS,
        *FIELD_MONITORING,
    },
    Role.GRID_WORKER: {"fieldwork", DEVICE_PAIR, *FINDINGS, *KEY_PERSONS, *FIELD_MONITORING},
    Role.LEADER: {"keyperson.view"},
    Role.POLICE: {
        "finding.police_fields",
        "finding.photo_originals",
        "keyperson.manage",
        "case.manage",
        "statute.verify",
        "target.verify",
        DEVICE_PAIR,
        *KEY_PERSONS,
    },
}


def _user(role: str, unit: AdminUnit | None, **extra: object) -> User:
    return User(username=f"u-{role}", role=role, unit=unit, **extra)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_capabilities(role: Role, town: AdminUnit) -> None:
    user = _user(role, town)
    held = {c.name for c in capabilities.capabilities() if can(user, c.name)}
    assert held == EXPECTED[role]


def test_every_capability_has_a_chinese_description() -> None:
    for capability in capabilities.capabilities():
        assert capability.description
        assert any("\u4e00" <= ch <= "\u9fff" for ch in capability.description), capability


def test_scoped_capabilities_hold_inside_the_unit_and_below_not_beside(unit_named) -> None:
    village, other = unit_named("毛布拉格村"), unit_named("排子湾村")
    town = village.parent
    cadre = _user(Role.VILLAGE_CADRE, village)
    assert can(cadre, "unit.manage", village)
    assert not can(cadre, "unit.manage", other)
    assert not can(cadre, "unit.manage", town)  # not upwards either
    grid = _user(Role.GRID_WORKER, village)
    assert can(grid, "fieldwork", village) and not can(grid, "fieldwork", other)
    assert not can(grid, "unit.manage", village)
    admin = _user(Role.TOWN_ADMIN, town)
    assert can(admin, "unit.manage", village) and can(admin, "unit.manage", other)


def test_a_user_without_a_unit_holds_no_scoped_capability(town: AdminUnit) -> None:
    assert not can(_user(Role.TOWN_ADMIN, None), "unit.manage", town)
    assert not can(_user(Role.TOWN_ADMIN, None), "unit.manage")


def test_superusers(unit_named) -> None:
    village, other = unit_named("毛布拉格村"), unit_named("排子湾村")
    everywhere = _user(Role.GRID_WORKER, None, is_superuser=True)
    assert all(can(everywhere, c.name, village) for c in capabilities.capabilities())
    # A superuser placed in a unit keeps the unit's scope for scoped rights...
    placed = _user(Role.VILLAGE_CADRE, village, is_superuser=True)
    assert can(placed, "unit.manage", village) and not can(placed, "unit.manage", other)
    # ...and holds the unscoped (town) rights, as `is_town_admin` did.
    assert can(placed, "login_locks.manage")


def test_anonymous_holds_nothing(town: AdminUnit) -> None:
    assert not any(can(AnonymousUser(), c.name, town) for c in capabilities.capabilities())


def test_an_unknown_capability_fails_loudly(town: AdminUnit) -> None:
    with pytest.raises(LookupError):
        can(_user(Role.TOWN_ADMIN, town), "liaison.editt")


def test_an_app_registers_its_own_capability(town: AdminUnit, monkeypatch) -> None:
    monkeypatch.setattr(capabilities, "_TABLE", dict(capabilities._TABLE))
    tip_identity = register_capability("tip.identity", "查看举报人身份", roles=[Role.POLICE])
    assert can(_user(Role.POLICE, town), tip_identity, town)
    assert not can(_user(Role.TOWN_ADMIN, town), "tip.identity", town)
    with pytest.raises(ValueError, match="already registered"):
        register_capability("tip.identity", "重复", roles=[Role.POLICE])
    with pytest.raises(ValueError, match="unknown roles"):
        register_capability("tip.other", "未知角色", roles=["sheriff"])


@pytest.mark.parametrize(
    ("username", "shown"),
    [("admin", True), ("leader", False), ("cadre", False), ("grid", False), ("police", False)],
)
def test_login_locks_menu_follows_the_table(login_as, username, shown) -> None:
    client = login_as(username)
    html = client.get("/org/units/").content.decode()
    assert ('data-testid="nav-login-locks"' in html) is shown
    assert (client.get("/org/login-locks/").status_code == 200) is shown


def test_the_template_tag_asks_the_table_and_fails_closed(unit_named) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    village, other = unit_named("毛布拉格村"), unit_named("排子湾村")
    request = RequestFactory().get("/")
    request.user = _user(Role.VILLAGE_CADRE, village)
    template = Template(
        '{% load capabilities %}{% can "unit.manage" unit as ok %}{{ ok }}'
        '{% can "unit.manage" as anywhere %} {{ anywhere }}'
    )
    assert template.render(Context({"request": request, "unit": village})) == "True True"
    assert template.render(Context({"request": request, "unit": other})) == "False True"
    # A misspelt unit variable hides the button instead of showing it everywhere.
    assert template.render(Context({"request": request})).startswith("False")
