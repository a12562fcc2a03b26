"""The plot ledger shows bulk 指定 only to roles that may assign; posting it still refuses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zerocrop.geo.models import Plot
from zerocrop.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["leader", "police", "grid"])
def test_bulk_assign_is_hidden_and_refused(login_as, username) -> None:
    client = login_as(username)
    page = client.get(reverse("plot-list"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="plot-table"' in html
    assert 'data-testid="plots-assign"' not in html and "plot-check" not in html
    plot = Plot.objects.filter(unit__name="毛布拉格村", responsible__isnull=True).first()
    person = Person.objects.filter(unit__name="毛布拉格村").first()
    response = client.post(
        reverse("plots-assign"), {"plots": str(plot.pk), "responsible": str(person.pk)}
    )
    assert response.status_code == 403
    plot.refresh_from_db()
    assert plot.responsible_id is None


@pytest.mark.parametrize("username", ["admin", "cadre"])
def test_bulk_assign_is_shown_to_managers(login_as, username) -> None:
    html = login_as(username).get(reverse("plot-list")).content.decode()
    assert 'data-testid="plots-assign"' in html and "plot-check" in html


def test_overview_hides_the_assign_shortcut_from_the_leader(login_as, demo_campaign) -> None:
    url = reverse("campaign-detail", args=[demo_campaign.pk])
    assert "去指定责任人" in login_as("admin").get(url).content.decode()
    leader = login_as("leader").get(url).content.decode()
    assert 'data-testid="unassigned-warning"' in leader and "去指定责任人" not in leader
