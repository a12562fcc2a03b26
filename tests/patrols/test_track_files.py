"""Track files: the bytes of an upload give the same fixes as the same file read by path."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from zerocrop.geo.features import GeoFileError
from zerocrop.patrols.track_files import load_tracks, tracks_from_upload

POINTS = [(108.6 + i * 0.0002, 37.9 + i * 0.0001) for i in range(40)]


def _time(i: int) -> str:
    return f"2024-05-01T08:{i // 60:02d}:{i % 60:02d}Z"


def gpx(*, route: bool = False) -> bytes:
    tag = "rtept" if route else "trkpt"
    body = "".join(
        f'<{tag} lat="{lat:.7f}" lon="{lon:.7f}"><time>{_time(i)}</time></{tag}>'
        for i, (lon, lat) in enumerate(POINTS)
    )
    inner = f"<rte>{body}</rte>" if route else f"<trk><trkseg>{body}</trkseg></trk>"
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{inner}</gpx>'
    ).encode()


def kml_line() -> bytes:
    coords = " ".join(f"{lon:.7f},{lat:.7f},0" for lon, lat in POINTS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Placemark><name>起点</name><Point><coordinates>108.6,37.9</coordinates>"
        "</Point></Placemark><Placemark><name>踏查轨迹</name><LineString><coordinates>"
        f"{coords}</coordinates></LineString></Placemark></Document></kml>"
    ).encode()


def kmz_gx_track() -> bytes:
    whens = "".join(f"<when>{_time(i)}</when>" for i in range(len(POINTS)))
    coords = "".join(f"<gx:coord>{lon:.7f} {lat:.7f} 0</gx:coord>" for lon, lat in POINTS)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>轨迹</name>'
        f"<gx:Track>{whens}{coords}</gx:Track></Placemark></Document></kml>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", text)
    return buffer.getvalue()


def geojson_line() -> bytes:
    return json.dumps({"type": "LineString", "coordinates": POINTS}).encode()


@pytest.mark.parametrize(
    ("name", "data", "source_crs"),
    [
        ("walk.gpx", gpx(), None),
        ("route.gpx", gpx(route=True), None),
        ("奥维.kml", kml_line(), None),
        ("两步路.kmz", kmz_gx_track(), None),
        ("amap.geojson", geojson_line(), "gcj02"),
    ],
)
def test_upload_bytes_give_the_tracks_of_the_file(
    tmp_path: Path, name: str, data: bytes, source_crs: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    read = tracks_from_upload(data, name=name, source_crs=source_crs)
    assert read.tracks == load_tracks(path, source_crs=source_crs)
    assert [len(track) for track in read.tracks] == [len(POINTS)]


def test_times_survive_the_child_process() -> None:
    (track,) = tracks_from_upload(kmz_gx_track(), name="两步路.kmz").tracks
    assert all(fix.time is not None for fix in track) and track[0].time < track[-1].time


def test_an_upload_without_a_line_is_refused_with_its_name() -> None:
    points = {"type": "MultiPoint", "coordinates": POINTS[:2]}
    with pytest.raises(GeoFileError, match="「标注.geojson」中没有轨迹线"):
        tracks_from_upload(json.dumps(points).encode(), name="标注.geojson")
