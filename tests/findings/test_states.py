from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from zerocrop.findings import selectors
from zerocrop.findings.models import Finding
from zerocrop.findings.states import Deadlines, State, state_of

DEADLINES = Deadlines(eradicate_days=3, recheck_days=7)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2022, 7, 4), State.OPEN), (date(2022, 7, 5), State.OVERDUE)],
)
def test_overdue_the_day_after_the_last_allowed_day(today, expected) -> None:
    assert (
        state_of(
            status="open", open_since=date(2022, 7, 1), eradicated_on=None, today=today,
            deadlines=DEADLINES,
        )
        == expected
    )  # fmt: skip


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2022, 7, 8), State.ERADICATED), (date(2022, 7, 9), State.RECHECK_DUE)],
)
def test_recheck_due_on_its_day(today, expected) -> None:
    assert (
        state_of(
            status="eradicated", open_since=date(2022, 7, 1), eradicated_on=date(2022, 7, 2),
            today=today, deadlines=DEADLINES,
        )
        == expected
    )  # fmt: skip


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.mark.django_db
@pytest.mark.parametrize("hour", [0, 12, 23])
def test_the_sql_filter_agrees_with_the_rule_on_every_day(record, settings, hour) -> None:
    """Each state filter selects exactly the findings `state_of` puts in that state."""
    settings.ZEROCROP_ERADICATE_DAYS = 3
    settings.ZEROCROP_RECHECK_DAYS = 7
    today = timezone.localdate()
    findings = []
    for back in range(0, 12):
        finding = record(found_at=_at(today - timedelta(days=back), hour) - timedelta(days=10))
        status = ("open", "eradicated", "rechecked")[back % 3]
        Finding.objects.filter(pk=finding.pk).update(
            status=status,
            open_since=_at(today - timedelta(days=back), hour),
            eradicated_at=_at(today - timedelta(days=back), hour) if status != "open" else None,
        )
        findings.append(Finding.objects.get(pk=finding.pk))
    user = findings[0].created_by
    for state in State:
        listed = set(
            selectors.finding_list(user=user, state=state.value, today=today)
            .filter(pk__in=[f.pk for f in findings])
            .values_list("pk", flat=True)
        )
        expected = {f.pk for f in findings if selectors.finding_state(f, today=today) == state}
        assert listed == expected, state
