"""Recording and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from zerocrop.core.audit_chain import GENESIS, BrokenLink, event_hash, first_broken_link
from zerocrop.core.models import AuditChainHead, AuditEvent


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
    )


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
) -> AuditEvent:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS}
    )
    event = AuditEvent(
        at=timezone.now().replace(microsecond=0),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        before=before,
        after=after,
        prev_hash=head.last_hash,
        hash="pending",
    )
    event.save()
    event.hash = event_hash(_event_fields(event), event.prev_hash)
    AuditEvent.objects.filter(seq=event.seq).update(hash=event.hash)
    head.last_hash = event.hash
    head.save(update_fields=["last_hash"])
    return event


def _event_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
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


def _stored_events() -> Iterator[dict[str, Any]]:
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield _event_fields(event)


def audit_verify() -> tuple[int, BrokenLink | None]:
    """Count the events and find the first broken link, if any."""
    count = AuditEvent.objects.count()
    broken = first_broken_link(_stored_events())
    if broken is None:
        head = AuditChainHead.objects.filter(id=1).first()
        last = AuditEvent.objects.order_by("-seq").first()
        if last is not None and head is not None and head.last_hash != last.hash:
            broken = BrokenLink(last.seq, "链尾与链头记录不一致（最后的事件被删除或改动）")
    return count, broken
