"""Keyed hash chain of audit events and its checkpoints (pure: no Django).

Each event's hash is HMAC-SHA256, under a key kept outside the database, over the canonical
encoding (version CHAIN_VERSION) of every stored field of the event plus the previous event's
hash; the first event links to GENESIS. Without the key nobody can recompute a valid chain.

A checkpoint (head seq, head hash, event count, time) is MAC'd with the same key and written
outside the database (an append-only file, printed reports), so cutting off the tail and moving
the head, which leaves a chain that is valid in itself, still shows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CHAIN_VERSION = 2
GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "prev_hash",
)
REPORT_MAC_CHARS = 32  # a printed checkpoint carries 128 bits of its MAC


def canonical(value: Any) -> str:
    """One byte string per value: sorted keys, no spaces, UTF-8 kept; only JSON types allowed."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def _mac(key: bytes, payload: Any) -> str:
    return hmac.new(key, canonical(payload).encode("utf-8"), hashlib.sha256).hexdigest()


def event_hash(fields: Mapping[str, Any], prev_hash: str, *, key: bytes) -> str:
    body = {name: fields[name] for name in HASHED_FIELDS if name != "prev_hash"}
    return _mac(key, {"v": CHAIN_VERSION, "event": body, "prev": prev_hash})


def legacy_event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """Version 1 (unkeyed SHA-256, actor id left out): only to check a chain before re-keying."""
    names = [n for n in HASHED_FIELDS if n not in {"actor_id", "prev_hash"}]
    payload = canonical({name: fields[name] for name in names}) + prev_hash
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def first_broken_link(events: Iterable[Mapping[str, Any]], *, key: bytes) -> BrokenLink | None:
    """Walk events in seq order; name the first that does not verify, or None.

    A run of events whose HMACs are all wrong while their links agree, up to the end, is a
    re-hash by someone without the key (from the start: the whole chain); a single wrong HMAC
    is an edit of that event (its actor, time or content).
    """
    # Gaps in seq are normal (a rolled-back transaction still uses up a sequence number on
    # PostgreSQL); a deleted event shows as the next event's prev_hash not matching.
    prev = GENESIS
    first_bad: int | None = None
    first_seq: int | None = None
    bad_count = 0
    for event in events:
        seq = int(event["seq"])
        first_seq = seq if first_seq is None else first_seq
        if event["prev_hash"] != prev:
            if first_bad is not None:
                break
            return BrokenLink(seq, "前序哈希不匹配（前一事件被删除或改动）")
        if hmac.compare_digest(event_hash(event, prev, key=key), str(event["hash"])):
            if first_bad is not None:
                break
        else:
            first_bad = seq if first_bad is None else first_bad
            bad_count += 1
        prev = event["hash"]
    else:
        if first_bad is not None and bad_count > 1:
            if first_bad == first_seq:
                return BrokenLink(
                    first_bad,
                    f"整条链被重新计算：全部 {bad_count} 条事件的 HMAC 都不符而前后链接一致"
                    "（有人在没有密钥的情况下重算了哈希）",
                )
            return BrokenLink(
                first_bad,
                f"链被重新计算：从本事件起的 {bad_count} 条事件 HMAC 都不符而前后链接一致"
                "（本事件或其后的事件被改动后重算了哈希）",
            )
    if first_bad is not None:
        return BrokenLink(first_bad, "内容与 HMAC 不符（本事件被改动，如操作人、时间或内容）")
    return None


def first_broken_legacy_link(events: Iterable[Mapping[str, Any]]) -> int | None:
    prev = GENESIS
    for event in events:
        if event["prev_hash"] != prev or legacy_event_hash(event, prev) != event["hash"]:
            return int(event["seq"])
        prev = event["hash"]
    return None


# --------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # 0: empty chain
    head: str
    count: int
    at: int  # Unix time, seconds
    mac: str = ""

    def _payload(self) -> dict[str, Any]:
        return {
            "v": CHAIN_VERSION,
            "seq": self.seq,
            "head": self.head,
            "count": self.count,
            "at": self.at,
        }

    def signed(self, *, key: bytes) -> Checkpoint:
        return Checkpoint(self.seq, self.head, self.count, self.at, _mac(key, self._payload()))

    def mac_ok(self, *, key: bytes) -> bool:
        expected = _mac(key, self._payload())
        length = max(len(self.mac), REPORT_MAC_CHARS)
        return hmac.compare_digest(expected[:length], self.mac)

    def to_line(self) -> str:
        return canonical({**self._payload(), "mac": self.mac})

    def to_token(self) -> str:
        """Compact form printed in reports: v2.<seq>.<count>.<head>.<time>.<mac prefix>."""
        mac = self.mac[:REPORT_MAC_CHARS]
        return f"v{CHAIN_VERSION}.{self.seq}.{self.count}.{self.head}.{self.at}.{mac}"


_TOKEN = re.compile(r"v(\d+)\.(\d+)\.(\d+)\.([0-9a-f]{64})\.(\d+)\.([0-9a-f]{32,64})")


def parse_line(line: str) -> Checkpoint | None:
    """A checkpoint from one line of the checkpoint file, or None if it is not one."""
    try:
        data = json.loads(line)
        if data["v"] != CHAIN_VERSION:
            return None
        return Checkpoint(
            int(data["seq"]), str(data["head"]), int(data["count"]), int(data["at"]), data["mac"]
        )
    except (ValueError, KeyError, TypeError):
        return None


def parse_token(text: str) -> Checkpoint | None:
    """The checkpoint in a report's footer text (the token may be surrounded by words)."""
    match = _TOKEN.search(text.strip())
    if match is None or int(match.group(1)) != CHAIN_VERSION:
        return None
    seq, count, head, at, mac = match.group(2, 3, 4, 5, 6)
    return Checkpoint(int(seq), head, int(count), int(at), mac)


def checkpoint_problem(
    checkpoint: Checkpoint,
    *,
    key: bytes,
    stored_hash: str | None,
    count_up_to_seq: int,
    total: int,
) -> str | None:
    """What the stored chain contradicts in a checkpoint, or None.

    `stored_hash` is the hash now stored for the checkpoint's seq (None: no such event),
    `count_up_to_seq` the events now stored up to that seq, `total` all events now stored.
    """
    if not checkpoint.mac_ok(key=key):
        return "检查点的 HMAC 不符（检查点被伪造或改动）"
    if checkpoint.seq == 0:
        return None
    if stored_hash is None:
        if total < checkpoint.count:
            return f"链尾被截断：检查点记录了 {checkpoint.count} 条，现在只有 {total} 条"
        return f"检查点记录的第 {checkpoint.seq} 号事件已不存在（事件被删除）"
    if stored_hash != checkpoint.head:
        return "该事件的哈希与检查点不符（链被重新计算或改动）"
    if count_up_to_seq != checkpoint.count:
        return (
            f"检查点记录到此共 {checkpoint.count} 条，现在只有 {count_up_to_seq} 条"
            "（中间的事件被删除）"
        )
    return None
