from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError

from zerocrop.campaigns.choices import GROUP_ROLE_BY_LABEL, OFFICE_ROLE_BY_LABEL, GroupRole
from zerocrop.campaigns.models import (
    Campaign,
    CriticalWindow,
    GroupMember,
    Liaison,
    Phase,
    Pledge,
)
from zerocrop.campaigns.windows import default_windows, edit_bounds, period_of
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.files import Upload
from zerocrop.core.voiding import void
from zerocrop.org.choices import OfficeKind, UnitLevel
from zerocrop.org.models import AdminUnit, Person
from zerocrop.org.selectors import unit_list
from zerocrop.org.services import person_get_or_create, unit_create, unit_get_or_create

UNIT_KIND_TO_LEVEL = {
    "village": (UnitLevel.VILLAGE, OfficeKind.NONE),
    "community": (UnitLevel.COMMUNITY, OfficeKind.NONE),
    "police_station": (UnitLevel.OFFICE, OfficeKind.POLICE_STATION),
    "judicial_office": (UnitLevel.OFFICE, OfficeKind.JUDICIAL_OFFICE),
    "office": (UnitLevel.OFFICE, OfficeKind.TOWN_OFFICE),
}


def guess_unit_kind(name: str) -> str:
    for suffix, kind in (
        ("社区", "community"),
        ("村", "village"),
        ("嘎查", "village"),
        ("派出所", "police_station"),
        ("司法所", "judicial_office"),
    ):
        if name.endswith(suffix):
            return kind
    return "office"


def _parse_date(value: Any, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ApplicationError(
            f"{label}的日期「{value}」无法识别，应为 2022-04-26 这样的格式"
        ) from exc


def _clean_name(value: Any) -> str:
    return "".join(str(value or "").split())


@transaction.atomic
def campaign_create(
    *,
    name: str,
    town: AdminUnit,
    year: int,
    phases: list[dict[str, Any]],
    issuer: str = "",
    issued_on: date | None = None,
    title: str = "",
    goals: list[str] | None = None,
    office_location: str = "",
    monitoring_modes: list[Any] | None = None,
    notice_text: str = "",
    is_demo: bool = False,
    actor: Any = None,
) -> Campaign:
    name = _clean_name(name)
    if not name:
        raise ApplicationError("行动名称不能为空", field="name")
    if Campaign.objects.filter(unit=town, name=name).exists():
        raise ApplicationError(f"{town.name}已有名为「{name}」的行动", field="name")
    campaign = Campaign(
        name=name,
        title=title,
        year=year,
        unit=town,
        issuer=issuer,
        issued_on=issued_on,
        goals=goals or [],
        office_location=office_location,
        monitoring_modes=monitoring_modes or [],
        notice_text=notice_text,
        is_demo=is_demo,
    )
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, action="create", instance=campaign, after=snapshot(campaign))
    previous_end: date | None = None
    for order, spec in enumerate(phases, start=1):
        label = f"第{order}阶段「{spec.get('name', '')}」"
        start = _parse_date(spec.get("start"), label)
        end = _parse_date(spec.get("end"), label)
        if end < start:
            raise ApplicationError(f"{label}的结束日期早于开始日期")
        if previous_end is not None and start < previous_end:
            raise ApplicationError(f"{label}的开始日期早于上一阶段的结束日期")
        previous_end = end
        phase = Phase(
            campaign=campaign,
            order=order,
            name=_clean_name(spec.get("name")) or f"第{order}阶段",
            starts_on=start,
            ends_on=end,
        )
        phase.full_clean()
        phase.save()
        audit_record(actor=actor, action="create", instance=phase, after=snapshot(phase))
    for species, stage, start, end in default_windows(year):
        window = CriticalWindow.objects.create(
            campaign=campaign, species=species, stage=stage, starts_on=start, ends_on=end
        )
        audit_record(actor=actor, action="create", instance=window, after=snapshot(window))
    return campaign


def town_in_scope(*, user: Any, town: AdminUnit) -> bool:
    """May `user` run a campaign in `town` (a town of their own unit, or any for a superuser)?"""
    return unit_list(user=user, levels=[UnitLevel.TOWN]).filter(pk=town.pk).exists()


@transaction.atomic
def campaign_create_from_facts(
    *,
    facts: dict[str, Any],
    town: AdminUnit | None = None,
    notice_text: str = "",
    is_demo: bool = False,
    actor: Any = None,
) -> Campaign:
    """Create a campaign with its units, people, group and phases in one transaction.

    `facts` has the shape of the notice importer's JSON (see docs/notice-import.md). With
    `town` (the web pages always pass the town the user chose) the campaign goes there and the
    town the notice names is ignored; it must be in the actor's scope. Without it (the command
    line, the demo) the notice's town is looked up by name, and created if new.
    """
    info = facts.get("campaign") or {}
    if town is not None:
        if getattr(actor, "is_authenticated", False) and not town_in_scope(user=actor, town=town):
            raise ApplicationError(
                f"「{town.name}」不在您的管辖范围内，不能在该乡镇创建行动", field="town"
            )
        town_name = town.name
    else:
        town_name = _clean_name(info.get("town"))
    if not town_name:
        raise ApplicationError("未填写乡镇名称", field="town")
    issued_on = _parse_date(info["issued_on"], "印发日期") if info.get("issued_on") else None
    phases = list(facts.get("phases") or [])
    if issued_on is not None:
        year = issued_on.year
    elif phases:
        year = _parse_date(phases[0].get("start"), "第1阶段").year
    elif info.get("year"):
        year = int(info["year"])
    else:
        raise ApplicationError("无法确定行动年度：请填写印发日期或阶段日期", field="issued_on")

    if town is None:
        town = AdminUnit.objects.filter(name=town_name, level=UnitLevel.TOWN).first()
    if town is None:
        county = None
        if info.get("county"):
            county, _ = unit_get_or_create(
                name=info["county"], level=UnitLevel.COUNTY, parent=None, actor=actor
            )
        town, _ = unit_get_or_create(
            name=town_name, level=UnitLevel.TOWN, parent=county, actor=actor
        )
    office = facts.get("office") or {}
    campaign = campaign_create(
        name=info.get("name") or "",
        town=town,
        year=year,
        phases=phases,
        issuer=info.get("issuer") or "",
        issued_on=issued_on,
        title=info.get("title") or "",
        goals=list(facts.get("goals") or []),
        office_location=office.get("location") or "",
        monitoring_modes=list(facts.get("monitoring_modes") or []),
        notice_text=notice_text,
        is_demo=is_demo,
        actor=actor,
    )

    units: dict[str, AdminUnit] = {}
    units_spec = list(facts.get("units") or [])

    def unit_named(name: str, kind: str | None = None) -> AdminUnit:
        name = _clean_name(name)
        if name not in units:
            level, office_kind = UNIT_KIND_TO_LEVEL[kind or guess_unit_kind(name)]
            units[name], _ = unit_get_or_create(
                name=name, level=level, parent=town, office_kind=office_kind, actor=actor
            )
        return units[name]

    _units_order(town=town, units=[unit_named(s["name"], s.get("kind")) for s in units_spec])

    for order, spec in enumerate(facts.get("group") or [], start=1):
        role = GROUP_ROLE_BY_LABEL.get(spec.get("role", ""))
        if role is None:
            raise ApplicationError(f"领导小组第{order}人的职务「{spec.get('role')}」无法识别")
        name = _clean_name(spec.get("name"))
        titles = [t for t in (spec.get("titles") or []) if t]
        unit_name = _clean_name(spec.get("unit"))
        if unit_name.startswith("各"):  # "各村党支部书记": a post in every village, not a unit
            titles, unit_name = [f"{unit_name}{''.join(titles)}"], ""
        if not name and not titles:
            continue
        unit = unit_named(unit_name) if unit_name else town
        person = None  # a post named without a person: imported as a post to fill
        if name:
            person = person_get_or_create(
                name=name,
                unit=unit,
                title="、".join(titles),
                phone=spec.get("phone") or "",
                actor=actor,
            )
        member = GroupMember.objects.create(
            campaign=campaign,
            person=person,
            role=role,
            office_role=OFFICE_ROLE_BY_LABEL.get(spec.get("office_role") or "", ""),
            titles=titles,
            unit=unit if unit_name else None,
            order=order,
        )
        audit_record(actor=actor, action="create", instance=member, after=snapshot(member))

    for spec in facts.get("liaisons") or []:
        unit = unit_named(spec["unit"])
        person = person_get_or_create(name=spec["name"], unit=unit, title="联络员", actor=actor)
        liaison_set(
            campaign=campaign, unit=unit, person=person, phone=spec.get("phone") or "", actor=actor
        )
    return campaign


def _units_order(*, town: AdminUnit, units: list[AdminUnit]) -> None:
    """Villages and communities in the notice's order, then every office after them.

    An office the notice names is never numbered among the villages, even when the town
    already has villages the notice does not list (a notice that says only "各村").
    """
    village_levels = [UnitLevel.VILLAGE, UnitLevel.COMMUNITY]
    villages = [u for u in units if u.level in village_levels]
    children = AdminUnit.objects.filter(parent=town)
    unlisted = children.filter(level__in=village_levels).exclude(pk__in=[u.pk for u in villages])
    after_villages = max([len(villages), *(u.sort_order + 1 for u in unlisted)])
    listed_offices = [u for u in units if u.level not in village_levels]
    other_offices = (
        children.exclude(level__in=village_levels)
        .exclude(pk__in=[u.pk for u in listed_offices])
        .filter(sort_order__lt=after_villages)
        .order_by("sort_order", "name")
    )
    offices = listed_offices + list(other_offices)
    numbered = [*enumerate(villages), *enumerate(offices, start=after_villages)]
    for order, unit in numbered:
        if unit.sort_order != order:
            AdminUnit.objects.filter(pk=unit.pk).update(sort_order=order)
            unit.sort_order = order


def campaign_create_from_notice(
    *, draft: Any, actor: Any = None, is_demo: bool = False
) -> Campaign:
    facts = draft.to_dict() if hasattr(draft, "to_dict") else dict(draft)
    return campaign_create_from_facts(
        facts=facts,
        notice_text=getattr(draft, "source_text", "") or "",
        is_demo=is_demo,
        actor=actor,
    )


@transaction.atomic
def liaison_set_by_name(
    *, campaign: Campaign, unit: AdminUnit, name: str, phone: str = "", actor: Any = None
) -> Liaison:
    """Set a unit's liaison by name, adding the person to the unit if they are new."""
    if not unit.is_within(campaign.unit):
        raise ApplicationError(f"「{unit.name}」不属于{campaign.unit.name}", field="name")
    person = person_get_or_create(name=name, unit=unit, title="联络员", phone=phone, actor=actor)
    return liaison_set(campaign=campaign, unit=unit, person=person, phone=phone, actor=actor)


@transaction.atomic
def liaison_set(
    *, campaign: Campaign, unit: AdminUnit, person: Person, phone: str = "", actor: Any = None
) -> Liaison:
    liaison = Liaison.objects.filter(campaign=campaign, unit=unit).first()
    before = snapshot(liaison) if liaison else None
    if liaison is None:
        liaison = Liaison(campaign=campaign, unit=unit)
    liaison.person = person
    liaison.phone = phone.strip()
    liaison.full_clean()
    liaison.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        instance=liaison,
        before=before,
        after=snapshot(liaison),
    )
    return liaison


@transaction.atomic
def pledge_register(
    *,
    campaign: Campaign,
    kind: str,
    unit: AdminUnit,
    signer: str,
    signed_on: date,
    household: str = "",
    scan_name: str | None = None,
    scan_file: Upload | None = None,
    actor: Any = None,
) -> Pledge:
    if not unit.is_within(campaign.unit):
        raise ApplicationError(f"「{unit.name}」不属于{campaign.unit.name}", field="unit")
    if signed_on > today():
        raise ApplicationError("签订日期不能晚于今天", field="signed_on")
    pledge = Pledge(
        campaign=campaign,
        kind=kind,
        unit=unit,
        signer=_clean_name(signer),
        household=household.strip(),
        signed_on=signed_on,
    )
    if scan_file is not None:
        pledge.scan = evidence_store(
            file=scan_file,
            kind=EvidenceKind.PLEDGE_SCAN,
            actor=actor,
            original_name=scan_name or "",
        )
    pledge.full_clean()
    pledge.save()
    audit_record(actor=actor, action="create", instance=pledge, after=snapshot(pledge))
    return pledge


def pledge_void(*, pledge: Pledge, reason: str, actor: Any = None) -> Pledge:
    void(instance=pledge, reason=reason, actor=actor)
    return pledge


# ----------------------------------------------------------------- editing a campaign's structure


def _titles(value: str | list[str]) -> list[str]:
    parts = value if isinstance(value, list) else re.split(r"[、，,；;\s]+", value)
    return [t.strip() for t in parts if t and t.strip()]


def _member_person(
    *, campaign: Campaign, name: str, unit: AdminUnit | None, titles: list[str], actor: Any
) -> Person | None:
    name = _clean_name(name)
    if not name and not titles:
        raise ApplicationError("请填写姓名，或填写待补录的职务", field="name")
    if unit is not None and not unit.is_within(campaign.unit):
        raise ApplicationError(f"「{unit.name}」不属于{campaign.unit.name}", field="unit")
    if not name:
        return None
    return person_get_or_create(
        name=name, unit=unit or campaign.unit, title="、".join(titles), actor=actor
    )


def _role(role: str) -> str:
    if role not in GroupRole.values:
        raise ApplicationError(f"职务「{role}」无法识别，应为组长、副组长或成员", field="role")
    return role


@transaction.atomic
def member_add(
    *,
    campaign: Campaign,
    role: str,
    name: str,
    titles: str | list[str] = "",
    unit: AdminUnit | None = None,
    actor: Any = None,
) -> GroupMember:
    """Add a member to the leadership group; no name but a post adds a post to fill."""
    role = _role(role)
    titles = _titles(titles)
    person = _member_person(campaign=campaign, name=name, unit=unit, titles=titles, actor=actor)
    last = campaign.group_members.order_by("-order").values_list("order", flat=True).first()
    member = GroupMember(
        campaign=campaign,
        person=person,
        role=role,
        titles=titles,
        unit=unit,
        order=(last or 0) + 1,
    )
    member.full_clean()
    member.save()
    audit_record(actor=actor, action="create", instance=member, after=snapshot(member))
    return member


@transaction.atomic
def member_update(
    *,
    member: GroupMember,
    role: str,
    name: str,
    titles: str | list[str] = "",
    unit: AdminUnit | None = None,
    actor: Any = None,
) -> GroupMember:
    """Change a member's name, post, role or unit; naming a post to fill fills it."""
    before = snapshot(member)
    titles = _titles(titles)
    member.role = _role(role)
    member.person = _member_person(
        campaign=member.campaign, name=name, unit=unit, titles=titles, actor=actor
    )
    member.titles = titles
    member.unit = unit
    member.full_clean()
    member.save()
    audit_record(
        actor=actor, action="update", instance=member, before=before, after=snapshot(member)
    )
    return member


@transaction.atomic
def member_remove(*, member: GroupMember, actor: Any = None) -> None:
    before = snapshot(member)
    audit_record(actor=actor, action="delete", instance=member, before=before)
    member.delete()


def _phase_spans(campaign: Campaign, *, without: Phase | None = None) -> list[tuple[date, date]]:
    phases = campaign.phases.all()
    if without is not None:
        phases = phases.exclude(pk=without.pk)
    return [(p.starts_on, p.ends_on) for p in phases]


def _check_phase(
    *, campaign: Campaign, name: str, starts_on: date, ends_on: date, without: Phase | None
) -> str:
    name = _clean_name(name)
    if not name:
        raise ApplicationError("阶段名称不能为空", field="name")
    if ends_on < starts_on:
        raise ApplicationError("结束日期早于开始日期", field="ends_on")
    others = _phase_spans(campaign, without=without)
    first, last = edit_bounds(campaign.year, period_of(others))
    if starts_on < first or ends_on > last:
        raise ApplicationError(
            f"阶段日期超出行动期限（{first:%Y年%-m月%-d日}至{last:%Y年%-m月%-d日}）",
            field="starts_on",
        )
    for other in campaign.phases.exclude(pk=without.pk if without else None):
        if starts_on < other.ends_on and other.starts_on < ends_on:
            raise ApplicationError(
                f"与「{other.name}」阶段（{other.starts_on:%-m月%-d日}至"
                f"{other.ends_on:%-m月%-d日}）的日期重叠",
                field="starts_on",
            )
    return name


def _phases_renumber(campaign: Campaign) -> None:
    """Phases numbered in date order (two passes: `order` is not unique, but keep it tidy)."""
    for order, phase in enumerate(campaign.phases.order_by("starts_on", "ends_on"), start=1):
        if phase.order != order:
            Phase.objects.filter(pk=phase.pk).update(order=order)


@transaction.atomic
def phase_add(
    *, campaign: Campaign, name: str, starts_on: date, ends_on: date, actor: Any = None
) -> Phase:
    name = _check_phase(
        campaign=campaign, name=name, starts_on=starts_on, ends_on=ends_on, without=None
    )
    phase = Phase(
        campaign=campaign,
        order=campaign.phases.count() + 1,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    phase.full_clean()
    phase.save()
    _phases_renumber(campaign)
    phase.refresh_from_db()
    audit_record(actor=actor, action="create", instance=phase, after=snapshot(phase))
    return phase


@transaction.atomic
def phase_update(
    *, phase: Phase, name: str, starts_on: date, ends_on: date, actor: Any = None
) -> Phase:
    before = snapshot(phase)
    phase.name = _check_phase(
        campaign=phase.campaign, name=name, starts_on=starts_on, ends_on=ends_on, without=phase
    )
    phase.starts_on, phase.ends_on = starts_on, ends_on
    phase.full_clean()
    phase.save()
    _phases_renumber(phase.campaign)
    phase.refresh_from_db()
    audit_record(actor=actor, action="update", instance=phase, before=before, after=snapshot(phase))
    return phase


@transaction.atomic
def phase_remove(*, phase: Phase, actor: Any = None) -> None:
    campaign = phase.campaign
    audit_record(actor=actor, action="delete", instance=phase, before=snapshot(phase))
    try:
        phase.delete()
    except ProtectedError:
        raise ApplicationError(f"「{phase.name}」阶段已有关联记录，不能删除") from None
    _phases_renumber(campaign)


VILLAGE_KINDS = {"village": UnitLevel.VILLAGE, "community": UnitLevel.COMMUNITY}


@transaction.atomic
def village_add(
    *, campaign: Campaign, name: str, kind: str = "village", actor: Any = None
) -> AdminUnit:
    """Add a village (or community) to the campaign's town, after its other villages."""
    name = _clean_name(name)
    if not name:
        raise ApplicationError("村（社区）名称不能为空", field="name")
    level = VILLAGE_KINDS.get(kind)
    if level is None:
        raise ApplicationError("类型应为村或社区", field="kind")
    town = campaign.unit
    if AdminUnit.objects.filter(parent=town, name=name).exists():
        raise ApplicationError(f"{town.name}已有「{name}」", field="name")
    villages = AdminUnit.objects.filter(
        parent=town, level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY]
    )
    last = villages.order_by("-sort_order").values_list("sort_order", flat=True).first()
    unit = unit_create(
        name=name,
        level=level,
        parent=town,
        sort_order=(last + 1) if last is not None else 0,
        actor=actor,
    )
    # Offices stay after the villages.
    offices = AdminUnit.objects.filter(parent=town, level=UnitLevel.OFFICE)
    offices.filter(sort_order__lte=unit.sort_order).update(sort_order=F("sort_order") + 1)
    return unit


def unit_has_records(*, unit: AdminUnit) -> bool:
    """Does anything point at `unit`? Every relation counts, not only the protected ones,
    so that removing a unit never removes anything along with it."""
    return any(
        relation.related_model._base_manager.filter(**{relation.field.name: unit}).exists()
        for relation in unit._meta.related_objects
    )


@transaction.atomic
def village_remove(*, campaign: Campaign, unit: AdminUnit, actor: Any = None) -> None:
    """Remove a village added by mistake; one that has people or records is kept."""
    if unit.parent_id != campaign.unit_id or unit.level not in VILLAGE_KINDS.values():
        raise ApplicationError(f"「{unit.name}」不是{campaign.unit.name}的村（社区）")
    # Every relation counts, not only the protected ones: nothing is removed along with it.
    for relation in unit._meta.related_objects:
        accessor = relation.get_accessor_name()
        if (
            accessor
            and relation.related_model.objects.filter(**{relation.field.name: unit}).exists()
        ):
            raise ApplicationError(
                f"「{unit.name}」已有人员、地块或其他记录，不能删除；请先移走这些记录"
            )
    audit_record(actor=actor, action="delete", instance=unit, before=snapshot(unit))
    unit.delete()
