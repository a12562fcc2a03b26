"""The state table is the authority: every row is exercised, and services move cells only by it."""

from __future__ import annotations

import pytest

from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.org.models import Person, User
from zerocrop.patrols import states
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.services import (
    cell_invalidate,
    cell_mark_unreachable,
    cell_reopen,
    cells_assign,
    cells_unassign,
    round_create,
)

ALL = [s.value for s in CellState]

# Where each action leads from each state it allows (a tuple: the caller chooses).
EXPECTED = {
    "assign": {
        "ready": "assigned",
        "assigned": "assigned",
        "invalidated": "invalidated",  # kept: only tracks after the review count
    },
    "unassign": {"assigned": "ready"},
    "survey": {"ready": "surveyed", "assigned": "surveyed", "invalidated": "surveyed"},
    "validate": {"surveyed": "validated"},
    "invalidate": {"surveyed": "invalidated"},
    "unreachable": {
        "ready": "unreachable",
        "assigned": "unreachable",
        "surveyed": "unreachable",
        "invalidated": "unreachable",
    },
    "reopen": {"unreachable": ("assigned", "ready")},
}


def test_the_expectations_cover_the_whole_table() -> None:
    assert set(EXPECTED) == set(states.TRANSITIONS) == set(states.ACTION_LABELS)
    for action, rule in states.TRANSITIONS.items():
        assert set(EXPECTED[action]) == rule["from"], action


@pytest.mark.parametrize("action", list(states.TRANSITIONS))
@pytest.mark.parametrize("state", ALL)
def test_every_action_from_every_state(action: str, state: str) -> None:
    expected = EXPECTED[action].get(state)
    if expected is None:
        assert not states.allows(action, state)
        with pytest.raises(states.TransitionError) as info:
            states.next_state(action, state)
        assert isinstance(info.value, ApplicationError) and info.value.code == "transition"
        assert info.value.message == (
            f"{states.STATE_LABELS[state]}的任务不能{states.ACTION_LABELS[action]}"
        )
    elif isinstance(expected, tuple):
        for choice in expected:
            assert states.next_state(action, state, choice=choice) == choice
        with pytest.raises(states.TransitionError, match="重新开放后的状态须为"):
            states.next_state(action, state, choice="validated")
    else:
        assert states.allows(action, state)
        assert states.next_state(action, state) == expected


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(states.TransitionError, match="未知操作：burn"):
        states.check_transition("burn", "ready")


def test_the_labels_are_stated_once() -> None:
    assert dict(CellState.choices) == states.STATE_LABELS


# --- the services go through the table ---------------------------------------------------


@pytest.fixture
def survey_round(demo_campaign, village):
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    return round_create(campaign=demo_campaign, window=window, name="状态表", units=[village])


@pytest.fixture
def worker(demo_campaign) -> list[Person]:
    return [Person.objects.get(name="高志刚")]


@pytest.mark.django_db
def test_assigning_a_sent_back_cell_keeps_it_sent_back(survey_round, worker) -> None:
    cell = survey_round.cells.first()
    cell.state = CellState.SURVEYED
    cell.save()
    cell_invalidate(cell=cell, reviewer=User.objects.get(username="admin"), reason="轨迹太短")
    cells_assign(cells=[cell], people=worker)
    cell.refresh_from_db()
    assert cell.state == CellState.INVALIDATED and list(cell.assignees.all()) == worker


@pytest.mark.django_db
def test_unassign_makes_an_assigned_cell_ready_and_is_audited(survey_round, worker) -> None:
    cell = survey_round.cells.first()
    cells_assign(cells=[cell], people=worker, team="一组")
    assert cells_unassign(cells=[cell]) == 1
    cell.refresh_from_db()
    assert (cell.state, cell.team, cell.assignees.count()) == (CellState.READY, "", 0)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "unassign" and event.before["assignees"] == ["高志刚"]


@pytest.mark.django_db
def test_an_illegal_move_raises_and_changes_nothing(survey_round) -> None:
    cell = survey_round.cells.first()
    events = AuditEvent.objects.count()
    with pytest.raises(states.TransitionError, match=f"任务 {cell.code}：待分配的任务不能取消分配"):
        cells_unassign(cells=[cell])
    with pytest.raises(states.TransitionError, match="待分配的任务不能重新开放"):
        cell_reopen(cell=cell)
    cell.refresh_from_db()
    assert cell.state == CellState.READY and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_reopen_chooses_assigned_or_ready_by_who_holds_the_cell(survey_round, worker) -> None:
    held, free = survey_round.cells.all()[:2]
    cells_assign(cells=[held], people=worker)
    for cell in (held, free):
        cell_mark_unreachable(cell=cell, reason="塌方")
        cell_reopen(cell=cell)
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.state, free.state) == (CellState.ASSIGNED, CellState.READY)
