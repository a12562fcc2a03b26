"""`zerocrop convert-coords` and `zerocrop import-geo --dry-run` (no database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zerocrop.cli import main

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "张三家地块"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [108.6, 37.9],
                        [108.601, 37.9],
                        [108.601, 37.901],
                        [108.6, 37.901],
                        [108.6, 37.9],
                    ]
                ],
            },
        }
    ],
}


def test_convert_coords_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["convert-coords", "--from", "wgs84", "--to", "gcj02", "116.404", "39.915", "--json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "lon": pytest.approx(116.41024450, abs=1e-8),
        "lat": pytest.approx(39.91640428, abs=1e-8),
    }


def test_convert_coords_text_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert-coords", "--from", "bd09", "--to", "wgs84", "108.6", "37.9"]) == 0
    lon, lat = (float(v) for v in capsys.readouterr().out.split())
    assert main(["convert-coords", "--from", "wgs84", "--to", "bd09", str(lon), str(lat)]) == 0
    back = [float(v) for v in capsys.readouterr().out.split()]
    assert back == pytest.approx([108.6, 37.9], abs=1e-8)


def test_import_geo_dry_run_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps(GEOJSON, ensure_ascii=False), encoding="utf-8")
    assert main(["import-geo", str(path), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "features": 1,
        "crs": "EPSG:4326",
        "crs_label": "WGS84",
        "bbox": [108.6, 37.9, 108.601, 37.901],
        "geometry_types": {"Polygon": 1},
        "warnings": [],
    }


def test_import_geo_dry_run_text_with_crs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "amap.csv"
    path.write_text("名称,经度,纬度\n点,108.6,37.9\n", encoding="utf-8")
    assert main(["import-geo", str(path), "--crs", "gcj02", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "要素：1 个" in out and "GCJ-02" in out


def test_import_geo_refused_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "photo.kml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert main(["import-geo", str(path), "--dry-run", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "PNG 图片" in captured.err and "文件被拒绝" in captured.err


def test_import_geo_requires_unit_and_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps(GEOJSON), encoding="utf-8")
    assert main(["import-geo", str(path), "--unit", "毛布拉格村"]) == 2
    assert "--kind" in capsys.readouterr().err


def test_geo_modules_import_no_django() -> None:
    code = (
        "import sys\n"
        "import zerocrop.geo.readers, zerocrop.geo.writers, zerocrop.geo.validation\n"
        "import zerocrop.geo.cli, zerocrop.geo.crs, zerocrop.geo.safety\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_console_entry_runs_convert_coords() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zerocrop.cli",
            "convert-coords",
            "--from",
            "gcj02",
            "--to",
            "wgs84",
            "116.41024449916938",
            "39.91640428150164",
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = json.loads(result.stdout)
    assert out == {"lon": pytest.approx(116.404, abs=1e-8), "lat": pytest.approx(39.915, abs=1e-8)}


def test_import_geo_bad_crs_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps(GEOJSON), encoding="utf-8")
    assert main(["import-geo", str(path), "--crs", "mars", "--dry-run"]) == 2
    assert "无法识别的坐标系" in capsys.readouterr().err
