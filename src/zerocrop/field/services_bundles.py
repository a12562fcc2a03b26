"""Importing an export bundle through the same idempotent path as sync (docs/field-sync.md)."""

from __future__ import annotations

from typing import Any

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.field.bundle_files import Bundle, BundleError, read_bundle
from zerocrop.field.capabilities import DEVICE_MANAGE
from zerocrop.field.receipts import record_receipt
from zerocrop.field.services_files import file_store_whole
from zerocrop.field.services_records import record_get, record_receive, record_try_apply
from zerocrop.org.capabilities import can
from zerocrop.org.models import User


def bundle_owner(*, user: Any, bundle: Bundle) -> Any:
    """Whose records these are: the importer's own, or (for a town admin) a user in scope."""
    if bundle.user in ("", user.username):
        return user
    owner = User.objects.select_related("unit").filter(username=bundle.user).first()
    if owner is None:
        raise BundleError(f"数据包属于账号「{bundle.user}」，平台上没有这个账号")
    unit = getattr(owner, "unit", None)
    if unit is None or not can(user, DEVICE_MANAGE, unit):
        raise NotPermitted(f"数据包属于「{bundle.user}」，您只能导入自己的或管辖范围内人员的数据包")
    return owner


def bundle_import(*, user: Any, data: bytes) -> list[dict[str, Any]]:
    """Every record of the bundle received (once) and its files stored; a receipt per record.

    The whole bundle is verified first (`read_bundle`); a record refused on its own is reported
    with its message and does not stop the others.
    """
    bundle = read_bundle(data)
    owner = bundle_owner(user=user, bundle=bundle)
    results: list[dict[str, Any]] = []
    received = []
    for body in bundle.records:
        try:
            record, created = record_receive(user=owner, device=None, body=body)
        except ApplicationError as exc:
            results.append(
                {
                    "uuid": str(body.get("uuid", "")),
                    "kind": str(body.get("kind", "")),
                    "status": "refused",
                    "status_label": "未导入",
                    "created": False,
                    "error": exc.message,
                    "error_field": exc.field or "",
                    "code": exc.code,
                }
            )
            continue
        received.append((record, created))
    for sha, content in bundle.files.items():
        try:
            file_store_whole(user=owner, sha256=sha, data=content)
        except ApplicationError:
            continue  # a file no record lists: nothing waits for it
    for record, created in received:
        current = record_try_apply(record=record_get(user=owner, uuid=record.client_uuid))
        results.append({**record_receipt(current), "created": created})
    return results
