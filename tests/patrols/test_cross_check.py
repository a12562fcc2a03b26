"""交叉复查 cannot be bypassed: the uploader of a track is a walker, an account without a person
is checked too, and people named by someone else are shown as such."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zerocrop.core.errors import ApplicationError
from zerocrop.org.models import Person, User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.services import (
    cell_validate,
    cells_assign,
    patrol_record_create,
    round_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveyed_by_proxy(demo_campaign, village, sweep_track):
    """The grid worker uploads a track naming 尚霞亮 as the only walker of 尚霞亮's cell."""
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    survey_round = round_create(
        campaign=demo_campaign, window=window, name="代登记", units=[village]
    )
    cell = survey_round.cells.filter(kind="plot").order_by("area_m2").last()
    other = Person.objects.get(name="尚霞亮", unit=village)
    cells_assign(cells=[cell], people=[other])
    now = timezone.now()
    record = patrol_record_create(
        survey_round=survey_round,
        unit=village,
        people=[other],
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        tracks=[sweep_track(cell.geometry)],
        actor=User.objects.get(username="grid"),
    )
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED
    return cell, record


def test_the_uploader_of_a_track_cannot_validate_the_cell(surveyed_by_proxy):
    cell, _record = surveyed_by_proxy
    with pytest.raises(ApplicationError, match="交叉复查"):
        cell_validate(cell=cell, reviewer=User.objects.get(username="grid"))
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED
    cell_validate(cell=cell, reviewer=User.objects.get(username="cadre"))
    cell.refresh_from_db()
    assert cell.state == CellState.VALIDATED


def test_an_account_without_a_person_is_not_exempt(surveyed_by_proxy, village, sweep_track):
    cell, record = surveyed_by_proxy
    nobody = User.objects.create_user(
        username="noperson", password="x", role="village_cadre", unit=village
    )
    assert nobody.person_id is None
    record.created_by = nobody
    record.save(update_fields=["created_by"])
    with pytest.raises(ApplicationError, match="交叉复查"):
        cell_validate(cell=cell, reviewer=nobody)
    cell_validate(cell=cell, reviewer=User.objects.get(username="grid"))  # no longer uploader


def test_people_named_by_someone_else_are_shown_as_named_by(surveyed_by_proxy, login_as):
    cell, record = surveyed_by_proxy
    cadre = login_as("cadre")
    detail = cadre.get(f"/patrols/records/{record.pk}/").content.decode()
    assert "尚霞亮（由 高志刚 代为登记）" in detail.replace(
        '<span class="text-warning-emphasis">', ""
    ).replace("</span>", "")
    review = cadre.get(f"/patrols/rounds/{cell.round_id}/review/").content.decode()
    assert "（由 高志刚 代为登记）" in review


def test_people_who_registered_themselves_are_not_marked(demo_campaign, village, login_as):
    from zerocrop.patrols.models import PatrolRecord

    record = PatrolRecord.objects.filter(unit=village).first()  # the demo's own patrol
    record.created_by = User.objects.get(username="grid")
    record.save(update_fields=["created_by"])
    detail = login_as("cadre").get(f"/patrols/records/{record.pk}/").content.decode()
    assert "高志刚" in detail and "代为登记" not in detail
