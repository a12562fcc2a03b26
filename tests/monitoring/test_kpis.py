"""The monitoring indicators against cases computed by hand."""

from __future__ import annotations

from datetime import date

from zerocrop.monitoring import kpis
from zerocrop.monitoring.kpis import TargetRecord

ISSUED = date(2022, 6, 1)
DUE = date(2022, 6, 10)
TODAY = date(2022, 6, 15)


def rec(code, status="pending", result="", *, reason="", verified=None, known=False, **kw):
    values = {
        "code": code,
        "status": status,
        "result": result,
        "reason": reason,
        "issued_on": ISSUED,
        "due_on": DUE,
        "verified_on": verified,
        "locally_known": known,
        "unit": "甲村",
        "source": "county",
    }
    values.update(kw)
    return TargetRecord(**values)


def town():
    return [
        # true, known, verified on day 3 (on time)
        rec("A1", "approved", "true", verified=date(2022, 6, 4), known=True),
        # true, not known (a local miss), submitted on day 9 (on time)
        rec("A2", "submitted", "true", verified=date(2022, 6, 10)),
        # self-removed counts as true; late (day 13)
        rec("A3", "approved", "self_removed", verified=date(2022, 6, 14), known=True),
        # false with a reason, day 2
        rec("A4", "approved", "false", reason="lawn", verified=date(2022, 6, 3)),
        # unreachable: verified, but says nothing of planting; day 5
        rec("A5", "approved", "unreachable", verified=date(2022, 6, 6)),
        # returned: not verified, and past its deadline -> overdue
        rec("A6", "returned", "false", reason="lawn", verified=date(2022, 6, 5)),
        # pending, past deadline -> overdue
        rec("A7"),
        # pending, deadline later -> neither verified nor overdue
        rec("A8", due_on=date(2022, 6, 20)),
    ]


def test_rates_by_hand():
    k = kpis.compute(town(), today=TODAY)
    assert k.issued == 8
    assert k.verified == 5  # A1..A5
    assert k.verify_rate == 5 / 8
    assert k.verified_on_time == 4  # A3 late
    assert k.on_time_rate == 4 / 8
    assert k.decided == 4  # A5 unreachable left out
    assert k.true == 3  # A1, A2, A3
    assert k.true_rate == 3 / 4
    assert k.locally_known == 2
    assert k.known_rate == 2 / 3
    assert k.days_total == 3 + 9 + 13 + 2 + 5
    assert k.mean_days == 32 / 5
    assert k.overdue == 2 and k.overdue_codes == ("A6", "A7")
    assert k.by_result == {"true": 1 + 1, "self_removed": 1, "false": 1, "unreachable": 1}
    assert k.by_reason == {"lawn": 1}  # the returned A6 is not counted


def test_nothing_to_count_gives_none_not_zero():
    k = kpis.compute([], today=TODAY)
    assert k.issued == 0
    assert k.verify_rate is None and k.true_rate is None and k.known_rate is None
    assert k.mean_days is None


def test_no_true_target_leaves_known_rate_undefined():
    k = kpis.compute([rec("B1", "approved", "false", reason="roof", verified=ISSUED)], today=TODAY)
    assert k.true_rate == 0.0
    assert k.known_rate is None


def test_deadline_day_itself_is_on_time_and_not_overdue():
    records = [rec("C1", "submitted", "false", verified=DUE), rec("C2")]
    assert kpis.compute(records, today=DUE).overdue == 0
    assert kpis.compute(records, today=DUE).verified_on_time == 1
    assert kpis.compute(records, today=date(2022, 6, 11)).overdue == 1


def test_grouped_by_unit_and_by_source():
    records = [
        *town(),
        rec("D1", "approved", "true", verified=date(2022, 6, 2), unit="乙村", source="national"),
        rec("D2", unit="乙村", source="national"),
    ]
    units = kpis.by_unit(records, today=TODAY)
    assert list(units) == ["乙村", "甲村"]
    assert units["乙村"].issued == 2 and units["乙村"].verified == 1
    assert units["乙村"].known_rate == 0.0
    sources = kpis.by_source(records, today=TODAY)
    assert sources["national"].overdue == 1
    assert sources["county"].issued == 8
