"""Pairing a phone to a user, the device token, revoking."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.field import rules
from zerocrop.field.capabilities import DEVICE_MANAGE, DEVICE_PAIR
from zerocrop.field.models import Device, PairingCode
from zerocrop.org.capabilities import can

PAIRING_INVALID = "配对码无效或已过期，请在电脑或手机上重新打开「启用外业采集」获取新的二维码"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def pairing_code_create(*, user: Any) -> tuple[PairingCode, str]:
    """A one-use code for `user`, valid `rules.PAIRING_TTL`; the code itself is returned once."""
    if not can(user, DEVICE_PAIR):
        raise NotPermitted("您的账号不能启用外业采集")
    code = secrets.token_urlsafe(18)
    pairing = PairingCode.objects.create(
        user=user, code_hash=digest(code), expires_at=timezone.now() + rules.PAIRING_TTL
    )
    return pairing, code


@transaction.atomic
def device_pair(*, code: str, name: str, user_agent: str = "") -> tuple[Device, str]:
    """Trade a pairing code for a device and its token (returned once, stored as a digest)."""
    name = (name or "").strip()[:100] or "未命名手机"
    pairing = (
        # of=("self",): locking the joined user row too deadlocked on PostgreSQL with every
        # write inserting a row that refers to the user (its deferred foreign-key check at
        # COMMIT) while the audit chain's head was held (bench/sync_load.py, 200 phones).
        PairingCode.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(code_hash=digest(code or ""))
        .first()
    )
    now = timezone.now()
    if pairing is None or pairing.used_at is not None or pairing.expires_at < now:
        raise ApplicationError(PAIRING_INVALID, field="code", code="pairing_invalid")
    if not pairing.user.is_active:
        raise ApplicationError(PAIRING_INVALID, field="code", code="pairing_invalid")
    token = secrets.token_urlsafe(rules.TOKEN_BYTES)
    device = Device.objects.create(
        user=pairing.user,
        name=name,
        token_hash=digest(token),
        token_hint=token[-4:],
        user_agent=(user_agent or "")[:400],
        paired_at=now,
        last_seen_at=now,
    )
    pairing.used_at = now
    pairing.device = device
    pairing.save(update_fields=["used_at", "device", "updated_at"])
    audit_record(actor=pairing.user, action="create", instance=device, after=snapshot(device))
    return device, token


def device_for_token(token: str) -> Device | None:
    """The active device of a bearer token, or None; touches `last_seen_at` once a minute."""
    if not token:
        return None
    device = (
        Device.objects.select_related("user", "user__unit", "user__person")
        .filter(token_hash=digest(token))
        .first()
    )
    if device is None or not device.is_active or not device.user.is_active:
        return None
    now = timezone.now()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


@transaction.atomic
def device_revoke(*, device: Device, actor: Any, reason: str = "") -> Device:
    unit = getattr(device.user, "unit", None)
    if actor != device.user and not can(actor, DEVICE_MANAGE, unit):
        raise NotPermitted("无权停用该设备")
    current = Device.objects.select_for_update().get(pk=device.pk)
    if current.revoked_at is not None:
        return current
    before = snapshot(current)
    current.revoked_at = timezone.now()
    current.revoked_by = actor
    current.revoke_reason = (reason or "").strip()[:200]
    current.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_record(
        actor=actor, action="update", instance=current, before=before, after=snapshot(current)
    )
    return current
