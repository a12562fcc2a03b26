"""作废 on the plot page: only for managers of the plot's unit; a voided plot leaves the lists."""

from __future__ import annotations

import json

import pytest

from zerocrop.core.models import AuditEvent
from zerocrop.geo.models import Plot
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def plot(demo_campaign) -> Plot:
    return Plot.objects.filter(unit__name="毛布拉格村", voided_at=None).first()


@pytest.mark.parametrize(
    ("username", "shown"),
    [("admin", True), ("cadre", True), ("leader", False), ("grid", False), ("police", False)],
)
def test_the_void_button_is_shown_only_to_managers(login_as, plot, username, shown) -> None:
    page = login_as(username).get(f"/geo/plots/{plot.pk}/").content.decode()
    assert ('data-testid="plot-void"' in page) is shown
    assert (f"/geo/plots/{plot.pk}/void/" in page) is shown


@pytest.mark.parametrize(
    ("username", "status"), [("leader", 403), ("grid", 403), ("police", 403), ("cadre2", 404)]
)
def test_others_cannot_void(login_as, plot, username, status) -> None:
    events = AuditEvent.objects.count()
    response = login_as(username).post(f"/geo/plots/{plot.pk}/void/", {"reason": "重复录入"})
    assert response.status_code == status
    if status == 403:
        assert "无权" in response.content.decode()
    assert Plot.objects.get(pk=plot.pk).voided_at is None
    assert AuditEvent.objects.count() == events


def test_a_manager_voids_with_a_reason_and_the_page_says_so(login_as, plot) -> None:
    client = login_as("cadre")
    response = client.post(f"/geo/plots/{plot.pk}/void/", {"reason": "重复录入"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/geo/plots/{plot.pk}/"
    page = response.content.decode()
    assert "已作废地块" in page
    cadre = User.objects.get(username="cadre")
    stored = Plot.objects.get(pk=plot.pk)
    assert (stored.voided_by, stored.void_reason) == (cadre, "重复录入")
    assert f"已作废：重复录入、作废人 {cadre.display_name}、" in page
    assert 'data-testid="plot-void"' not in page  # no second button
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_id, event.actor) == ("void", str(plot.pk), cadre)


@pytest.mark.parametrize(
    ("reason", "message"), [("", "作废必须填写原因"), ("长" * 201, "原因不能超过 200 个字")]
)
def test_a_bad_reason_is_explained_and_nothing_changes(login_as, plot, reason, message) -> None:
    response = login_as("cadre").post(
        f"/geo/plots/{plot.pk}/void/", {"reason": reason}, follow=True
    )
    assert message in response.content.decode()
    assert Plot.objects.get(pk=plot.pk).voided_at is None


def test_a_voided_plot_leaves_the_map_api_the_ledger_and_its_export(login_as, plot) -> None:
    client = login_as("cadre")
    bbox = f"{plot.min_lon},{plot.min_lat},{plot.max_lon},{plot.max_lat}"

    def on_map() -> set[str]:
        body = json.loads(client.get(f"/api/v1/geo/plots?bbox={bbox}&zoom=18").content)
        return {f["properties"]["id"] for f in body["features"]}

    def in_export() -> set[str]:
        body = json.loads(client.get("/geo/plots/export/?format=geojson").content)
        return {f["properties"]["code"] for f in body["features"]}

    assert str(plot.pk) in on_map() and plot.code in in_export()
    assert plot.name in client.get(f"/geo/plots/?q={plot.code}").content.decode()
    client.post(f"/geo/plots/{plot.pk}/void/", {"reason": "地块已不存在"}, follow=True)
    assert str(plot.pk) not in on_map()
    assert plot.code not in in_export()
    assert plot.name not in client.get(f"/geo/plots/?q={plot.code}").content.decode()
    # Its own page still answers, saying it is void.
    assert "已作废：地块已不存在" in client.get(f"/geo/plots/{plot.pk}/").content.decode()
