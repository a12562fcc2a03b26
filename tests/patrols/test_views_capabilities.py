"""Round pages show 分包, 复核 and 上传轨迹 only to roles that may use them; posts still refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zerocrop.demo.patrols import DEMO_ROUND
from zerocrop.org.models import Person
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import SurveyRound, TaskCell

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(demo_campaign) -> SurveyRound:
    return SurveyRound.objects.get(campaign=demo_campaign, name=DEMO_ROUND)


@pytest.mark.parametrize("username", ["leader", "police", "grid"])
def test_assign_form_is_hidden_and_refused(login_as, survey_round, village, username) -> None:
    client = login_as(username)
    url = reverse("round-assign", args=[survey_round.pk]) + f"?unit={village.pk}"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="cell-table"' in html
    assert 'data-testid="cells-assign"' not in html and "cell-check" not in html
    cell = survey_round.cells.filter(unit=village, state=CellState.ASSIGNED).first()
    before = set(cell.assignees.values_list("pk", flat=True))
    person = Person.objects.filter(unit=village).exclude(pk__in=before).first()
    response = client.post(url, {"cells": str(cell.pk), "people": [str(person.pk)]})
    assert response.status_code == 403
    assert set(cell.assignees.values_list("pk", flat=True)) == before


def test_assign_form_is_shown_to_the_villages_cadre(login_as, survey_round, village) -> None:
    url = reverse("round-assign", args=[survey_round.pk]) + f"?unit={village.pk}"
    html = login_as("cadre").get(url).content.decode()
    assert 'data-testid="cells-assign"' in html and "cell-check" in html


@pytest.mark.parametrize("username", ["leader", "police"])
def test_review_and_upload_are_hidden_and_refused(login_as, survey_round, username) -> None:
    client = login_as(username)
    page = client.get(reverse("round-review", args=[survey_round.pk]))
    html = page.content.decode()
    surveyed = survey_round.cells.filter(state=CellState.SURVEYED).first()
    assert surveyed is not None and surveyed.code in html
    assert "复核通过" not in html and "退回原因" not in html
    assert 'data-testid="nav-patrol-create"' not in html
    response = client.post(reverse("cell-action", args=[surveyed.pk, "validate"]))
    assert response.status_code == 403
    surveyed.refresh_from_db()
    assert surveyed.state == CellState.SURVEYED
    assert client.get(reverse("patrol-create", args=[survey_round.pk])).status_code == 403


def test_grid_worker_reviews_but_does_not_reopen(login_as, survey_round, village) -> None:
    cell = survey_round.cells.filter(unit=village, state=CellState.ASSIGNED).first()
    TaskCell.objects.filter(pk=cell.pk).update(state=CellState.UNREACHABLE, reason="河水阻隔")
    grid = login_as("grid")
    html = grid.get(reverse("round-review", args=[survey_round.pk])).content.decode()
    assert "复核通过" in html and 'data-testid="nav-patrol-create"' in html
    assert reverse("cell-action", args=[cell.pk, "reopen"]) not in html
    assert grid.post(reverse("cell-action", args=[cell.pk, "reopen"])).status_code == 403
    cell.refresh_from_db()
    assert cell.state == CellState.UNREACHABLE
    admin_html = login_as("admin").get(reverse("round-review", args=[survey_round.pk]))
    assert reverse("cell-action", args=[cell.pk, "reopen"]) in admin_html.content.decode()
