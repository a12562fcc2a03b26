"""Round ranges and defaults are stated once: the model, its form, the service and the CLI agree."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from zerocrop.campaigns.models import Campaign
from zerocrop.core.errors import ApplicationError
from zerocrop.patrols import cli, coverage, rules
from zerocrop.patrols.forms import PatrolForm, RoundForm
from zerocrop.patrols.models import PatrolRecord, SurveyRound
from zerocrop.patrols.services import round_create

pytestmark = pytest.mark.django_db


def test_defaults_come_from_the_rules() -> None:
    fields = {f.name: f for f in SurveyRound._meta.fields}
    assert fields["radius_m"].default == rules.DEFAULT_RADIUS_M == coverage.DEFAULT_RADIUS_M
    assert fields["threshold"].default == rules.DEFAULT_THRESHOLD == cli.DEFAULT_THRESHOLD
    assert fields["cell_size_m"].default == rules.DEFAULT_CELL_SIZE_M
    assert PatrolRecord._meta.get_field("note").max_length == rules.NOTE_MAX_CHARS
    assert PatrolForm.base_fields["note"].max_length == rules.NOTE_MAX_CHARS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("radius_m", 0.5),
        ("radius_m", 501),
        ("threshold", 0),
        ("threshold", 1.01),
        ("cell_size_m", 19),
        ("cell_size_m", 2001),
    ],
)
def test_the_database_refuses_a_round_out_of_range(demo_campaign, field, value) -> None:
    survey_round = SurveyRound.objects.filter(campaign=demo_campaign).first() or _round(
        demo_campaign
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRound.objects.filter(pk=survey_round.pk).update(**{field: value})


def _round(campaign):
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    return round_create(
        campaign=campaign,
        window=window,
        name="范围",
        units=[campaign.unit.children.get(name="毛布拉格村")],
    )


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("radius_m", 501, rules.RADIUS_M),
        ("threshold", 0.0, rules.THRESHOLD),
        ("cell_size_m", 10, rules.CELL_SIZE_M),
    ],
)
def test_the_service_names_the_field_with_the_rules_message(demo_campaign, field, value, rule):
    window = demo_campaign.critical_windows.first()
    with pytest.raises(ApplicationError) as info:
        round_create(
            campaign=demo_campaign,
            window=window,
            name="x",
            units=[demo_campaign.unit.children.get(name="毛布拉格村")],
            **{field: value},
        )
    assert (info.value.field, info.value.message) == (field, rule.message)


def test_the_round_form_is_built_from_the_model(demo_campaign) -> None:
    form = RoundForm(
        campaigns=Campaign.objects.filter(pk=demo_campaign.pk),
        campaign=demo_campaign,
        windows=demo_campaign.critical_windows.all(),
        units=demo_campaign.unit.children.none(),
    )
    assert form.fields["cell_size_m"].initial == rules.DEFAULT_CELL_SIZE_M
    assert form.fields["cell_size_m"].label == "网格边长（米）"
    assert form.fields["threshold_pct"].initial == 90
    assert form.fields["threshold_pct"].label == "完成覆盖率（%）"
    assert form.fields["radius_m"].initial == rules.DEFAULT_RADIUS_M
    assert list(form.fields) == [
        "campaign",
        "window",
        "name",
        "units",
        "starts_on",
        "ends_on",
        "cell_size_m",
        "threshold_pct",
        "radius_m",
        "confirm_past",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cell_size_m", "5", rules.CELL_SIZE_M.message),
        ("threshold_pct", "0", rules.THRESHOLD.message),
        ("radius_m", "600", rules.RADIUS_M.message),
    ],
)
def test_the_round_form_shows_the_models_range_message(demo_campaign, field, value, message):
    window = demo_campaign.critical_windows.first()
    village = demo_campaign.unit.children.filter(name="毛布拉格村")
    data = {
        "campaign": demo_campaign.pk,
        "window": window.pk,
        "units": [village.get().pk],
        "cell_size_m": 200,
        "threshold_pct": 90,
        "radius_m": 30,
        field: value,
    }
    form = RoundForm(
        data,
        campaigns=Campaign.objects.filter(pk=demo_campaign.pk),
        campaign=demo_campaign,
        windows=demo_campaign.critical_windows.all(),
        units=village,
    )
    assert not form.is_valid()
    assert form.errors == {field: [message]}
