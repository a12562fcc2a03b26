"""The one table of what each role may do, and `can()`, which views and templates both ask.

A capability is a named right with a Chinese description, the roles that hold it and a scope
rule: a *scoped* capability holds only on the user's own unit and the units below it (a user
without a unit holds it nowhere, except a superuser without a unit, who holds it everywhere);
an *unscoped* one is held or not, whatever the unit. Apps that come later (police, tips,
supervision) add their own rows with `register_capability()` from their `AppConfig.ready()`.

What a user may *see* is decided elsewhere (`core.scoping`); this table decides what they may
*do* with what they see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from zerocrop.org.choices import Role
from zerocrop.org.models import AdminUnit


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    roles: frozenset[str]
    scoped: bool = True

    def __str__(self) -> str:
        return self.name


_TABLE: dict[str, Capability] = {}


def register_capability(
    name: str, description: str, *, roles: Iterable[str], scoped: bool = True
) -> Capability:
    """Add a row to the table; registering a name twice is a programming error."""
    if name in _TABLE:
        raise ValueError(f"capability {name!r} is already registered")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"capability {name!r} names unknown roles: {sorted(unknown)}")
    capability = Capability(name, description, frozenset(roles), scoped)
    _TABLE[name] = capability
    return capability


def capability_get(name: str | Capability) -> Capability:
    key = name.name if isinstance(name, Capability) else name
    try:
        return _TABLE[key]
    except KeyError:
        # A typo in a view or template must fail loudly, not silently hide a button.
        raise LookupError(f"unknown capability {key!r}") from None


def capabilities() -> list[Capability]:
    return sorted(_TABLE.values(), key=lambda c: c.name)


def can(user: Any, capability: str | Capability, unit: AdminUnit | None = None) -> bool:
    """May `user` use `capability` (on `unit`, for a scoped one)?

    For a scoped capability, `unit=None` asks "anywhere in the user's scope", which is what
    a page asks before showing a button whose unit is chosen later on a form.
    """
    cap = capability_get(capability)
    if not getattr(user, "is_authenticated", False):
        return False
    if not cap.scoped:
        return bool(user.is_superuser or user.role in cap.roles)
    if user.is_superuser and user.unit_id is None:
        return True
    if user.role not in cap.roles or user.unit_id is None:
        return False
    return unit is None or unit.is_within(user.unit)


MANAGING_ROLES = (Role.TOWN_ADMIN, Role.VILLAGE_CADRE)
FIELD_ROLES = (Role.TOWN_ADMIN, Role.VILLAGE_CADRE, Role.GRID_WORKER)

UNIT_MANAGE = register_capability(
    "unit.manage",
    "管理本单位及下级单位的记录：联络员、责任状（登记、作废）、地块、包保责任人、任务分包",
    roles=MANAGING_ROLES,
)
FIELDWORK = register_capability(
    "fieldwork", "在本单位及下级单位登记踏查记录、交叉复核他人的踏查", roles=FIELD_ROLES
)
CAMPAIGN_CREATE = register_capability(
    "campaign.create", "创建行动（手工或从实施方案导入）", roles=[Role.TOWN_ADMIN], scoped=False
)
CAMPAIGN_EDIT_STRUCTURE = register_capability(
    "campaign.edit_structure",
    "修改本乡镇行动的领导小组、村级单位和阶段",
    roles=[Role.TOWN_ADMIN],
)
ROUND_CREATE = register_capability(
    "round.create", "新建踏查轮次并生成任务", roles=[Role.TOWN_ADMIN], scoped=False
)
ZONE_IMPORT = register_capability(
    "zone.import", "导入重点、传统、潜在区域", roles=[Role.TOWN_ADMIN], scoped=False
)
LOGIN_LOCKS = register_capability(
    "login_locks.manage", "查看和解除登录锁定", roles=[Role.TOWN_ADMIN], scoped=False
)
