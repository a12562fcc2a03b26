import json
import re

import pytest
from django.urls import reverse

from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.forms import AssignForm
from zerocrop.patrols.models import SurveyRound

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[tuple[str, dict]]:
    found = re.findall(r'<option value="[^"]+" data-data="([^"]+)"[^>]*>([^<]+)</option>', html)
    return [(label, json.loads(data.replace("&quot;", '"'))) for data, label in found]


def test_picker_labels_each_person_with_the_unit_in_tree_order(demo_campaign) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    people = Person.objects.filter(unit__path__startswith=demo_campaign.unit.path)
    form = AssignForm(people=people, village=village)
    html = str(form["people"])
    assert "data-person-picker" in html
    options = _options(html)
    assert len(options) == people.count()
    for label, data in options:
        assert label == f"{data['name']} · {data['unit']}"
    # Town people first, then each village's in the notice's order (sort_order), never by id.
    units = {u.name: u for u in AdminUnit.objects.filter(path__startswith=demo_campaign.unit.path)}
    orders = [units[data["unit"]].sort_order for _, data in options if data["village"]]
    assert orders == sorted(orders)
    assert options[0][1]["village"] == ""  # the town's own people come before any village
    # The village filter lists the villages once each, the village in view preselected.
    chosen = re.search(r'<option value="(\w+)" data-unit="[^"]+" selected>([^<]+)</option>', html)
    assert chosen and chosen.group(2) == "毛布拉格村" and chosen.group(1) == village.id.hex
    mine = [d for _, d in options if d["unit"] == "毛布拉格村"]
    assert mine and all(d["village"] == village.id.hex for d in mine)


def test_round_assign_page_presets_the_village_in_view(admin_client_demo, unit_named) -> None:
    survey_round = SurveyRound.objects.first()
    village = unit_named("王窑湾村")
    response = admin_client_demo.get(
        reverse("round-assign", args=[survey_round.pk]), {"unit": village.pk}
    )
    html = response.content.decode()
    assert f'<option value="{village.id.hex}" data-unit="{village.pk}" selected>王窑湾村' in html
    assert "王小军 · 王窑湾村" in html


def test_bulk_assign_can_clear_the_responsible_person(admin_client_demo) -> None:
    from zerocrop.geo.models import Plot

    plot = Plot.objects.filter(responsible__isnull=False).first()
    response = admin_client_demo.post(
        reverse("plots-assign"), {"plots": str(plot.pk), "responsible": ""}
    )
    assert response.status_code == 302
    plot.refresh_from_db()
    assert plot.responsible is None


def test_bulk_assign_refuses_a_person_out_of_scope(cadre_client) -> None:
    from zerocrop.geo.models import Plot

    plot = Plot.objects.filter(unit__name="毛布拉格村").first()
    before = plot.responsible_id
    stranger = Person.objects.filter(unit__name="王窑湾村").first()
    response = cadre_client.post(
        reverse("plots-assign"),
        {"plots": str(plot.pk), "responsible": str(stranger.pk)},
        follow=True,
    )
    assert "请选择地块和责任人" in response.content.decode()
    plot.refresh_from_db()
    assert plot.responsible_id == before
