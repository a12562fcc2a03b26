from datetime import date

import pytest

from zerocrop.monitoring import states
from zerocrop.monitoring.choices import TargetStatus

TODAY = date(2022, 7, 10)


def test_the_pure_labels_are_the_choices_labels():
    for value, label in TargetStatus.choices:
        assert states.STATE_LABELS[value] == label


@pytest.mark.parametrize(
    ("due_on", "key", "reminder"),
    [
        (date(2022, 7, 20), "pending", ""),
        (date(2022, 7, 13), "pending", "还剩 3 天截止"),
        (date(2022, 7, 11), "pending", "还剩 1 天截止"),
        (date(2022, 7, 10), "pending", "今天截止"),
        (date(2022, 7, 8), "overdue", "已超期 2 天"),
    ],
)
def test_open_targets_are_reminded_then_overdue(due_on, key, reminder):
    shown = states.target_state(status="pending", due_on=due_on, today=TODAY)
    assert (shown.key, shown.reminder) == (key, reminder)


def test_a_returned_target_can_be_overdue_but_a_submitted_one_cannot():
    late = date(2022, 7, 1)
    assert states.target_state(status="returned", due_on=late, today=TODAY).overdue
    submitted = states.target_state(status="submitted", due_on=late, today=TODAY)
    assert not submitted.overdue and submitted.days_left is None
