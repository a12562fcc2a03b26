import pytest

from zerocrop.geo.models import Plot
from zerocrop.org.models import Person

pytestmark = pytest.mark.django_db


def test_overview_warns_while_historical_plots_are_unassigned(login_as, demo_campaign) -> None:
    client = login_as("admin")
    page = client.get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    missing = Plot.objects.filter(kind="historical", responsible__isnull=True).count()
    assert missing > 0
    assert f"还有 <strong>{missing}</strong> 个历史种植地块未分包到人" in page
    Plot.objects.filter(kind="historical").update(responsible=Person.objects.first())
    assert "未分包到人" not in client.get(f"/campaigns/{demo_campaign.pk}/").content.decode()


def test_plot_list_filters(login_as) -> None:
    client = login_as("admin")
    page = client.get("/geo/plots/?kind=historical&unassigned=on").content.decode()
    expected = Plot.objects.filter(kind="historical", responsible__isnull=True).count()
    assert f"共 {expected} 个" in page
    cadre_page = login_as("cadre").get("/geo/plots/").content.decode()
    own = Plot.objects.filter(unit__name="毛布拉格村").count()
    assert f"共 {own} 个" in cadre_page and "排子湾村" not in cadre_page.split("plot-table")[1]


def test_bulk_assignment(login_as) -> None:
    plots = list(Plot.objects.filter(unit__name="毛布拉格村", responsible__isnull=True)[:3])
    person = Person.objects.filter(unit__name="毛布拉格村").first()
    response = login_as("cadre").post(
        "/geo/plots/assign/",
        {"plots": ",".join(str(p.pk) for p in plots), "responsible": str(person.pk)},
    )
    assert response.status_code == 302
    assert all(Plot.objects.get(pk=p.pk).responsible == person for p in plots)


def test_bulk_assignment_with_a_foreign_plot_changes_nothing(login_as) -> None:
    own = Plot.objects.filter(unit__name="毛布拉格村").first()
    foreign = Plot.objects.filter(unit__name="排子湾村").first()
    before = (own.responsible_id, foreign.responsible_id)
    person = Person.objects.filter(unit__name="毛布拉格村").first()
    login_as("cadre").post(
        "/geo/plots/assign/", {"plots": f"{own.pk},{foreign.pk}", "responsible": str(person.pk)}
    )
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert (own.responsible_id, foreign.responsible_id) == before


def test_plot_page_shows_history(login_as) -> None:
    plot = Plot.objects.filter(kind="historical", history__isnull=False).first()
    page = login_as("admin").get(f"/geo/plots/{plot.pk}/").content.decode()
    record = plot.history.first()
    assert f"<td>{record.year}</td>" in page and "示例数据" in page
