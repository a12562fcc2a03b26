from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.db import transaction

from zerocrop.core.audit import audit_action, audit_record, snapshot
from zerocrop.core.errors import ApplicationError
from zerocrop.org.choices import OfficeKind, Role, UnitLevel
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.org.selectors import login_locks


@transaction.atomic
def unit_create(
    *,
    name: str,
    level: str,
    parent: AdminUnit | None = None,
    office_kind: str = OfficeKind.NONE,
    code: str = "",
    sort_order: int = 0,
    actor: Any = None,
) -> AdminUnit:
    name = "".join(name.split())
    if not name:
        raise ApplicationError("单位名称不能为空", field="name")
    if level != UnitLevel.COUNTY and level != UnitLevel.TOWN and parent is None:
        raise ApplicationError(f"「{name}」必须有上级单位", field="parent")
    unit = AdminUnit(
        name=name,
        level=level,
        parent=parent,
        office_kind=office_kind,
        code=code,
        sort_order=sort_order,
    )
    unit.path = f"{parent.path if parent else ''}{unit.id.hex}/"
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action="create", instance=unit, after=snapshot(unit))
    return unit


def unit_get_or_create(
    *,
    name: str,
    level: str,
    parent: AdminUnit | None,
    office_kind: str = OfficeKind.NONE,
    actor: Any = None,
) -> tuple[AdminUnit, bool]:
    name = "".join(name.split())
    existing = AdminUnit.objects.filter(name=name, parent=parent).first()
    if existing is not None:
        return existing, False
    return (
        unit_create(name=name, level=level, parent=parent, office_kind=office_kind, actor=actor),
        True,
    )


@transaction.atomic
def person_create(
    *, name: str, unit: AdminUnit, title: str = "", phone: str = "", actor: Any = None
) -> Person:
    name = "".join(name.split())
    if not name:
        raise ApplicationError("姓名不能为空", field="name")
    person = Person(name=name, unit=unit, title=title, phone=phone)
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="create", instance=person, after=snapshot(person))
    return person


def person_get_or_create(
    *, name: str, unit: AdminUnit, title: str = "", phone: str = "", actor: Any = None
) -> Person:
    """The person of that name in the unit, added (with title and phone) if not there yet."""
    existing = Person.objects.filter(name="".join(name.split()), unit=unit).first()
    return existing or person_create(name=name, unit=unit, title=title, phone=phone, actor=actor)


@transaction.atomic
def person_update(*, person: Person, actor: Any = None, **changes: str) -> Person:
    before = snapshot(person)
    for field in ("name", "title", "phone", "note"):
        if field in changes:
            setattr(person, field, changes[field].strip())
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action="update", instance=person, before=before, after=snapshot(person)
    )
    return person


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    unit: AdminUnit | None,
    person: Person | None = None,
    is_staff: bool = False,
    actor: Any = None,
) -> User:
    if role not in Role.values:
        raise ApplicationError(f"未知角色：{role}", field="role")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名「{username}」已存在", field="username")
    user = User(username=username, role=role, unit=unit, person=person, is_staff=is_staff)
    if person is not None:
        user.first_name = person.name
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="create", instance=user, after=snapshot(user))
    return user


@transaction.atomic
def login_lock_lift(*, username: str, ip_address: str | None, actor: Any) -> None:
    """Lift the lock of a user name for one address (its failure count starts again at 0)."""
    locks = login_locks(username=username, ip_address=ip_address)
    if not locks:
        raise ApplicationError("该锁定已不存在（可能已到期或已被解除），无需解除。")
    lock = locks[0]
    AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    audit_action(
        actor=actor,
        action="unlock",
        object_type="axes.lock",
        object_id=f"{username}@{ip_address or '-'}",
        object_repr=f"登录锁定：{username}（{ip_address or '未知地址'}）",
        before={
            "username": username,
            "ip_address": ip_address,
            "failures": lock.failures,
            "since": lock.since.isoformat(),
            "until": lock.until.isoformat(),
        },
    )
