from zerocrop.core.audit_chain import GENESIS, event_hash, first_broken_link


def make_chain(count: int) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, count + 1):
        event = {
            "seq": seq,
            "at": f"2022-05-0{seq}T08:00:00+00:00",
            "actor_label": "吉雅",
            "action": "create",
            "object_type": "campaigns.pledge",
            "object_id": str(seq),
            "object_repr": f"责任状{seq}",
            "before": None,
            "after": {"signer": f"签订人{seq}"},
            "prev_hash": prev,
        }
        event["hash"] = event_hash(event, prev)
        prev = event["hash"]
        events.append(event)
    return events


def test_intact_chain_verifies() -> None:
    assert first_broken_link(make_chain(5)) is None


def test_edited_content_is_named() -> None:
    events = make_chain(5)
    events[2]["after"] = {"signer": "改过的名字"}
    broken = first_broken_link(events)
    assert broken is not None and broken.seq == 3
    assert "内容哈希不匹配" in broken.reason


def test_deleted_event_breaks_the_next_link() -> None:
    events = make_chain(5)
    del events[1]
    broken = first_broken_link(events)
    assert broken is not None and broken.seq == 3
    assert "前序哈希不匹配" in broken.reason


def test_gaps_in_numbering_alone_are_not_tampering() -> None:
    events = make_chain(3)
    prev = events[-1]["hash"]
    later = {**events[-1], "seq": 9, "object_id": "9", "prev_hash": prev}
    later["hash"] = event_hash(later, prev)
    assert first_broken_link([*events, later]) is None


def test_rehashed_edit_breaks_the_next_link() -> None:
    events = make_chain(4)
    events[1]["after"] = {"signer": "伪造"}
    events[1]["hash"] = event_hash(events[1], events[1]["prev_hash"])
    broken = first_broken_link(events)
    assert broken is not None and broken.seq == 3
