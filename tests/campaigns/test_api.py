import pytest

pytestmark = pytest.mark.django_db


def test_api_overview_is_scoped(login_as, demo_campaign, settings) -> None:
    settings.ZEROCROP_TODAY = "2022-05-15"
    data = login_as("cadre").get(f"/api/v1/campaigns/{demo_campaign.pk}").json()
    assert data["name"] == "利剑-22" and data["current_phase"] == "禁种宣传"
    assert [u["unit"] for u in data["units"]] == ["毛布拉格村"]
    town = login_as("admin").get(f"/api/v1/campaigns/{demo_campaign.pk}").json()
    assert len(town["units"]) == 21


def test_api_needs_login_and_hides_other_towns(client, login_as, demo_campaign) -> None:
    assert client.get("/api/v1/campaigns/").status_code == 401
    other = "00000000-0000-0000-0000-000000000000"
    response = login_as("cadre").get(f"/api/v1/campaigns/{other}")
    assert response.status_code == 404 and response.json()["detail"] == "不存在或无权查看"
