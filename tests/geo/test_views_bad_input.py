"""Garbage posted to the geo pages gets a Chinese message and changes nothing, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from zerocrop.geo.models import Plot
from zerocrop.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ids", ["abc", "1,2,3", "{own},not-a-uuid", ",,", "{own}\x00"])
def test_garbage_plot_ids_on_bulk_assign_change_nothing(login_as, ids) -> None:
    own = Plot.objects.filter(unit__name="毛布拉格村", responsible__isnull=True).first()
    person = Person.objects.filter(unit__name="毛布拉格村").first()
    response = login_as("cadre").post(
        "/geo/plots/assign/", {"plots": ids.format(own=own.pk), "responsible": str(person.pk)}
    )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown and all("已将" not in m for m in shown), shown
    assert any("未作任何修改" in m or "请选择地块" in m for m in shown), shown
    own.refresh_from_db()
    assert own.responsible_id is None


def test_garbage_in_the_plot_ledger_query_is_harmless(login_as) -> None:
    client = login_as("cadre")
    for query in ("unit=not-a-uuid", "q=%00", "page=abc", "kind=nonsense&risk=%FF"):
        assert client.get(f"/geo/plots/?{query}").status_code == 200, query


def test_non_uuid_plot_ids_in_urls_are_404(login_as) -> None:
    assert login_as("admin").get("/geo/plots/abc/").status_code == 404
