"""Phone numbers on the 人员 and unit pages: full to whoever manages the unit, masked otherwise."""

from __future__ import annotations

import pytest

from zerocrop.org.models import Person
from zerocrop.org.templatetags.people import phone_masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13847701234", "138****1234"),
        ("+86 138 4770 1234", "+86 138 **** 1234"),
        ("0477-6543210", "047*-***3210"),
        ("0477-654321", "****-**4321"),
        ("12345", "***45"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_phone_masked(phone, masked) -> None:
    assert phone_masked(phone) == masked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("admin", "13847701234"),  # town admin: manages every unit of the town
        ("cadre", "13847701234"),  # the cadre of 毛布拉格村, the person's own village
        ("grid", "138****1234"),  # a grid worker of the village sees, does not manage
        ("leader", "138****1234"),
        ("police", "138****1234"),
    ],
)
def test_the_person_list_shows_a_phone_as_the_role_may_see_it(login_as, username, shown) -> None:
    Person.objects.filter(name="高志刚").update(phone="13847701234")
    page = login_as(username).get("/org/people/", {"q": "高志刚"}).content.decode()
    assert f'data-testid="person-phone">{shown}</td>' in page
    if "*" in shown:
        assert "13847701234" not in page


@pytest.mark.django_db
def test_the_unit_page_masks_phones_for_a_grid_worker_only(login_as, unit_named) -> None:
    Person.objects.filter(name="高志刚").update(phone="13847701234")
    url = f"/org/units/{unit_named('毛布拉格村').pk}/"
    assert "13847701234" in login_as("cadre").get(url).content.decode()
    grid_page = login_as("grid").get(url).content.decode()
    assert "138****1234" in grid_page and "13847701234" not in grid_page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "shown"),
    [("admin", "13847701234"), ("cadre", "13847701234"), ("grid", "138****1234")],
)
def test_the_plot_page_shows_the_responsible_phone_as_the_role_may_see_it(
    login_as, username, shown
) -> None:
    from zerocrop.geo.models import Plot

    person = Person.objects.get(name="高志刚")
    person.phone = "13847701234"
    person.save()
    plot = Plot.objects.filter(unit=person.unit).first()
    Plot.objects.filter(pk=plot.pk).update(responsible=person)
    page = login_as(username).get(f"/geo/plots/{plot.pk}/").content.decode()
    assert f'data-testid="responsible-phone">{shown}</span>' in page
    if "*" in shown:
        assert "13847701234" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "shown"),
    [("admin", "13847701234"), ("cadre", "13847701234"), ("leader", "138****1234")],
)
def test_the_campaign_page_shows_a_liaison_phone_as_the_role_may_see_it(
    login_as, demo_campaign, unit_named, username, shown
) -> None:
    from zerocrop.campaigns.models import Liaison

    village = unit_named("毛布拉格村")
    person = Person.objects.filter(unit=village).first()
    Liaison.objects.update_or_create(
        campaign=demo_campaign,
        unit=village,
        defaults={"person": person, "phone": "13847701234"},
    )
    page = login_as(username).get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    assert f'data-testid="liaison-phone">{shown}</span>' in page
    if "*" in shown:
        assert "13847701234" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "grid"])
def test_no_api_answer_or_export_carries_a_phone_number(login_as, demo_campaign, username) -> None:
    """Phones are shown on pages only, through `phone_for`; the API and exports carry names."""
    from zerocrop.campaigns.models import Liaison
    from zerocrop.geo.models import Plot

    person = Person.objects.get(name="高志刚")
    person.phone = "13847701234"
    person.save()
    Plot.objects.filter(unit=person.unit).update(responsible=person)
    Liaison.objects.filter(campaign=demo_campaign).update(phone="13847701234")
    client = login_as(username)
    answers = [
        client.get("/api/v1/geo/plots"),
        client.get("/api/v1/geo/plots/search", {"q": "高志刚"}),
        client.get(f"/api/v1/campaigns/{demo_campaign.pk}"),
        client.get("/geo/plots/export/", {"format": "geojson", "q": "高志刚"}),
    ]
    for response in answers:
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"WDH-" in body or b"\\u9ad8\\u5fd7\\u521a" in body  # a plot code, or 高志刚
        for number in ("13847701234", "138****1234"):
            assert number.encode() not in body, response.request["PATH_INFO"]
