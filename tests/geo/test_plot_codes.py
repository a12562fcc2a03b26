"""A plot code names one plot of its village: repeats are refused (pages and API alike) and
existing repeats are renamed by the migration."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from shapely.geometry import box, mapping, shape

from zerocrop.core.errors import ApplicationError
from zerocrop.geo import services
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.geo.services import plot_create, plot_update


def inside(unit_name: str, dx: float = 0.0, size: float = 0.0003):
    outline = shape(UnitBoundary.objects.get(unit__name=unit_name).geometry)
    c = outline.representative_point()
    return mapping(box(c.x + dx - size, c.y - size, c.x + dx + size, c.y + size))


def new_plot(unit, code: str, name: str = "新地块", dx: float = 0.0) -> Plot:
    return plot_create(
        unit=unit,
        name=name,
        kind="courtyard",
        risk="key",
        geometry=inside(unit.name, dx),
        code=code,
    )


@pytest.mark.django_db
def test_a_repeated_code_in_the_same_village_is_refused(unit_named):
    village = unit_named("毛布拉格村")
    taken = Plot.objects.filter(unit=village).exclude(code="").first()
    count = Plot.objects.count()
    with pytest.raises(ApplicationError, match=f"已有编号为「{taken.code}」") as caught:
        new_plot(village, f" {taken.code} ")
    assert caught.value.field == "code" and taken.name in caught.value.message
    assert Plot.objects.count() == count
    new_plot(unit_named("排子湾村"), taken.code)  # another village may use it
    new_plot(village, "")  # and uncoded plots are many
    new_plot(village, "", dx=0.001)


@pytest.mark.django_db
def test_a_code_taken_by_a_concurrent_request_is_refused_not_a_500(unit_named, monkeypatch):
    """The race: both requests pass the checks, the second meets the database constraint."""
    village = unit_named("毛布拉格村")
    taken = Plot.objects.filter(unit=village).exclude(code="").first()
    real_check = services._check_code_free
    looks: list[str] = []

    def check_code_free(*args: object, **kwargs: object) -> None:
        looks.append("look")
        if len(looks) > 1:  # the first look found the code free, as it was for the racer
            real_check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_code_free", check_code_free)
    monkeypatch.setattr(Plot, "validate_constraints", lambda self, exclude=None: None)
    count = Plot.objects.count()
    with pytest.raises(ApplicationError, match="编号不能重复"):
        new_plot(village, taken.code)
    assert Plot.objects.count() == count


@pytest.mark.django_db
def test_renaming_onto_a_taken_code_is_refused_and_changes_nothing(unit_named):
    village = unit_named("毛布拉格村")
    first, second = Plot.objects.filter(unit=village).exclude(code="")[:2]
    with pytest.raises(ApplicationError, match="编号不能重复"):
        plot_update(plot=second, code=first.code)
    second.refresh_from_db()
    assert second.code != first.code
    plot_update(plot=second, code=second.code)  # keeping its own code is fine


@pytest.mark.django_db
def test_the_api_refuses_a_repeated_code_in_chinese(login_as, unit_named):
    village = unit_named("毛布拉格村")
    taken = Plot.objects.filter(unit=village).exclude(code="").first()
    response = login_as("cadre").post(
        "/api/v1/geo/plots",
        data=json.dumps(
            {
                "unit_id": str(village.pk),
                "name": "重复编号",
                "kind": "courtyard",
                "risk": "key",
                "code": taken.code,
                "geometry": inside(village.name),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "code" and "编号不能重复" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_existing_repeats_deterministically(demo_campaign):
    executor = MigrationExecutor(connection)
    executor.migrate([("geo", "0001_initial")])
    old_apps = executor.loader.project_state([("geo", "0001_initial")]).apps
    OldPlot = old_apps.get_model("geo", "Plot")
    original = OldPlot.objects.exclude(code="").order_by("created_at", "id").first()
    code, unit_id = original.code, original.unit_id
    fields = {
        f.attname: getattr(original, f.attname)
        for f in OldPlot._meta.concrete_fields
        if f.attname not in {"id", "created_at", "updated_at"}
    }
    twin = OldPlot.objects.create(**{**fields, "name": "重复一"})
    OldPlot.objects.create(**{**fields, "name": "占用", "code": f"{code}-2"})
    triplet = OldPlot.objects.create(**{**fields, "name": "重复二"})
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Plot.objects.get(pk=original.pk).code == code  # the oldest keeps its code
    renamed = {Plot.objects.get(pk=twin.pk).code, Plot.objects.get(pk=triplet.pk).code}
    assert renamed == {f"{code}-3", f"{code}-4"}
    assert Plot.objects.get(pk=twin.pk).code == f"{code}-3"  # in order of creation
    assert f"编号原为「{code}」" in Plot.objects.get(pk=twin.pk).note
    codes = list(
        Plot.objects.filter(unit_id=unit_id).exclude(code="").values_list("code", flat=True)
    )
    assert len(codes) == len(set(codes))
