"""`zerocrop coverage` in-process: GeoJSON targets, GPX / KML / GeoJSON tracks, errors exit 2."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from pyproj import Transformer

from zerocrop.cli import main
from zerocrop.geo.crs import wgs84_to_gcj02_arrays
from zerocrop.patrols.track_files import load_targets, load_tracks

_TO_WGS = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)
X0, Y0 = 400_000.0, 3_300_000.0


def lonlat(x: float, y: float) -> list[float]:
    lon, lat = _TO_WGS.transform(X0 + x, Y0 + y)
    return [lon, lat]


def square(x: float, y: float, size: float) -> list[list[list[float]]]:
    ring = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return [[lonlat(*p) for p in ring]]


def targets_doc() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {  # id from properties wins over the feature id
                "type": "Feature",
                "id": "feature-id",
                "properties": {"id": "P-001"},
                "geometry": {"type": "Polygon", "coordinates": square(0, 0, 100)},
            },
            {  # falls back to the feature-level id
                "type": "Feature",
                "id": "P-002",
                "properties": {"name": "far away"},
                "geometry": {"type": "Polygon", "coordinates": square(1000, 0, 100)},
            },
            {  # falls back to the index
                "type": "Feature",
                "properties": None,
                "geometry": {"type": "Polygon", "coordinates": square(40, 40, 20)},
            },
        ],
    }


def gpx(points: list[tuple[float, float]], *, route: bool = False) -> str:
    rows = []
    for i, (x, y) in enumerate(points):
        lon, lat = lonlat(x, y)
        tag = "rtept" if route else "trkpt"
        rows.append(
            f'<{tag} lat="{lat:.9f}" lon="{lon:.9f}"><time>2024-05-01T08:{i // 60:02d}:'
            f"{i % 60:02d}Z</time></{tag}>"
        )
    body = "\n".join(rows)
    inner = f"<rte>{body}</rte>" if route else f"<trk><trkseg>{body}</trkseg></trk>"
    return (
        '<?xml version="1.0"?>\n<gpx version="1.1" creator="test" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{inner}</gpx>'
    )


CROSSING = [(x, 50.0) for x in np.arange(-50.0, 150.0, 1.2)]


def kml(points: list[tuple[float, float]]) -> str:
    """奥维-style KML: a waypoint placemark (ignored) and the track as a LineString."""
    coords = " ".join("{:.9f},{:.9f},0".format(*lonlat(x, y)) for x, y in points)
    start = "{:.9f},{:.9f}".format(*lonlat(*points[0]))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Placemark><name>起点</name><Point><coordinates>"
        f"{start}</coordinates></Point></Placemark>"
        "<Placemark><name>踏查轨迹</name><LineString><coordinates>"
        f"{coords}</coordinates></LineString></Placemark></Document></kml>"
    )


def kml_gx_track(points: list[tuple[float, float]]) -> str:
    """两步路-style KML: a gx:Track with one <when> per <gx:coord>."""
    whens = "".join(
        f"<when>2024-05-01T08:{i // 60:02d}:{i % 60:02d}Z</when>" for i in range(len(points))
    )
    coords = "".join("<gx:coord>{:.9f} {:.9f} 0</gx:coord>".format(*lonlat(*p)) for p in points)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>轨迹</name>'
        f"<gx:Track>{whens}{coords}</gx:Track></Placemark></Document></kml>"
    )


@pytest.fixture
def files(tmp_path):
    targets = tmp_path / "targets.geojson"
    targets.write_text(json.dumps(targets_doc()), encoding="utf-8")
    track = tmp_path / "walk.gpx"
    track.write_text(gpx(CROSSING), encoding="utf-8")
    return tmp_path, targets, track


def run_json(capsys, *argv: str) -> list[dict]:
    assert main(["coverage", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output_ids_and_fractions(files, capsys):
    _, targets, track = files
    rows = run_json(capsys, "--targets", str(targets), "--tracks", str(track), "--radius", "30")
    assert [r["id"] for r in rows] == ["P-001", "P-002", "2"]
    assert set(rows[0]) == {"id", "fraction"}
    assert rows[0]["fraction"] == pytest.approx(0.6, abs=0.002)
    assert rows[1]["fraction"] == 0.0
    assert rows[2]["fraction"] == 1.0
    assert rows[0]["fraction"] == round(rows[0]["fraction"], 4)


def test_radius_changes_the_answer(files, capsys):
    _, targets, track = files
    rows = run_json(capsys, "--targets", str(targets), "--tracks", str(track), "--radius", "10")
    assert rows[0]["fraction"] == pytest.approx(0.2, abs=0.002)


def test_geojson_and_route_tracks_add_up(files, capsys):
    tmp, targets, _ = files
    line = tmp / "north.geojson"
    coords = [lonlat(20.0, y) for y in np.arange(-50.0, 150.0, 1.2)]
    line.write_text(json.dumps({"type": "LineString", "coordinates": coords}), encoding="utf-8")
    route = tmp / "route.gpx"
    route.write_text(gpx(CROSSING, route=True), encoding="utf-8")
    rows = run_json(capsys, "--targets", str(targets), "--tracks", str(line), str(route))
    # vertical strip x∈[0,50] plus horizontal strip y∈[20,80], overlap 50×60
    assert rows[0]["fraction"] == pytest.approx((5000 + 6000 - 3000) / 10_000, abs=0.003)


def test_chinese_table(files, capsys):
    _, targets, track = files
    code = main(
        ["coverage", "--targets", str(targets), "--tracks", str(track), "--threshold", "0.5"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "覆盖率" in out and "达标" in out
    assert "P-001" in out and "60.0%" in out
    assert "共 3 个目标，达标 2 个" in out


def test_bad_track_file_exits_2(files, capsys):
    tmp, targets, _ = files
    bad = tmp / "bad.gpx"
    bad.write_text("<gpx><trk><trkseg><trkpt lat='x'", encoding="utf-8")
    code = main(["coverage", "--targets", str(targets), "--tracks", str(bad), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "GPX" in captured.err and "错误" in captured.err


def test_xml_entities_are_refused(files, capsys):
    tmp, targets, _ = files
    bomb = tmp / "bomb.gpx"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<gpx><trk><trkseg><trkpt lat="30" lon="110"><name>&b;</name></trkpt></trkseg></trk></gpx>',
        encoding="utf-8",
    )
    assert main(["coverage", "--targets", str(targets), "--tracks", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and str(bomb) in err
    assert "实体" in err and "安全" in err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.geojson", None),
        ("broken.geojson", "{not json"),
        (
            "lines.geojson",
            json.dumps({"type": "LineString", "coordinates": [[110, 30], [110.1, 30]]}),
        ),
        ("empty.geojson", json.dumps({"type": "FeatureCollection", "features": []})),
        ("null.geojson", json.dumps({"type": "Feature", "properties": {}, "geometry": None})),
    ],
)
def test_bad_targets_exit_2(files, capsys, name, content):
    tmp, _, track = files
    path = tmp / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["coverage", "--targets", str(path), "--tracks", str(track)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and str(path) in err


def test_bad_numbers_exit_2(files, capsys):
    _, targets, track = files
    assert (
        main(["coverage", "--targets", str(targets), "--tracks", str(track), "--radius", "0"]) == 2
    )
    assert "半径" in capsys.readouterr().err
    args = ["coverage", "--targets", str(targets), "--tracks", str(track), "--threshold", "90"]
    assert main(args) == 2
    assert "达标覆盖率" in capsys.readouterr().err


def test_cli_default_radius_matches_the_library():
    from zerocrop.patrols import cli, coverage

    assert cli.DEFAULT_RADIUS_M == coverage.DEFAULT_RADIUS_M


def test_kml_track(files, capsys):
    tmp, targets, _ = files
    track = tmp / "ovital.kml"
    track.write_text(kml(CROSSING), encoding="utf-8")
    rows = run_json(capsys, "--targets", str(targets), "--tracks", str(track), "--radius", "30")
    assert rows[0]["fraction"] == pytest.approx(0.6, abs=0.002)
    assert rows[2]["fraction"] == 1.0


def test_kmz_gx_track_keeps_times(files, capsys):
    tmp, targets, _ = files
    track = tmp / "2bulu.kmz"
    with zipfile.ZipFile(track, "w") as archive:
        archive.writestr("doc.kml", kml_gx_track(CROSSING))
    (fixes,) = load_tracks(track)
    assert len(fixes) == len(CROSSING) and all(fix.time is not None for fix in fixes)
    rows = run_json(capsys, "--targets", str(targets), "--tracks", str(track))
    assert rows[0]["fraction"] == pytest.approx(0.6, abs=0.002)


def test_points_only_track_file_exits_2(files, capsys):
    tmp, targets, _ = files
    points = tmp / "points.geojson"
    doc = {"type": "MultiPoint", "coordinates": [lonlat(0, 0), lonlat(10, 10)]}
    points.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["coverage", "--targets", str(targets), "--tracks", str(points)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and str(points) in err and "轨迹" in err


def _gcj(coords: list[list[float]]) -> list[list[float]]:
    lon, lat = wgs84_to_gcj02_arrays(*np.asarray(coords, dtype=float).T)
    return np.column_stack([lon, lat]).tolist()


def test_crs_option_converts_tracks_and_targets(files, capsys):
    """Files exported from 高德 are in GCJ-02 (hundreds of metres off): --crs gcj02 undoes it."""
    tmp, wgs_targets, _ = files
    doc = targets_doc()
    for feature in doc["features"]:
        feature["geometry"]["coordinates"] = [_gcj(feature["geometry"]["coordinates"][0])]
    targets = tmp / "amap_plots.geojson"
    targets.write_text(json.dumps(doc), encoding="utf-8")
    line = [lonlat(x, y) for x, y in CROSSING]
    track = tmp / "amap_track.geojson"
    track.write_text(json.dumps({"type": "LineString", "coordinates": _gcj(line)}), "utf-8")

    (fixes,) = load_tracks(track, source_crs="gcj02")
    got = np.array([(fix.lon, fix.lat) for fix in fixes])
    assert np.abs(got - np.asarray(line)).max() < 1e-8  # ~1 mm
    raw = load_tracks(track)[0][0]  # without --crs the file is taken as WGS84 as it stands
    assert np.abs(np.array([raw.lon, raw.lat]) - line[0]).max() > 1e-3
    wgs_bounds = [t.geometry.bounds for t in load_targets(wgs_targets)]
    gcj_bounds = [t.geometry.bounds for t in load_targets(targets, source_crs="gcj02")]
    assert np.abs(np.array(gcj_bounds) - np.array(wgs_bounds)).max() < 1e-8

    args = ["--targets", str(targets), "--tracks", str(track), "--crs", "gcj02"]
    rows = run_json(capsys, *args)
    assert [r["id"] for r in rows] == ["P-001", "P-002", "2"]
    assert rows[0]["fraction"] == pytest.approx(0.6, abs=0.002)


def test_bad_crs_choice_is_refused(files):
    _, targets, track = files
    with pytest.raises(SystemExit) as excinfo:
        main(["coverage", "--targets", str(targets), "--tracks", str(track), "--crs", "epsg:3857"])
    assert excinfo.value.code == 2


def test_features_left_out_of_a_track_are_reported(files, capsys):
    tmp, targets, _ = files
    good = gpx(CROSSING)
    mixed = tmp / "mixed.gpx"
    broken = '<trk><name>坏轨迹</name><trkseg><trkpt lat="x" lon="110"/></trkseg></trk>'
    mixed.write_text(good.replace("</gpx>", f"{broken}</gpx>"), encoding="utf-8")
    assert main(["coverage", "--targets", str(targets), "--tracks", str(mixed), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["fraction"] == pytest.approx(0.6, abs=0.002)
    assert "提示：" in captured.err and str(mixed) in captured.err and "坏轨迹" in captured.err


def test_unusable_target_is_an_error_not_a_gap(files, capsys):
    tmp, _, track = files
    doc = targets_doc()
    doc["features"][1]["geometry"]["coordinates"] = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]]
    targets = tmp / "outside.geojson"
    targets.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["coverage", "--targets", str(targets), "--tracks", str(track)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and str(targets) in err and "第2个要素" in err
