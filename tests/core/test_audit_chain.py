import pytest

from zerocrop.core.audit_chain import (
    GENESIS,
    Checkpoint,
    checkpoint_problem,
    event_hash,
    first_broken_link,
    legacy_event_hash,
    parse_line,
    parse_token,
)

KEY = b"test-audit-key"


def seal(events: list[dict], *, key: bytes = KEY, start: int = 0) -> list[dict]:
    """(Re)compute hashes from `start` on, as someone holding `key` would."""
    prev = events[start - 1]["hash"] if start else GENESIS
    for event in events[start:]:
        event["prev_hash"] = prev
        event["hash"] = event_hash(event, prev, key=key)
        prev = event["hash"]
    return events


def make_chain(count: int) -> list[dict]:
    events = [
        {
            "seq": seq,
            "at": f"2022-05-0{seq}T08:00:00+00:00",
            "actor_id": "7",
            "actor_label": "吉雅",
            "action": "create",
            "object_type": "campaigns.pledge",
            "object_id": str(seq),
            "object_repr": f"责任状{seq}",
            "before": None,
            "after": {"signer": f"签订人{seq}"},
        }
        for seq in range(1, count + 1)
    ]
    return seal(events)


def test_intact_chain_verifies() -> None:
    assert first_broken_link(make_chain(5), key=KEY) is None


def test_every_field_is_hashed() -> None:
    event = make_chain(1)[0]
    for name, value in [("actor_id", "8"), ("at", "2022-05-01T08:00:01+00:00"), ("seq", 2)]:
        assert event_hash({**event, name: value}, GENESIS, key=KEY) != event["hash"], name


def test_edited_actor_is_named() -> None:
    events = make_chain(5)
    events[2]["actor_id"] = "99"
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and broken.seq == 3
    assert "本事件被改动" in broken.reason and "操作人" in broken.reason


def test_edited_content_is_named() -> None:
    events = make_chain(5)
    events[2]["after"] = {"signer": "改过的名字"}
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and broken.seq == 3


def test_deleted_event_breaks_the_next_link() -> None:
    events = make_chain(5)
    del events[1]
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and broken.seq == 3
    assert "前序哈希不匹配" in broken.reason


def test_gaps_in_numbering_alone_are_not_tampering() -> None:
    events = make_chain(3)
    events.append({**events[-1], "seq": 9, "object_id": "9"})
    assert first_broken_link(seal(events, start=3), key=KEY) is None


def test_full_rehash_without_the_key_is_named() -> None:
    events = make_chain(4)
    events[1]["actor_id"] = "99"
    seal(events, key=b"a guess")
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and broken.seq == 1
    assert "整条链被重新计算" in broken.reason and "4 条" in broken.reason


def test_rehash_from_an_edited_event_is_named_there() -> None:
    events = make_chain(5)
    events[2]["after"] = {"signer": "伪造"}
    seal(events, key=b"a guess", start=2)
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and broken.seq == 3 and "链被重新计算" in broken.reason


def test_a_version_1_chain_does_not_pass_as_version_2() -> None:
    events = make_chain(3)
    prev = GENESIS
    for event in events:
        event["prev_hash"], event["hash"] = prev, legacy_event_hash(event, prev)
        prev = event["hash"]
    broken = first_broken_link(events, key=KEY)
    assert broken is not None and "整条链被重新计算" in broken.reason


def _checkpoint(events: list[dict]) -> Checkpoint:
    last = events[-1]
    return Checkpoint(last["seq"], last["hash"], len(events), 1_650_000_000).signed(key=KEY)


def test_checkpoint_round_trips_through_file_line_and_report_token() -> None:
    checkpoint = _checkpoint(make_chain(3))
    assert parse_line(checkpoint.to_line()) == checkpoint
    printed = parse_token(f"审计检查点：{checkpoint.to_token()}（核对）")
    assert printed is not None and printed.mac_ok(key=KEY)
    assert (printed.seq, printed.head, printed.count) == (3, checkpoint.head, 3)


def test_a_forged_checkpoint_is_refused() -> None:
    checkpoint = _checkpoint(make_chain(3))
    forged = Checkpoint(2, checkpoint.head, 2, checkpoint.at, checkpoint.mac)
    problem = checkpoint_problem(
        forged, key=KEY, stored_hash=checkpoint.head, count_up_to_seq=2, total=2
    )
    assert problem is not None and "HMAC" in problem


def test_cut_tail_is_named_with_both_counts() -> None:
    events = make_chain(5)
    checkpoint = _checkpoint(events)
    kept = events[:3]  # the tail is cut and the head moved: what is left is a valid chain
    assert first_broken_link(kept, key=KEY) is None
    problem = checkpoint_problem(checkpoint, key=KEY, stored_hash=None, count_up_to_seq=3, total=3)
    assert problem == "链尾被截断：检查点记录了 5 条，现在只有 3 条"


@pytest.mark.parametrize("text", ["", "v2.1.1.abc.1.def", "随便写的"])
def test_unreadable_report_tokens_are_not_checkpoints(text: str) -> None:
    assert parse_token(text) is None
