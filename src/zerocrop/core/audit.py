"""Recording and verifying the audit trail."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from zerocrop.core.audit_chain import (
    GENESIS,
    BrokenLink,
    Checkpoint,
    checkpoint_problem,
    event_hash,
    first_broken_legacy_link,
    first_broken_link,
    parse_line,
    parse_token,
)
from zerocrop.core.models import AuditChainHead, AuditEvent

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored field values of an instance, JSON-ready."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"password", "created_at", "updated_at"}:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "系统"
    full = getattr(actor, "display_name", "") or actor.get_username()
    return str(full)


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return _append(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance),
        before=before,
        after=after,
    )


def audit_export(*, actor: Any, what: str, file_format: str, count: int, query: str) -> AuditEvent:
    """An export leaves the system with people's names in it: record who took what."""
    return _append(
        actor=actor,
        action="export",
        object_type="export",
        object_id=file_format,
        object_repr=what,
        after={"count": count, "query": query},
        checkpoint=True,
    )


def audit_action(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An audited action on something that is not one model row (e.g. lifting a login lock)."""
    return _append(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        object_repr=object_repr,
        before=before,
        after=after,
    )


def _key() -> bytes:
    return settings.ZEROCROP_AUDIT_KEY.encode("utf-8")


@transaction.atomic
def _append(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    checkpoint: bool = False,
    event_model: type[models.Model] = AuditEvent,
    head_model: type[models.Model] = AuditChainHead,
) -> Any:
    """Append one event; `event_model`/`head_model` let a migration pass its historical models."""
    head, _ = head_model.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS}
    )
    event = event_model(
        at=timezone.now().replace(microsecond=0),
        actor_id=getattr(actor, "pk", None),
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        before=before,
        after=after,
        prev_hash=head.last_hash,
        hash=f"pending-{os.urandom(8).hex()}",
    )
    event.save()
    event.hash = event_hash(_event_fields(event), event.prev_hash, key=_key())
    event_model.objects.filter(seq=event.seq).update(hash=event.hash)
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    if checkpoint or head.count % settings.ZEROCROP_AUDIT_CHECKPOINT_EVERY == 0:
        transaction.on_commit(write_checkpoint)
    return event


def _event_fields(event: Any) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor_id": str(event.actor_id) if event.actor_id is not None else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _stored_events(event_model: type[models.Model] = AuditEvent) -> Iterator[dict[str, Any]]:
    for event in event_model.objects.order_by("seq").iterator(chunk_size=2000):
        yield _event_fields(event)


def audit_events_of(*, objects: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The stored events of these (object_type, object_id) pairs in chain order, as hashed."""
    query = models.Q(pk__in=[])
    for object_type, object_id in objects:
        query |= models.Q(object_type=object_type, object_id=object_id)
    return [_event_fields(e) for e in AuditEvent.objects.filter(query).order_by("seq")]


def audit_event_genuine(fields: Mapping[str, Any]) -> bool:
    """Is this event, as given (e.g. copied into a package), exactly the chain's stored one?"""
    try:
        recomputed = event_hash(fields, fields["prev_hash"], key=_key())
        stored = AuditEvent.objects.filter(seq=int(fields["seq"])).values_list("hash", flat=True)
    except (KeyError, TypeError, ValueError):
        return False
    return recomputed == fields.get("hash") and stored.first() == fields.get("hash")


# --------------------------------------------------------------------------- checkpoints


def current_checkpoint() -> Checkpoint:
    """The chain's head now, signed; one aggregate query so count and head agree."""
    state = AuditEvent.objects.aggregate(count=Count("seq"), last=Max("seq"))
    last = state["last"] or 0
    head = AuditEvent.objects.filter(seq=last).values_list("hash", flat=True).first() or GENESIS
    at = int(timezone.now().timestamp())
    return Checkpoint(seq=last, head=head, count=state["count"], at=at).signed(key=_key())


def _checkpoint_file() -> Path:
    return Path(settings.ZEROCROP_AUDIT_CHECKPOINT_FILE)


def write_checkpoint() -> Checkpoint | None:
    """Append the current checkpoint to the append-only file outside the database.

    Call it after commit (transaction.on_commit), so it never records a head that is rolled
    back. A failure to write is logged, never turned into a failed request.
    """
    checkpoint = current_checkpoint()
    path = _checkpoint_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (checkpoint.to_line() + "\n").encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        log.exception("audit checkpoint could not be written to %s", path)
        return None
    return checkpoint


def checkpoint_note() -> str:
    """The line printed under an exported report, checked later with audit-verify --checkpoint."""
    token = current_checkpoint().to_token()
    return f"审计检查点（可用 zerocrop audit-verify --checkpoint 核对）：{token}"


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class AuditReport:
    count: int
    problems: list[BrokenLink]
    checkpoints: int  # checkpoints compared with the chain


def _check(checkpoint: Checkpoint, total: int) -> str | None:
    stored = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
    return checkpoint_problem(
        checkpoint,
        key=_key(),
        stored_hash=stored,
        count_up_to_seq=AuditEvent.objects.filter(seq__lte=checkpoint.seq).count(),
        total=total,
    )


def _file_checkpoints() -> Iterator[tuple[int, Checkpoint | None]]:
    path = _checkpoint_file()
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, parse_line(line)


def audit_check(*, report_checkpoints: Sequence[str] = ()) -> AuditReport:
    """Links and HMACs of every event, the head row, every checkpoint in the file and those
    given (copied from printed reports); each problem names its event and what broke."""
    count = AuditEvent.objects.count()
    problems: list[BrokenLink] = []
    broken = first_broken_link(_stored_events(), key=_key())
    if broken is not None:
        problems.append(broken)
    head = AuditChainHead.objects.filter(id=1).first()
    last = AuditEvent.objects.order_by("-seq").first()
    if broken is None and last is not None and head is not None and head.last_hash != last.hash:
        problems.append(BrokenLink(last.seq, "链尾与链头记录不一致（最后的事件被删除或改动）"))
    seen: set[tuple[int, str, int]] = set()
    checked = 0
    sources: list[tuple[str, Checkpoint | None]] = [
        (f"检查点文件第 {number} 行", cp) for number, cp in _file_checkpoints()
    ]
    sources += [("报告中的检查点", parse_token(text)) for text in report_checkpoints]
    for where, cp in sources:
        if cp is None:
            problems.append(BrokenLink(0, f"{where}无法识别（被改动或抄错）"))
            continue
        if where.startswith("检查点文件") and (cp.seq, cp.head, cp.count) in seen:
            continue
        seen.add((cp.seq, cp.head, cp.count))
        checked += 1
        problem = _check(cp, count)
        if problem is not None:
            problems.append(BrokenLink(cp.seq, f"{where}：{problem}"))
    return AuditReport(count=count, problems=problems, checkpoints=checked)


def audit_verify() -> tuple[int, BrokenLink | None]:
    """Count the events and find the first problem, if any."""
    report = audit_check()
    return report.count, (report.problems[0] if report.problems else None)


# --------------------------------------------------------------------------- re-keying


def rekey_chain(*, event_model: type[models.Model], head_model: type[models.Model]) -> int:
    """Re-seal a version-1 chain (unkeyed SHA-256) with the keyed version-2 hash, once.

    Whether the old chain verified is kept in the `rekey` event appended at the end, so the
    re-keying cannot hide an earlier break. Returns the number of events re-sealed.
    """
    events = list(event_model.objects.order_by("seq"))
    if not events:
        return 0
    legacy_break = first_broken_legacy_link(_event_fields(e) for e in events)
    head = head_model.objects.select_for_update().filter(id=1).first()
    old_head = head.last_hash if head else ""
    prev = GENESIS
    for event in events:
        event.prev_hash = prev
        event.hash = event_hash(_event_fields(event), prev, key=_key())
        event_model.objects.filter(seq=event.seq).update(prev_hash=prev, hash=event.hash)
        prev = event.hash
    head_model.objects.update_or_create(id=1, defaults={"last_hash": prev, "count": len(events)})
    _append(
        actor=None,
        action="rekey",
        object_type="audit_chain",
        object_id="v2",
        object_repr="审计链改用密钥 HMAC（第 2 版）重新封存",
        after={
            "events": len(events),
            "old_head": old_head,
            "old_chain_intact": legacy_break is None,
            "old_chain_broken_at": legacy_break,
        },
        checkpoint=True,
        event_model=event_model,
        head_model=head_model,
    )
    return len(events)
