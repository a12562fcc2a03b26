"""What validation cannot see in a synced record: its unit, persons, round, target and finding
must be in the user's scope, and a record it points at must be the user's own of that kind."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.field.choices import RecordKind
from zerocrop.field.models import SyncRecord
from zerocrop.findings.capabilities import FINDING_ERADICATE, FINDING_RECORD
from zerocrop.findings.selectors import finding_get
from zerocrop.monitoring.capabilities import TARGET_VERIFY
from zerocrop.monitoring.selectors import target_get
from zerocrop.org.capabilities import FIELDWORK, can
from zerocrop.org.selectors import person_list, unit_list
from zerocrop.patrols.selectors import round_get


class RecordRefused(ApplicationError):
    """A record naming something outside the user's scope, or unusable: 422, nothing stored."""

    default_code = "invalid"
    http_status = 422


def _check_persons(user: Any, ids: list[UUID], *, field: str, label: str, required: bool) -> None:
    if required and not ids:
        raise RecordRefused(f"请填写{label}", field=field)
    visible = set(person_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    if any(i not in visible for i in ids):
        raise RecordRefused(f"{label}中有人员不存在或不在您的管辖范围内", field=field)


def _unit(user: Any, unit_id: UUID, capability: str, what: str) -> Any:
    unit = unit_list(user=user).filter(pk=unit_id).first()
    if unit is None:
        raise RecordRefused("村（社区）不存在或不在您的管辖范围内", field="unit_id")
    if not can(user, capability, unit):
        raise NotPermitted(f"无权在{unit.name}{what}")
    return unit


def _round(user: Any, round_id: UUID | None, unit: Any) -> None:
    if round_id is None:
        return
    try:
        survey_round = round_get(user=user, round_id=round_id)
    except Http404:
        raise RecordRefused("踏查轮次不存在或不在您的管辖范围内", field="round_id") from None
    if unit is not None and not survey_round.units.filter(pk=unit.pk).exists():
        raise RecordRefused(f"{unit.name}不在该踏查轮次中", field="round_id")


def _pointer(user: Any, uuid: UUID | None, kind: str, field: str, label: str) -> None:
    if uuid is None:
        return
    found = SyncRecord.objects.filter(client_uuid=uuid).first()
    if found is not None and (found.kind != kind or found.user_id != user.pk):
        raise RecordRefused(f"{label}不是您提交的{RecordKind(kind).label}", field=field)


def record_check_scope(*, user: Any, kind: str, payload: Any) -> None:
    """What validation cannot see: unit, persons, round, target and finding in the user's scope."""
    if kind == RecordKind.PATROL:
        unit = _unit(user, payload.unit_id, FIELDWORK, "登记踏查记录")
        _round(user, payload.round_id, unit)
        _check_persons(user, payload.people, field="people", label="踏查人员", required=True)
    elif kind == RecordKind.FINDING:
        _unit(user, payload.unit_id, FINDING_RECORD, "登记发现点")
        _round(user, payload.round_id, None)
        _check_persons(user, payload.found_by, field="found_by", label="发现人", required=True)
        _pointer(user, payload.patrol_uuid, RecordKind.PATROL, "patrol_uuid", "所属踏查记录")
    elif kind == RecordKind.ERADICATION:
        if payload.finding_id is None and payload.finding_uuid is None:
            raise RecordRefused("请指明要铲除的发现点", field="finding_id")
        if payload.finding_id is not None:
            try:
                finding = finding_get(user=user, finding_id=payload.finding_id)
            except Http404:
                raise RecordRefused(
                    "发现点不存在或不在您的管辖范围内", field="finding_id"
                ) from None
            if not can(user, FINDING_ERADICATE, finding.unit):
                raise NotPermitted(f"无权在{finding.unit.name}登记铲除")
        _pointer(user, payload.finding_uuid, RecordKind.FINDING, "finding_uuid", "同步中的发现点")
        _check_persons(user, payload.done_by, field="done_by", label="铲除人员", required=True)
        _check_persons(user, payload.witnesses, field="witnesses", label="见证人", required=True)
    elif kind == RecordKind.TARGET_VERIFICATION:
        try:
            target = target_get(user=user, target_id=payload.target_id)
        except Http404:
            raise RecordRefused("靶点不存在或不在您的管辖范围内", field="target_id") from None
        if not can(user, TARGET_VERIFY, target.unit):
            raise NotPermitted(f"无权核查靶点{target.code}")
        if payload.duplicate_of is not None:
            try:
                target_get(user=user, target_id=payload.duplicate_of)
            except Http404:
                raise RecordRefused(
                    "重复的靶点不存在或不在您的管辖范围内", field="duplicate_of"
                ) from None
        _check_persons(user, payload.verifiers, field="verifiers", label="核查人", required=True)
