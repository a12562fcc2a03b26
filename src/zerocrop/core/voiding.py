"""The one void (作废) service for every `Voidable` record: reason required, once, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import VOID_REASON_MAX_LENGTH, Voidable

VOID_FIELDS = ["voided_at", "voided_by", "void_reason", "updated_at"]


@transaction.atomic
def void(*, instance: Voidable, reason: str, actor: Any) -> None:
    """Mark `instance` void by `actor` (None: the system) for `reason`, and audit it."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("作废必须填写原因", field="reason")
    if len(reason) > VOID_REASON_MAX_LENGTH:
        raise ApplicationError(
            f"作废原因不能超过 {VOID_REASON_MAX_LENGTH} 个字", field="reason", code="too_long"
        )
    # Read under a row lock: two clicks on 作废 must not both pass the check below.
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if current.voided_at is not None:
        raise ApplicationError(f"该{instance._meta.verbose_name}已作废，不能再次作废")
    before = snapshot(current)
    instance.voided_at = timezone.now()
    instance.voided_by = actor
    instance.void_reason = reason
    instance.save(update_fields=[f for f in VOID_FIELDS if _has(instance, f)])
    audit_record(
        actor=actor, action="void", instance=instance, before=before, after=snapshot(instance)
    )


def _has(instance: Voidable, name: str) -> bool:
    return any(f.name == name for f in instance._meta.concrete_fields)
