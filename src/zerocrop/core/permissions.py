from typing import Any

from zerocrop.org.choices import Role
from zerocrop.org.models import AdminUnit

MANAGING_ROLES = {Role.TOWN_ADMIN, Role.VILLAGE_CADRE}


def is_town_admin(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.TOWN_ADMIN)


def can_manage_unit(user: Any, unit: AdminUnit) -> bool:
    """Writes on a unit's records: town admins and village cadres, inside their scope."""
    if user.is_superuser and user.unit_id is None:
        return True
    if user.role not in MANAGING_ROLES or user.unit_id is None:
        return False
    return unit.is_within(user.unit)


FIELD_ROLES = {Role.TOWN_ADMIN, Role.VILLAGE_CADRE, Role.GRID_WORKER}


def can_do_fieldwork(user: Any, unit: AdminUnit) -> bool:
    """Record patrols and cross-check others' work: field roles, inside their scope."""
    if user.is_superuser and user.unit_id is None:
        return True
    if user.role not in FIELD_ROLES or user.unit_id is None:
        return False
    return unit.is_within(user.unit)
