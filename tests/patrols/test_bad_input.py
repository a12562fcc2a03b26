"""Bad input on patrol pages gets a Chinese answer and changes nothing: never a 500, never a
redirect off the site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zerocrop.org.models import Person
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord, SurveyRound, TaskCell
from zerocrop.patrols.services import round_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(demo_campaign, village) -> SurveyRound:
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    today = timezone.localdate()
    return round_create(
        campaign=demo_campaign,
        window=window,
        name="坏输入",
        units=[village],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )


@pytest.mark.parametrize("unit", ["abc", "1", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_unit_in_the_query_string_is_no_server_error(login_as, survey_round, unit):
    admin = login_as("admin")
    base = f"/patrols/rounds/{survey_round.pk}"
    assert admin.get(f"{base}/assign/?unit={unit}").status_code == 200
    assert admin.get(f"{base}/dead-corners/?unit={unit}").status_code == 200
    assert admin.get(f"{base}/dead-corners/?unit={unit}&format=xlsx").status_code == 200
    api = admin.get(f"/api/v1/patrols/rounds/{survey_round.pk}/cells?unit={unit}")
    if unit.count("-") == 4:  # a well-formed id of no unit: simply no cells
        assert api.status_code == 200 and api.json()["cells"]["features"] == []
    else:
        assert api.status_code == 400 and api.json()["detail"] == "村（社区）编号无效"


def test_garbage_cell_ids_on_assign_are_refused_and_change_nothing(login_as, survey_round):
    admin = login_as("admin")
    cell = survey_round.cells.first()
    worker = Person.objects.get(name="高志刚")
    response = admin.post(
        f"/patrols/rounds/{survey_round.pk}/assign/",
        {"cells": f"{cell.pk},not-a-uuid", "people": [worker.pk]},
    )
    assert response.status_code == 403
    cell.refresh_from_db()
    assert cell.state == CellState.READY


@pytest.mark.parametrize(
    "next_url", ["x", "https://evil.example/", "//evil.example/", "/\\evil.example"]
)
def test_cell_actions_never_redirect_off_the_site(login_as, survey_round, next_url):
    cell = survey_round.cells.first()
    review = f"/patrols/rounds/{survey_round.pk}/review/"
    admin = login_as("admin")
    response = admin.post(f"/patrols/cells/{cell.pk}/unreachable/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == review  # no reason given
    response = admin.post(
        f"/patrols/cells/{cell.pk}/unreachable/", {"next": next_url, "reason": "塌方"}
    )
    assert response.status_code == 302 and response["Location"] == review
    cell.refresh_from_db()
    assert cell.state == CellState.UNREACHABLE
    response = admin.post(f"/patrols/cells/{cell.pk}/reopen/", {"next": "/patrols/mine/"})
    assert response["Location"] == "/patrols/mine/"  # a path on this site is followed


def test_a_too_long_reason_is_named(login_as, survey_round):
    cell = survey_round.cells.first()
    admin = login_as("admin")
    response = admin.post(
        f"/patrols/cells/{cell.pk}/unreachable/", {"reason": "远" * 201}, follow=True
    )
    assert "原因不能超过 200 字" in response.content.decode()
    cell.refresh_from_db()
    assert cell.state == CellState.READY


def test_bulk_plot_assignment_never_redirects_off_the_site(login_as, village):
    from zerocrop.geo.models import Plot

    plot = Plot.objects.filter(unit=village).first()
    worker = Person.objects.get(name="高志刚")
    response = login_as("admin").post(
        "/geo/plots/assign/",
        {"plots": str(plot.pk), "responsible": worker.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/geo/plots/"


def _patrol_post(client, survey_round, village, *, note="", track=None):
    now = timezone.localtime()
    data = {
        "unit": village.pk,
        "people": [Person.objects.get(name="高志刚").pk],
        "started_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "result": "nothing",
        "note": note,
    }
    if track is not None:
        data["track"] = track
    return client.post(f"/patrols/rounds/{survey_round.pk}/patrols/new/", data)


def test_a_track_file_name_over_200_characters_is_kept_shortened(
    login_as, survey_round, village, sweep_track, make_gpx
):
    cell = survey_round.cells.filter(kind="plot").first()
    start = timezone.now() - timedelta(hours=2)
    gpx = make_gpx(sweep_track(cell.geometry, start=start))
    name = "轨" * 250 + ".gpx"
    response = _patrol_post(
        login_as("grid"), survey_round, village, track=SimpleUploadedFile(name, gpx)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = PatrolRecord.objects.get(round=survey_round)
    assert len(record.track_source) <= 200 and record.track_source.endswith("….gpx")
    assert record.track_source.startswith("轨" * 100)


def test_a_patrol_note_over_2000_characters_is_refused(login_as, survey_round, village):
    response = _patrol_post(login_as("grid"), survey_round, village, note="说" * 2001)
    assert response.status_code == 200
    assert "情况说明不能超过 2000 字" in response.content.decode()
    assert not PatrolRecord.objects.filter(round=survey_round).exists()


def test_the_service_refuses_a_long_note_too(survey_round, village):
    from zerocrop.core.errors import ApplicationError
    from zerocrop.patrols.services import patrol_record_create

    now = timezone.now()
    with pytest.raises(ApplicationError, match="情况说明不能超过 2000 字"):
        patrol_record_create(
            survey_round=survey_round,
            unit=village,
            people=[Person.objects.get(name="高志刚")],
            started_at=now - timedelta(hours=2),
            ended_at=now - timedelta(hours=1),
            result="nothing",
            note="说" * 2001,
        )
    assert not PatrolRecord.objects.filter(round=survey_round).exists()


def test_every_round_form_field_shows_its_error(login_as, demo_campaign, village):
    admin = login_as("admin")
    response = admin.post(
        f"/patrols/rounds/new/?campaign={demo_campaign.pk}",
        {
            "campaign": "nope",
            "window": "nope",
            "name": "名" * 101,
            "starts_on": "bad",
            "ends_on": "bad",
            "cell_size_m": "5",
            "threshold_pct": "0",
            "radius_m": "0",
        },
    )
    form = response.context["form"]
    assert set(form.errors) == set(form.fields) - {"confirm_past"}  # a checkbox cannot be wrong
    page = response.content.decode()
    for name in form.errors:
        for error in form.errors[name]:
            assert error in page, (name, error)


def test_the_round_service_names_the_form_field(login_as, demo_campaign, village, monkeypatch):
    from zerocrop.patrols import services

    admin = login_as("admin")
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    monkeypatch.setattr(services, "MAX_CELLS_PER_ROUND", 3)
    rounds, cells = SurveyRound.objects.count(), TaskCell.objects.count()
    post = {
        "window": window.pk,
        "units": [village.pk],
        "cell_size_m": 200,
        "threshold_pct": 90,
        "radius_m": 30,
        "confirm_past": "1",  # the demo's 2022 window has passed
    }
    response = admin.post(f"/patrols/rounds/new/?campaign={demo_campaign.pk}", post)
    form = response.context["form"]
    assert "超过每轮上限 3 个" in form.errors["cell_size_m"][0]
    assert "超过每轮上限 3 个" in response.content.decode()
    assert "每轮最多 20000 个踏查任务" in response.content.decode()  # stated on the form
    assert (SurveyRound.objects.count(), TaskCell.objects.count()) == (rounds, cells)
