import pytest
from django.core.management import CommandError, call_command

from zerocrop.core.audit import audit_verify
from zerocrop.core.models import AuditEvent
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
