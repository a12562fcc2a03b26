import pytest
from django.test import Client

from zerocrop.campaigns.models import Campaign, Pledge

pytestmark = pytest.mark.django_db


def pledge_of(village: str) -> Pledge:
    return Pledge.objects.filter(unit__name=village, kind="unit").first()


def test_cadre_asking_for_another_villages_pledge_gets_404(login_as, tmp_path) -> None:
    other = pledge_of("排子湾村")
    own = pledge_of("毛布拉格村")
    cadre = login_as("cadre")
    assert cadre.get(f"/pledges/{other.pk}/scan/").status_code == 404
    assert cadre.post(f"/pledges/{other.pk}/void/", {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.voided_at is None
    # The same request on the cadre's own village is not a 404 (it has no scan: 403).
    assert cadre.get(f"/pledges/{own.pk}/scan/").status_code == 403


def test_pledge_list_shows_only_the_own_village(login_as, demo_campaign: Campaign) -> None:
    page = login_as("cadre").get(f"/campaigns/{demo_campaign.pk}/pledges/").content.decode()
    assert "毛布拉格村" in page
    assert "排子湾村" not in page
    town_page = login_as("admin").get(f"/campaigns/{demo_campaign.pk}/pledges/").content.decode()
    assert "排子湾村" in town_page and "毛布拉格村" in town_page


def test_unit_pages_are_scoped(login_as, unit_named) -> None:
    cadre = login_as("cadre")
    assert cadre.get(f"/org/units/{unit_named('毛布拉格村').pk}/").status_code == 200
    assert cadre.get(f"/org/units/{unit_named('排子湾村').pk}/").status_code == 404
    assert cadre.get(f"/org/units/{unit_named('无定河镇').pk}/").status_code == 404
    people = cadre.get("/org/people/").content.decode()
    assert "王鸣山" in people and "张鹏富" not in people


def test_village_cadre_sees_the_town_campaign_but_only_own_units(
    login_as, demo_campaign: Campaign
) -> None:
    page = login_as("cadre").get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    assert "利剑-22" in page
    unit_table = page.split('data-testid="unit-table"')[1].split("</table>")[0]
    assert "毛布拉格村" in unit_table and "排子湾村" not in unit_table


def test_cadre_cannot_register_for_another_village(login_as, demo_campaign, unit_named) -> None:
    before = Pledge.objects.count()
    response = login_as("cadre").post(
        f"/campaigns/{demo_campaign.pk}/pledges/new/",
        {
            "kind": "unit",
            "unit": unit_named("排子湾村").pk,
            "signer": "冒名",
            "signed_on": "2022-05-01",
        },
    )
    assert response.status_code == 200  # the unit is not a choice for this user
    assert "选择一个有效的选项" in response.content.decode()
    assert Pledge.objects.count() == before


def test_grid_worker_cannot_write_pledges(login_as, demo_campaign, unit_named) -> None:
    response = login_as("grid").post(
        f"/campaigns/{demo_campaign.pk}/pledges/new/",
        {
            "kind": "unit",
            "unit": unit_named("毛布拉格村").pk,
            "signer": "王鸣山",
            "signed_on": "2022-05-01",
        },
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/campaigns/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert Client().get("/healthz").status_code == 200
