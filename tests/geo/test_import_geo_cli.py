"""`zerocrop import-geo FILE --unit … --kind …` writes plots through the import service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import mapping, shape

from support.survey_files import parcels_in, survey_code, survey_shapefile_zip
from zerocrop.cli import main
from zerocrop.geo.models import Plot, UnitBoundary

pytestmark = pytest.mark.django_db


def write_plots(tmp_path: Path, unit_name: str, names: list[str]) -> Path:
    """A GeoJSON file with one small square per name, inside the unit's demo boundary."""
    boundary = shape(UnitBoundary.objects.get(unit__name=unit_name).geometry)
    centre = boundary.representative_point()
    features = []
    for i, name in enumerate(names):
        square = shapely.box(
            centre.x + i * 0.0006, centre.y, centre.x + i * 0.0006 + 0.0004, centre.y + 0.0004
        )
        assert boundary.contains(square)
        features.append(
            {"type": "Feature", "properties": {"name": name}, "geometry": mapping(square)}
        )
    path = tmp_path / "命令行地块.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_import_geo_creates_the_plots(
    demo_campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plots(tmp_path, "毛布拉格村", ["命令行一号", "命令行二号"])
    before = Plot.objects.count()
    code = main(["import-geo", str(path), "--unit", "毛布拉格村", "--kind", "historical"])
    assert code == 0
    assert "已导入毛布拉格村：2 个地块" in capsys.readouterr().out
    created = Plot.objects.filter(name__in=["命令行一号", "命令行二号"])
    assert Plot.objects.count() == before + 2
    assert {(p.unit.name, p.kind) for p in created} == {("毛布拉格村", "historical")}


def test_import_geo_without_unit_exits_2_in_chinese(
    demo_campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plots(tmp_path, "毛布拉格村", ["无单位"])
    before = Plot.objects.count()
    assert main(["import-geo", str(path), "--kind", "historical"]) == 2
    error = capsys.readouterr().err
    assert "错误：正式导入需要用 --unit 指定单位" in error
    assert Plot.objects.count() == before


def test_unknown_unit_is_explained(tmp_path, capsys) -> None:
    path = write_plots(tmp_path, "毛布拉格村", ["甲地块"])
    code = main(["import-geo", str(path), "--unit", "不存在村", "--kind", "historical"])
    assert code == 2
    assert "找不到名为「不存在村」的单位" in capsys.readouterr().err


def test_import_geo_keeps_a_survey_shapefiles_codes(
    demo_campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "确权.zip"
    path.write_bytes(survey_shapefile_zip(parcels_in("毛布拉格村", count=3), owner="毛布拉格村"))
    code = main(["import-geo", str(path), "--unit", "毛布拉格村", "--kind", "historical"])
    assert code == 0
    assert "编号取自「DKBH」列" in capsys.readouterr().out
    plots = list(Plot.objects.filter(source="确权.zip"))
    assert [p.code for p in plots] == [survey_code(i) for i in range(1, 4)]
    assert plots[0].source_attributes["QSDWMC"] == "毛布拉格村村民委员会"
