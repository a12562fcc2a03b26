import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook

from zerocrop.core.audit import (
    _event_fields,
    audit_check,
    audit_export,
    audit_verify,
    current_checkpoint,
    rekey_chain,
)
from zerocrop.core.audit_chain import (
    GENESIS,
    event_hash,
    legacy_event_hash,
    parse_line,
    parse_token,
)
from zerocrop.core.models import AuditChainHead, AuditEvent
from zerocrop.org.choices import UnitLevel
from zerocrop.org.services import person_create, person_update, unit_create

pytestmark = pytest.mark.django_db


def test_every_write_leaves_a_chained_event() -> None:
    existing = AuditEvent.objects.count()
    town = unit_create(name="测试镇", level=UnitLevel.TOWN)
    person = person_create(name="张 三", unit=town)
    person_update(person=person, phone="13800000000")
    events = list(AuditEvent.objects.order_by("seq"))[existing:]
    assert [e.action for e in events] == ["create", "create", "update"]
    assert events[1].after["name"] == "张三"
    assert events[2].before["phone"] == "" and events[2].after["phone"] == "13800000000"
    assert events[1].prev_hash == events[0].hash
    assert audit_verify() == (existing + 3, None)


def test_editing_a_stored_event_is_detected() -> None:
    town = unit_create(name="测试镇", level=UnitLevel.TOWN)
    for name in ("甲", "乙", "丙"):
        person_create(name=name, unit=town)
    target = AuditEvent.objects.order_by("-seq")[1]
    AuditEvent.objects.filter(seq=target.seq).update(after={"name": "丁"})
    count, broken = audit_verify()
    assert count == AuditEvent.objects.count()
    assert broken is not None and broken.seq == target.seq
    with pytest.raises(CommandError, match=f"第 {target.seq} 号事件"):
        call_command("audit_verify")


def test_deleting_the_last_event_is_detected() -> None:
    town = unit_create(name="测试镇", level=UnitLevel.TOWN)
    person_create(name="甲", unit=town)
    AuditEvent.objects.order_by("-seq").first().delete()
    _, broken = audit_verify()
    assert broken is not None and "链尾" in broken.reason


def test_audit_verify_command_reports_an_intact_chain(capsys: pytest.CaptureFixture) -> None:
    unit_create(name="测试镇", level=UnitLevel.TOWN)
    call_command("audit_verify")
    assert f"审计链完整：共 {AuditEvent.objects.count()} 条事件" in capsys.readouterr().out


def test_exports_are_audited_with_who_and_what(login_as) -> None:
    client = login_as("cadre")
    before = AuditEvent.objects.count()
    response = client.get("/geo/plots/export/?format=xlsx&kind=historical")
    assert response.status_code == 200
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id) == ("export", "export", "xlsx")
    assert event.actor.username == "cadre" and "地块台账" in event.object_repr
    assert event.after["query"] == "format=xlsx&kind=historical"
    assert audit_verify()[1] is None


# --------------------------------------------------------------------------- keyed chain


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    """A checkpoint file of this test's own (the session's one belongs to committed data)."""
    settings.ZEROCROP_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    return settings.ZEROCROP_AUDIT_CHECKPOINT_FILE


def _three_events() -> list[AuditEvent]:
    town = unit_create(name="测试镇", level=UnitLevel.TOWN)
    for name in ("甲", "乙", "丙"):
        person_create(name=name, unit=town)
    return list(AuditEvent.objects.order_by("-seq")[:3])[::-1]


def _verify_error(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", *args)
    return str(error.value)


def test_editing_the_actor_of_an_event_is_detected(checkpoint_file, cadre_user) -> None:
    target = _three_events()[1]
    AuditEvent.objects.filter(seq=target.seq).update(actor=cadre_user)
    message = _verify_error()
    assert f"第 {target.seq} 号事件" in message and "操作人" in message


def _rehash_without_the_key() -> None:
    """What someone with database access but not the key can do: recompute every hash."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        fields = {**_event_fields(event), "prev_hash": prev}
        digest = event_hash(fields, prev, key=b"not the key")
        AuditEvent.objects.filter(seq=event.seq).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)


def test_a_full_rehash_without_the_key_is_detected(checkpoint_file, cadre_user) -> None:
    target = _three_events()[1]
    AuditEvent.objects.filter(seq=target.seq).update(actor=cadre_user)
    _rehash_without_the_key()
    assert "整条链被重新计算" in _verify_error()


def _cut_tail(events: int) -> None:
    """Delete the last events and move the head: what is left is a valid chain by itself."""
    for event in AuditEvent.objects.order_by("-seq")[:events]:
        event.delete()
    last = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.filter(id=1).update(last_hash=last.hash)


def test_a_cut_tail_is_detected_by_the_checkpoint_file(
    checkpoint_file, django_capture_on_commit_callbacks
) -> None:
    _three_events()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_verify")  # an intact chain: certified by a checkpoint
    total = AuditEvent.objects.count()
    assert checkpoint_file.read_text().count("\n") == 1
    _cut_tail(2)
    assert audit_check().problems[0].reason.startswith("检查点文件第 1 行")
    message = _verify_error()
    assert f"链尾被截断：检查点记录了 {total} 条，现在只有 {total - 2} 条" in message


def test_a_checkpoint_line_that_was_edited_is_detected(
    checkpoint_file, django_capture_on_commit_callbacks
) -> None:
    _three_events()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_verify")
    line = checkpoint_file.read_text()
    count = AuditEvent.objects.count()
    checkpoint_file.write_text(line.replace(f'"count":{count}', f'"count":{count - 1}'))
    assert "检查点的 HMAC 不符" in _verify_error()


def _footer(workbook: bytes) -> str:
    sheet = load_workbook(io.BytesIO(workbook)).active
    return next(
        str(c.value) for row in sheet.iter_rows() for c in row if "审计检查点" in str(c.value)
    )


def test_exported_ledgers_carry_a_checkpoint_that_catches_a_cut_tail(
    checkpoint_file, login_as
) -> None:
    client = login_as("cadre")
    _three_events()
    response = client.get("/geo/plots/export/?format=xlsx&kind=historical")
    footer = _footer(response.content)
    printed = parse_token(footer)
    assert printed is not None and printed.seq == AuditEvent.objects.order_by("-seq")[1].seq
    call_command("audit_verify", "--checkpoint", footer)  # intact: the printed line agrees
    _cut_tail(3)  # the export's own event and two before the printed head
    message = _verify_error("--checkpoint", footer)
    assert f"报告中的检查点：链尾被截断：检查点记录了 {printed.count} 条" in message


def test_the_dead_corner_ledger_carries_a_checkpoint(checkpoint_file) -> None:
    from types import SimpleNamespace

    from zerocrop.patrols.ledger import dead_corner_workbook

    data = dead_corner_workbook(
        survey_round=SimpleNamespace(name="第一轮"), corners=[], today=date(2022, 6, 1)
    )
    printed, now = parse_token(_footer(data)), current_checkpoint()
    # The time (and so the MAC) may be a second later; the chain position must be the same.
    assert (printed.seq, printed.head, printed.count) == (now.seq, now.head, now.count)
    assert audit_check(report_checkpoints=[_footer(data)]).problems == []


def test_checkpoints_are_written_after_commit_every_n_events_and_on_export(
    checkpoint_file, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ZEROCROP_AUDIT_CHECKPOINT_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        town = unit_create(name="测试镇", level=UnitLevel.TOWN)
    with django_capture_on_commit_callbacks(execute=True):
        person_create(name="甲", unit=town)
    with django_capture_on_commit_callbacks(execute=True):
        audit_export(actor=None, what="台账", file_format="xlsx", count=1, query="")
    lines = [parse_line(line) for line in checkpoint_file.read_text().splitlines()]
    assert len(lines) >= 1 and all(cp is not None for cp in lines)
    assert lines[-1].seq == AuditEvent.objects.order_by("-seq").first().seq
    assert audit_check().checkpoints == len({(cp.seq, cp.head) for cp in lines})
    assert audit_verify()[1] is None


def test_a_rolled_back_write_leaves_no_checkpoint(
    checkpoint_file, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        audit_export(actor=None, what="台账", file_format="xlsx", count=1, query="")
        raise RuntimeError
    assert callbacks == [] and not checkpoint_file.exists()


def test_rekeying_a_version_1_chain_once_records_it(checkpoint_file) -> None:
    _three_events()
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):  # as the chain was stored before the key
        digest = legacy_event_hash({**_event_fields(event), "prev_hash": prev}, prev)
        AuditEvent.objects.filter(seq=event.seq).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)
    before = AuditEvent.objects.count()
    assert "整条链被重新计算" in audit_verify()[1].reason

    assert rekey_chain(event_model=AuditEvent, head_model=AuditChainHead) == before
    assert audit_verify() == (before + 1, None)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "rekey" and event.after["old_chain_intact"] is True
    assert event.after["old_head"] == prev


def test_without_a_key_nothing_verifies(settings) -> None:
    _three_events()
    settings.ZEROCROP_AUDIT_KEY = "another key"
    assert "整条链被重新计算" in audit_verify()[1].reason
