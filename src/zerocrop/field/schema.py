"""The sync wire format's versions: canonical JSON, content hashes, upgrading old records.

Pure module: no Django. A phone that has not updated for a season still syncs: every accepted
schema version is brought to the current one before validation (docs/field-sync.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

from zerocrop.core.errors import ApplicationError
from zerocrop.field.rules import OLDEST_SCHEMA_VERSION, SCHEMA_VERSION


class SchemaError(ApplicationError):
    """A record whose schema version cannot be synced (422, nothing stored)."""

    default_code = "invalid"
    http_status = 422


def canonical_json(obj: Any) -> str:
    """The one text of a JSON value that both sides hash (sorted keys, no spaces, UTF-8)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(kind: str, payload: Any, files: Any) -> str:
    """What identifies a record's content: the same UUID with another hash is a conflict."""
    text = canonical_json({"kind": kind, "payload": payload, "files": files})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fix_1_to_2(fix: Any) -> Any:
    # Schema 1 sent [lon, lat, t]; anything else is left for validation to refuse.
    if isinstance(fix, list | tuple) and len(fix) in (2, 3):
        upgraded: dict[str, Any] = {"lon": fix[0], "lat": fix[1]}
        if len(fix) == 3:
            upgraded["t"] = fix[2]
        return upgraded
    return fix


def _upgrade_1_to_2(record: dict[str, Any]) -> dict[str, Any]:
    payload = record.get("payload")
    if not isinstance(payload, dict):
        return record
    kind = record.get("kind")
    if kind == "patrol":
        fixes = payload.get("fixes")
        if isinstance(fixes, list):
            payload["fixes"] = [_fix_1_to_2(fix) for fix in fixes]
        payload.setdefault("gaps", [])
    elif kind == "finding" and "count" in payload:
        count = payload.pop("count")
        payload.setdefault("plant_count", count)
    return record


# Each step brings a record from the version it is keyed by to the next one.
_STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}


def schema_of(record: dict[str, Any]) -> int:
    """The record's schema version, or a Chinese ApplicationError when it cannot be synced."""
    version = record.get("schema")
    if version is None:
        raise SchemaError("缺少数据格式版本", field="schema", code="schema_missing")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SchemaError("数据格式版本应为整数", field="schema", code="invalid")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"数据格式版本 {version} 比服务器支持的（{SCHEMA_VERSION}）更新，请联系管理员升级平台",
            field="schema",
            code="schema_too_new",
        )
    if version < OLDEST_SCHEMA_VERSION:
        raise SchemaError(
            f"数据格式版本 {version} 已不再支持（最早支持 {OLDEST_SCHEMA_VERSION}），"
            "请用导出离线数据包交给管理员处理",
            field="schema",
            code="schema_unsupported",
        )
    return version


def upgrade(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of `record` (a POST /sync/records body) in the current schema version."""
    if not isinstance(record, dict):
        raise SchemaError("记录应为 JSON 对象", code="invalid")
    version = schema_of(record)
    upgraded = copy.deepcopy(record)
    while version < SCHEMA_VERSION:
        upgraded = _STEPS[version](upgraded)
        version += 1
    upgraded["schema"] = SCHEMA_VERSION
    return upgraded
