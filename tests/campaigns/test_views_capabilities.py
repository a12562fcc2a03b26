"""Campaign pages show liaison pencils, pledge forms and 作废 only to roles that may use them;
the actions themselves still refuse everyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zerocrop.campaigns.models import Pledge

pytestmark = pytest.mark.django_db

WITHOUT_RIGHTS = ["leader", "police", "grid"]


@pytest.mark.parametrize("username", WITHOUT_RIGHTS)
def test_overview_hides_liaison_and_pledge_links(login_as, demo_campaign, username) -> None:
    page = login_as(username).get(reverse("campaign-detail", args=[demo_campaign.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="unit-table"' in html
    assert 'data-testid="liaison-edit"' not in html
    assert 'data-testid="pledge-create"' not in html
    assert reverse("pledge-create", args=[demo_campaign.pk]) not in html


def test_overview_shows_the_links_inside_the_users_scope(login_as, demo_campaign, unit_named):
    village, other = unit_named("毛布拉格村"), unit_named("排子湾村")
    html = login_as("cadre").get(reverse("campaign-detail", args=[demo_campaign.pk]))
    html = html.content.decode()
    assert 'data-testid="pledge-create"' in html
    assert reverse("liaison-edit", args=[demo_campaign.pk, village.pk]) in html
    assert reverse("liaison-edit", args=[demo_campaign.pk, other.pk]) not in html
    admin = login_as("admin").get(reverse("campaign-detail", args=[demo_campaign.pk]))
    assert reverse("liaison-edit", args=[demo_campaign.pk, other.pk]) in admin.content.decode()


@pytest.mark.parametrize("username", WITHOUT_RIGHTS)
def test_pledge_list_hides_register_and_void(login_as, demo_campaign, username) -> None:
    assert Pledge.objects.filter(campaign=demo_campaign, voided_at__isnull=True).exists()
    page = login_as(username).get(reverse("pledge-list", args=[demo_campaign.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="pledge-table"' in html
    assert 'data-testid="pledge-create"' not in html
    assert "作废原因" not in html


def test_pledge_list_shows_void_only_for_pledges_in_scope(login_as, demo_campaign, unit_named):
    village = unit_named("毛布拉格村")
    pledges = Pledge.objects.filter(campaign=demo_campaign, voided_at__isnull=True)
    mine = pledges.filter(unit=village).first()
    assert mine is not None
    html = login_as("cadre").get(reverse("pledge-list", args=[demo_campaign.pk])).content.decode()
    assert 'data-testid="pledge-create"' in html
    assert reverse("pledge-void", args=[mine.pk]) in html
    for pledge in pledges.exclude(unit__path__startswith=village.path):
        assert reverse("pledge-void", args=[pledge.pk]) not in html


@pytest.mark.parametrize("username", WITHOUT_RIGHTS)
def test_the_hidden_actions_still_refuse_when_posted(
    login_as, demo_campaign, unit_named, username
) -> None:
    client = login_as(username)
    village = unit_named("毛布拉格村")
    pledge = Pledge.objects.filter(campaign=demo_campaign, unit=village, voided_at__isnull=True)
    pledge = pledge.first()
    void = client.post(reverse("pledge-void", args=[pledge.pk]), {"reason": "试图作废"})
    assert void.status_code == 403
    pledge.refresh_from_db()
    assert pledge.voided_at is None
    liaison = client.post(
        reverse("liaison-edit", args=[demo_campaign.pk, village.pk]), {"name": "某人"}
    )
    assert liaison.status_code == 403
    count = Pledge.objects.count()
    register = client.post(
        reverse("pledge-create", args=[demo_campaign.pk]),
        {"kind": "unit", "unit": village.pk, "signer": "某人", "signed_on": "2024-03-01"},
    )
    assert register.status_code == 403 and Pledge.objects.count() == count


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("cadre", 200), ("leader", 403), ("grid", 403), ("police", 403)],
)
def test_the_pledge_form_page_answers_403_to_who_cannot_register(
    login_as, demo_campaign, username, status
) -> None:
    response = login_as(username).get(reverse("pledge-create", args=[demo_campaign.pk]))
    assert response.status_code == status
    html = response.content.decode()
    if status == 403:
        assert "无权进行此操作" in html and 'name="signer"' not in html
    else:
        assert 'name="signer"' in html
