"""Hash chain of audit events (pure: no Django).

Each event's hash is SHA-256 over the canonical JSON of its fields plus the
previous event's hash; the first event links to GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
)


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = canonical({name: fields[name] for name in HASHED_FIELDS}) + prev_hash
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def first_broken_link(events: Iterable[Mapping[str, Any]]) -> BrokenLink | None:
    """Walk events in seq order; return the first that does not verify, or None."""
    # Gaps in seq are normal (a rolled-back transaction still uses up a sequence number on
    # PostgreSQL); a deleted event shows as the next event's prev_hash not matching.
    prev = GENESIS
    for event in events:
        seq = int(event["seq"])
        if event["prev_hash"] != prev:
            return BrokenLink(seq, "前序哈希不匹配（前一事件被改动或删除）")
        if event_hash(event, prev) != event["hash"]:
            return BrokenLink(seq, "内容哈希不匹配（本事件被改动）")
        prev = event["hash"]
    return None
