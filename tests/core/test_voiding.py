"""One void service for every Voidable record: reason required, once, by whom, audited."""

from __future__ import annotations

import pytest

from zerocrop.campaigns.models import Pledge
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.core.voiding import void
from zerocrop.geo.models import Plot
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def plot(demo_campaign) -> Plot:
    return Plot.objects.filter(unit__name="毛布拉格村", voided_at=None).first()


def test_void_records_when_who_and_why_and_audits(plot, cadre_user) -> None:
    events = AuditEvent.objects.count()
    void(instance=plot, reason="  重复录入  ", actor=cadre_user)
    stored = Plot.objects.get(pk=plot.pk)
    assert stored.voided_at is not None and stored.is_void
    assert (stored.voided_by, stored.void_reason) == (cadre_user, "重复录入")
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.object_type, event.object_id) == ("void", "geo.plot", str(plot.pk))
    assert event.actor == cadre_user
    assert event.before["voided_at"] is None and event.after["void_reason"] == "重复录入"


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "作废必须填写原因"), ("   ", "作废必须填写原因"), ("长" * 201, "不能超过 200 个字")],
)
def test_a_missing_or_long_reason_is_refused_and_nothing_changes(plot, cadre_user, reason, message):
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message) as info:
        void(instance=plot, reason=reason, actor=cadre_user)
    assert info.value.field == "reason"
    assert Plot.objects.get(pk=plot.pk).voided_at is None
    assert AuditEvent.objects.count() == events


def test_voiding_twice_is_refused_and_keeps_the_first(demo_campaign, cadre_user) -> None:
    pledge = Pledge.objects.filter(campaign=demo_campaign, voided_at=None).first()
    void(instance=pledge, reason="签订人写错", actor=cadre_user)
    other = User.objects.get(username="admin")
    stale = Pledge.objects.get(pk=pledge.pk)
    stale.voided_at = None  # a copy read before the first void, as a second click would hold
    with pytest.raises(ApplicationError, match="该责任状/承诺书已作废，不能再次作废"):
        void(instance=stale, reason="再次作废", actor=other)
    stored = Pledge.objects.get(pk=pledge.pk)
    assert (stored.voided_by, stored.void_reason) == (cadre_user, "签订人写错")


def test_the_system_may_void_without_an_actor(plot) -> None:
    void(instance=plot, reason="数据清理", actor=None)
    stored = Plot.objects.get(pk=plot.pk)
    assert stored.voided_by is None and stored.void_reason == "数据清理"
    assert AuditEvent.objects.order_by("-seq").first().actor_label == "系统"
