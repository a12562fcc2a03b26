"""Writes of key persons, home visits and police cases. Each is audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.evidence import evidence_check, evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.files import Upload
from zerocrop.core.voiding import void
from zerocrop.findings.capabilities import CASE_MANAGE, KEY_PERSON_MANAGE, KEY_PERSON_VISIT
from zerocrop.findings.choices import CaseOutcome, CaseStatus, KeyPersonCategory
from zerocrop.findings.models import NOTE_MAX, Case, Finding, HomeVisit, KeyPerson
from zerocrop.org.capabilities import can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit, Person

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
PHONE = re.compile(r"^[\d\-+ ]{5,32}$")
AMOUNT_OUTCOMES = (CaseOutcome.DETENTION, CaseOutcome.FINE)
MAX_DETENTION_DAYS = 20  # 治安管理处罚法: 合并执行最长不超过二十日


def _require(actor: Any, capability: str, unit: AdminUnit, what: str) -> None:
    if actor is not None and not can(actor, capability, unit):
        raise NotPermitted(f"无权在{unit.name}{what}")


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(f"{label}不能超过 {limit} 个字", field=field)
    return value


def _not_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ApplicationError(f"{label}不能晚于今天", field=field)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _person_fields(
    *, name: str, id_number: str, phone: str, category: str, address: str, note: str
) -> dict[str, Any]:
    name = _text(name, field="name", label="姓名", limit=50)
    if not name:
        raise ApplicationError("请填写姓名", field="name")
    id_number = (id_number or "").strip().upper()
    if id_number and not ID_NUMBER.match(id_number):
        raise ApplicationError("身份证号应为 18 位（最后一位可为 X）", field="id_number")
    phone = (phone or "").strip()
    if phone and not PHONE.match(phone):
        raise ApplicationError("电话号码只能包含数字、空格、“-”和“+”", field="phone")
    if category not in KeyPersonCategory.values:
        raise ApplicationError(f"类别「{category}」无法识别", field="category")
    return {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "category": category,
        "address": _text(address, field="address", label="住址", limit=200),
        "note": _text(note, field="note", label="备注", limit=NOTE_MAX),
    }


def _village(unit: AdminUnit) -> None:
    if unit.level not in (UnitLevel.VILLAGE, UnitLevel.COMMUNITY, UnitLevel.GRID):
        raise ApplicationError("重点人员应属于一个村（社区）", field="unit")


@transaction.atomic
def key_person_create(
    *,
    unit: AdminUnit,
    name: str,
    category: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
    since: date | None = None,
    actor: Any = None,
) -> KeyPerson:
    _require(actor, KEY_PERSON_MANAGE, unit, "登记重点人员")
    _village(unit)
    _not_future(since, "since", "列管日期")
    fields = _person_fields(
        name=name, id_number=id_number, phone=phone, category=category, address=address, note=note
    )
    if (
        fields["id_number"]
        and KeyPerson.objects.filter(id_number=fields["id_number"], voided_at__isnull=True).exists()
    ):
        raise ApplicationError("该身份证号的重点人员已登记", field="id_number")
    person = KeyPerson(unit=unit, since=since, created_by=_actor(actor), **fields)
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="create", instance=person, after=snapshot(person))
    return person


@transaction.atomic
def key_person_update(
    *,
    person: KeyPerson,
    unit: AdminUnit,
    name: str,
    category: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
    since: date | None = None,
    actor: Any = None,
) -> KeyPerson:
    _require(actor, KEY_PERSON_MANAGE, person.unit, "修改重点人员")
    _require(actor, KEY_PERSON_MANAGE, unit, "登记重点人员")
    if person.is_void:
        raise ApplicationError("该重点人员已作废，不能修改")
    _village(unit)
    _not_future(since, "since", "列管日期")
    fields = _person_fields(
        name=name, id_number=id_number, phone=phone, category=category, address=address, note=note
    )
    current = KeyPerson.objects.select_for_update().get(pk=person.pk)
    before = snapshot(current)
    for key, value in {**fields, "unit": unit, "since": since}.items():
        setattr(current, key, value)
    current.full_clean()
    current.save()
    audit_record(
        actor=actor, action="update", instance=current, before=before, after=snapshot(current)
    )
    return current


def key_person_void(*, person: KeyPerson, reason: str, actor: Any = None) -> KeyPerson:
    _require(actor, KEY_PERSON_MANAGE, person.unit, "作废重点人员")
    void(instance=person, reason=reason, actor=actor)
    return person


@transaction.atomic
def visit_record(
    *,
    person: KeyPerson,
    visited_on: date,
    visitors: Sequence[Person],
    notes: str = "",
    notice_given: bool = False,
    notice_signed: bool = False,
    scan: tuple[str, Upload] | None = None,
    actor: Any = None,
) -> HomeVisit:
    """Record a home visit; a signed 告知书 needs its scan, kept as evidence."""
    _require(actor, KEY_PERSON_VISIT, person.unit, "登记走访")
    if person.is_void:
        raise ApplicationError("该重点人员已作废，不能登记走访")
    if not visitors:
        raise ApplicationError("请填写走访人员", field="visitors")
    _not_future(visited_on, "visited_on", "走访日期")
    if notice_signed and not notice_given:
        raise ApplicationError("告知书未发放，不能标为已签收", field="notice_signed")
    if notice_signed and scan is None:
        raise ApplicationError("告知书已签收时请上传签收告知书扫描件", field="scan")
    notes = _text(notes, field="notes", label="走访情况", limit=NOTE_MAX)
    checked = None
    if scan is not None:
        checked = evidence_check(kind=EvidenceKind.VISIT_SCAN, name=scan[0], data=scan[1])
    evidence = None
    if checked is not None and scan is not None:
        evidence = evidence_store(
            file=checked, kind=EvidenceKind.VISIT_SCAN, actor=actor, original_name=scan[0]
        )
    visit = HomeVisit(
        key_person=person,
        visited_on=visited_on,
        notes=notes,
        notice_given=notice_given,
        notice_signed=notice_signed,
        scan=evidence,
        created_by=_actor(actor),
    )
    visit.full_clean()
    visit.save()
    visit.visitors.set(visitors)
    audit_record(
        actor=actor,
        action="create",
        instance=visit,
        after={**snapshot(visit), "visitors": [p.name for p in visitors]},
    )
    return visit


def _case_fields(
    *,
    actor: Any,
    unit: AdminUnit,
    number: str,
    status: str,
    outcome: str,
    outcome_amount: int | None,
    opened_on: date,
    closed_on: date | None,
    note: str,
    findings: Sequence[Finding],
    key_persons: Sequence[KeyPerson],
) -> dict[str, Any]:
    _require(actor, CASE_MANAGE, unit, "登记案件")
    number = _text(number, field="number", label="案件编号", limit=64)
    if not number:
        raise ApplicationError("请填写案件编号", field="number")
    if status not in CaseStatus.values:
        raise ApplicationError(f"案件状态「{status}」无法识别", field="status")
    if outcome not in CaseOutcome.values:
        raise ApplicationError(f"处理结果「{outcome}」无法识别", field="outcome")
    if outcome in AMOUNT_OUTCOMES:
        if not outcome_amount or outcome_amount < 1:
            what = "拘留天数" if outcome == CaseOutcome.DETENTION else "罚款金额（元）"
            raise ApplicationError(f"请填写{what}", field="outcome_amount")
        if outcome == CaseOutcome.DETENTION and outcome_amount > MAX_DETENTION_DAYS:
            raise ApplicationError(
                f"行政拘留不超过 {MAX_DETENTION_DAYS} 日", field="outcome_amount"
            )
    else:
        outcome_amount = None
    _not_future(opened_on, "opened_on", "受理日期")
    _not_future(closed_on, "closed_on", "结案日期")
    if closed_on is not None and closed_on < opened_on:
        raise ApplicationError("结案日期早于受理日期", field="closed_on")
    if status == CaseStatus.CLOSED and closed_on is None:
        raise ApplicationError("结案时请填写结案日期", field="closed_on")
    if status != CaseStatus.CLOSED and closed_on is not None:
        raise ApplicationError("未结案的案件不能填写结案日期", field="closed_on")
    if not findings and not key_persons:
        raise ApplicationError("请至少关联一个发现点或一名涉案人员", field="findings")
    for finding in findings:
        if not finding.unit.is_within(unit):
            raise ApplicationError(f"发现点「{finding}」不在办案范围内", field="findings")
    for person in key_persons:
        if not person.unit.is_within(unit):
            raise ApplicationError(f"涉案人员「{person}」不在办案范围内", field="key_persons")
    return {
        "number": number,
        "status": status,
        "outcome": outcome,
        "outcome_amount": outcome_amount,
        "opened_on": opened_on,
        "closed_on": closed_on,
        "note": _text(note, field="note", label="备注", limit=NOTE_MAX),
    }


def _number_free(number: str, exclude: Any = None) -> None:
    if Case.objects.filter(number=number).exclude(pk=exclude).exists():
        raise ApplicationError(f"案件编号「{number}」已存在", field="number")


@transaction.atomic
def case_create(
    *,
    unit: AdminUnit,
    number: str,
    opened_on: date,
    findings: Sequence[Finding] = (),
    key_persons: Sequence[KeyPerson] = (),
    status: str = CaseStatus.ACCEPTED,
    outcome: str = CaseOutcome.PENDING,
    outcome_amount: int | None = None,
    closed_on: date | None = None,
    note: str = "",
    actor: Any = None,
) -> Case:
    fields = _case_fields(
        actor=actor,
        unit=unit,
        number=number,
        status=status,
        outcome=outcome,
        outcome_amount=outcome_amount,
        opened_on=opened_on,
        closed_on=closed_on,
        note=note,
        findings=findings,
        key_persons=key_persons,
    )
    _number_free(fields["number"])
    case = Case(unit=unit, created_by=_actor(actor), **fields)
    case.full_clean()
    case.save()
    case.findings.set(findings)
    case.key_persons.set(key_persons)
    audit_record(
        actor=actor,
        action="create",
        instance=case,
        after={
            **snapshot(case),
            "findings": [str(f.pk) for f in findings],
            "key_persons": [str(p.pk) for p in key_persons],
        },
    )
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    number: str,
    opened_on: date,
    findings: Sequence[Finding] = (),
    key_persons: Sequence[KeyPerson] = (),
    status: str = CaseStatus.ACCEPTED,
    outcome: str = CaseOutcome.PENDING,
    outcome_amount: int | None = None,
    closed_on: date | None = None,
    note: str = "",
    actor: Any = None,
) -> Case:
    fields = _case_fields(
        actor=actor,
        unit=case.unit,
        number=number,
        status=status,
        outcome=outcome,
        outcome_amount=outcome_amount,
        opened_on=opened_on,
        closed_on=closed_on,
        note=note,
        findings=findings,
        key_persons=key_persons,
    )
    _number_free(fields["number"], exclude=case.pk)
    current = Case.objects.select_for_update().get(pk=case.pk)
    before = {
        **snapshot(current),
        "findings": sorted(str(pk) for pk in current.findings.values_list("pk", flat=True)),
        "key_persons": sorted(str(pk) for pk in current.key_persons.values_list("pk", flat=True)),
    }
    for key, value in fields.items():
        setattr(current, key, value)
    current.full_clean()
    current.save()
    current.findings.set(findings)
    current.key_persons.set(key_persons)
    audit_record(
        actor=actor,
        action="update",
        instance=current,
        before=before,
        after={
            **snapshot(current),
            "findings": sorted(str(f.pk) for f in findings),
            "key_persons": sorted(str(p.pk) for p in key_persons),
        },
    )
    return current
