"""Bad input on the campaign pages gets a Chinese message and changes nothing, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from zerocrop.campaigns.models import Campaign, Pledge
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db


def campaign_data(**changes: Any) -> dict[str, Any]:
    town = AdminUnit.objects.get(name="无定河镇").pk
    data: dict[str, Any] = {"name": "利剑-23", "town": town, "phase_count": 1}
    data |= {"phase_0_name": "动员部署", "phase_0_start": "2023-04-20", "phase_0_end": "2023-05-05"}
    return data | changes


@pytest.mark.parametrize(
    ("phase_count", "message"),
    [
        ("abc", "阶段数必须是整数"),
        ("1e9", "阶段数必须是整数"),
        ("", "缺少阶段数"),
        ("99", "阶段数不能超过 12"),
        ("-3", "阶段数不能小于 0"),
    ],
)
def test_a_bad_phase_count_is_explained(login_as, phase_count, message) -> None:
    client = login_as("admin")
    before = Campaign.objects.count()
    for url, extra in (("/campaigns/new/", {}), ("/campaigns/import/", {"step": "confirm"})):
        response = client.post(url, campaign_data(phase_count=phase_count, **extra))
        assert response.status_code == 200, url
        assert message in response.content.decode(), url
    assert Campaign.objects.count() == before


def test_phase_name_errors_are_shown(login_as) -> None:
    response = login_as("admin").post("/campaigns/new/", campaign_data(phase_0_name="阶" * 51))
    assert response.status_code == 200
    error = response.context["form"].errors["phase_0_name"][0]
    assert error in response.content.decode()
    assert not Campaign.objects.filter(name="利剑-23").exists()


def test_nul_in_a_form_field_is_refused(login_as) -> None:
    response = login_as("admin").post("/campaigns/new/", campaign_data(name="利剑\x00-23"))
    assert response.status_code == 200
    assert "空字符" in response.context["form"].errors["name"][0]
    assert not Campaign.objects.filter(name__startswith="利剑").exclude(name="利剑-22").exists()


def test_a_hostile_notice_text_is_refused_and_never_taken_from_the_confirmation(login_as) -> None:
    """The notice text is checked where it is accepted (pasted at preview); the confirmation
    takes the staged text by its token, so a `notice_text` posted there is ignored."""
    client = login_as("admin")
    before = Campaign.objects.count()
    for text, message in (("方案\x00正文", "空字符"), ("长" * 200_001, "方案全文不能超过")):
        pasted = client.post("/campaigns/import/", {"step": "preview", "text": text})
        assert pasted.status_code == 200
        assert message in pasted.content.decode()
        response = client.post(
            "/campaigns/import/", campaign_data(step="confirm", notice_text=text)
        )
        assert response.status_code == 200
        assert "方案预览已过期" in response.content.decode()
    assert Campaign.objects.count() == before
    preview = client.post("/campaigns/import/", {"step": "preview", "text": "利剑-23 实施方案"})
    token = preview.context["form"].initial["token"]
    client.post(
        "/campaigns/import/",
        campaign_data(step="confirm", token=token, notice_text="方案\x00正文"),
    )
    assert Campaign.objects.get(name="利剑-23").notice_text == "利剑-23 实施方案"


def _pledge(demo_campaign: Campaign) -> Pledge:
    return demo_campaign.pledges.filter(unit__name="毛布拉格村", voided_at__isnull=True).first()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "作废必须填写原因"),
        ("因" * 201, "原因不能超过 200 个字"),
        ("重复\x00登记", "空字符"),
    ],
)
def test_a_bad_void_reason_gets_the_right_message(login_as, demo_campaign, reason, message) -> None:
    pledge = _pledge(demo_campaign)
    response = login_as("cadre").post(f"/pledges/{pledge.pk}/void/", {"reason": reason})
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(message in m for m in shown), shown
    pledge.refresh_from_db()
    assert pledge.voided_at is None and pledge.void_reason == ""


@pytest.mark.parametrize("query", ["unit=not-a-uuid", "unit=%00", "kind=nonsense"])
def test_garbage_in_the_pledge_form_query_is_harmless(login_as, demo_campaign, query) -> None:
    response = login_as("cadre").get(f"/campaigns/{demo_campaign.pk}/pledges/new/?{query}")
    assert response.status_code == 200


def test_non_uuid_ids_in_campaign_urls_are_404(login_as) -> None:
    client = login_as("admin")
    for url in ("/campaigns/abc/", "/campaigns/abc/pledges/", "/pledges/abc/scan/"):
        assert client.get(url).status_code == 404
