"""Creating a round: the past-window warning, the campaign select, and rounds named by campaign."""

from datetime import date

import pytest

from zerocrop.campaigns.services import campaign_create
from zerocrop.patrols.models import SurveyRound
from zerocrop.patrols.rules import past_window_warning

pytestmark = pytest.mark.django_db


def round_post(of, village, **extra) -> dict:
    window = of.critical_windows.get(species="poppy", stage="flowering")
    return {
        "window": window.pk,
        "name": "开花期踏查",
        "units": [village.pk],
        "cell_size_m": 200,
        "threshold_pct": 90,
        "radius_m": 30,
        **extra,
    }


@pytest.fixture
def campaign_2023(demo_campaign):
    return campaign_create(
        name="利剑-23",
        town=demo_campaign.unit,
        year=2023,
        phases=[{"name": "踏查铲毒", "start": "2023-05-25", "end": "2023-09-20"}],
    )


def test_the_warning_names_the_end_and_how_long_ago() -> None:
    text = past_window_warning(ends_on=date(2022, 7, 31), today=date(2022, 8, 10))
    assert "2022年7月31日" in text and "已过去 10 天" in text and "2022年8月10日" in text
    assert past_window_warning(ends_on=date(2022, 7, 31), today=date(2022, 7, 31)) is None


def test_a_past_window_warns_first_and_creates_only_when_confirmed(
    login_as, demo_campaign, village, settings
) -> None:
    settings.ZEROCROP_TODAY = "2022-08-10"  # the flowering window ended on 7-31
    admin = login_as("admin")
    url = f"/patrols/rounds/new/?campaign={demo_campaign.pk}"
    before = SurveyRound.objects.count()
    response = admin.post(url, round_post(demo_campaign, village))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="past-window-warning"' in page
    assert "已过去 10 天" in page and "仍然创建" in page
    assert SurveyRound.objects.count() == before
    # The re-rendered form keeps what was entered.
    assert 'value="开花期踏查"' in page

    response = admin.post(url, round_post(demo_campaign, village, confirm_past="1"))
    assert response.status_code == 302
    assert SurveyRound.objects.filter(name="开花期踏查", campaign=demo_campaign).exists()


def test_a_window_still_open_creates_at_once(login_as, demo_campaign, village, settings) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    response = login_as("admin").post(
        f"/patrols/rounds/new/?campaign={demo_campaign.pk}", round_post(demo_campaign, village)
    )
    assert response.status_code == 302
    created = SurveyRound.objects.get(name="开花期踏查")
    detail = login_as("admin").get(f"/patrols/rounds/{created.pk}/").content.decode()
    assert "剩 21 天" in detail and "已超期" not in detail


def test_the_round_form_asks_which_campaign_defaulting_to_the_pages(
    login_as, demo_campaign, campaign_2023, settings
) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"  # 利剑-22 is running: it is the default
    admin = login_as("admin")
    form = admin.get("/patrols/rounds/new/").context["form"]
    assert form["campaign"].value() == demo_campaign.pk
    assert set(form.fields["campaign"].queryset) == {demo_campaign, campaign_2023}
    chosen = admin.get(f"/patrols/rounds/new/?campaign={campaign_2023.pk}")
    form = chosen.context["form"]
    assert chosen.context["campaign"] == campaign_2023
    assert {w.campaign_id for w in form.fields["window"].queryset} == {campaign_2023.pk}
    page = chosen.content.decode()
    assert f'<option value="{campaign_2023.pk}" selected>利剑-23' in page
    assert chosen.context["top_campaign"] == campaign_2023


def test_a_round_goes_to_the_chosen_campaign(
    login_as, demo_campaign, campaign_2023, village
) -> None:
    admin = login_as("admin")
    post = round_post(campaign_2023, village, campaign=campaign_2023.pk, confirm_past="1")
    response = admin.post("/patrols/rounds/new/", post)
    assert response.status_code == 302
    assert SurveyRound.objects.get(name="开花期踏查").campaign == campaign_2023


def test_a_window_of_another_campaign_is_refused(
    login_as, demo_campaign, campaign_2023, village
) -> None:
    admin = login_as("admin")
    post = round_post(demo_campaign, village, campaign=campaign_2023.pk, confirm_past="1")
    response = admin.post("/patrols/rounds/new/", post)
    assert response.status_code == 200 and response.context["form"].errors["window"]
    assert not SurveyRound.objects.filter(name="开花期踏查").exists()


def test_an_unknown_campaign_is_refused_with_a_message(login_as, demo_campaign, village) -> None:
    post = round_post(
        demo_campaign, village, campaign="00000000-0000-0000-0000-000000000000", confirm_past="1"
    )
    response = login_as("admin").post("/patrols/rounds/new/", post)
    assert response.status_code == 200
    assert "所选行动不存在或无权查看" in response.content.decode()
    assert not SurveyRound.objects.filter(name="开花期踏查").exists()


def test_round_lists_name_their_campaign_and_filter_by_it(
    login_as, demo_campaign, campaign_2023, village, settings
) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    admin = login_as("admin")
    post = round_post(campaign_2023, village, campaign=campaign_2023.pk, name="二三年踏查")
    assert admin.post("/patrols/rounds/new/", {**post, "confirm_past": "1"}).status_code == 302
    page = admin.get("/patrols/rounds/").content.decode()
    assert page.count('data-testid="round-campaign"') == SurveyRound.objects.count()
    assert "利剑-23" in page and "利剑-22" in page and "全部行动" in page
    only = admin.get(f"/patrols/rounds/?campaign={campaign_2023.pk}")
    assert [r.name for r, _p in only.context["rounds"]] == ["二三年踏查"]
    # The top bar follows the list's campaign, and so does the new-round button.
    assert only.context["top_campaign"] == campaign_2023
    assert f"/patrols/rounds/new/?campaign={campaign_2023.pk}" in only.content.decode()


def test_a_rounds_pages_show_its_own_campaign_in_the_top_bar(
    login_as, demo_campaign, campaign_2023, village, settings
) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"  # 利剑-22 would be the top bar's campaign
    admin = login_as("admin")
    post = round_post(campaign_2023, village, campaign=campaign_2023.pk, confirm_past="1")
    admin.post("/patrols/rounds/new/", post)
    survey_round = SurveyRound.objects.get(name="开花期踏查")
    for url in (
        f"/patrols/rounds/{survey_round.pk}/",
        f"/patrols/rounds/{survey_round.pk}/review/",
    ):
        assert admin.get(url).context["top_campaign"] == campaign_2023, url
    assert admin.get("/patrols/rounds/").context["top_campaign"] == demo_campaign
    assert admin.get(f"/campaigns/{campaign_2023.pk}/").context["top_campaign"] == campaign_2023


def test_a_grid_worker_sees_the_campaign_of_each_of_their_rounds(login_as, settings) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    page = login_as("grid").get("/patrols/mine/").content.decode()
    assert 'data-testid="my-round-campaign"' in page and "利剑-22" in page


def test_the_overviews_round_panel_lists_that_campaigns_rounds(login_as, demo_campaign) -> None:
    page = login_as("admin").get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    assert f"/patrols/rounds/?campaign={demo_campaign.pk}" in page
