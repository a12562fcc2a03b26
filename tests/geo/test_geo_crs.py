"""Coordinate systems: GCJ-02/BD-09 accuracy, UTM helpers, CGCS2000 Gauss–Krüger zones."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocrop.geo import crs
from zerocrop.geo.features import GeoFileError

# Reference values published with wandergis/coordtransform (test/app.js) for (116.404, 39.915).
WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
GCJ_TO_BD = (116.41036949371029, 39.92133699351021)

# Round-trip error budget. Measured: ~3e-9 m (GCJ-02) and ~7e-9 m (BD-09); see
# docs/geo-formats.md. The usual one-step GCJ-02 inverse is off by up to ~4 m.
ROUND_TRIP_MAX_M = 1e-6


def china_grid() -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.linspace(73.6, 134.7, 160), np.linspace(18.2, 53.5, 120))
    return lon.ravel(), lat.ravel()


def test_forward_formulas_match_published_reference_values() -> None:
    assert crs.wgs84_to_gcj02(116.404, 39.915) == pytest.approx(WGS_TO_GCJ, abs=1e-12)
    assert crs.gcj02_to_bd09(116.404, 39.915) == pytest.approx(GCJ_TO_BD, abs=1e-12)


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (crs.wgs84_to_gcj02_arrays, crs.gcj02_to_wgs84_arrays),
        (crs.wgs84_to_bd09_arrays, crs.bd09_to_wgs84_arrays),
        (crs.gcj02_to_bd09_arrays, crs.bd09_to_gcj02_arrays),
    ],
)
def test_round_trip_error_on_a_grid_across_china(forward, inverse) -> None:
    lon, lat = china_grid()
    back = inverse(*forward(lon, lat))
    error = crs.haversine_m(lon, lat, *back)
    assert error.max() < ROUND_TRIP_MAX_M
    # ...and the obfuscation itself is real: hundreds of metres somewhere, never zero inside.
    moved = crs.haversine_m(lon, lat, *forward(lon, lat))
    assert moved.min() > 1.0
    assert moved.max() > 300.0


def test_iterative_inverse_beats_the_one_step_approximation() -> None:
    lon, lat = china_grid()
    g_lon, g_lat = crs.wgs84_to_gcj02_arrays(lon, lat)
    # The usual shortcut: subtract the offset evaluated at the GCJ point (2g - f(g)).
    f_lon, f_lat = crs.wgs84_to_gcj02_arrays(g_lon, g_lat)
    one_step = crs.haversine_m(lon, lat, 2 * g_lon - f_lon, 2 * g_lat - f_lat)
    exact = crs.haversine_m(lon, lat, *crs.gcj02_to_wgs84_arrays(g_lon, g_lat))
    assert one_step.max() > 0.1
    assert exact.max() < ROUND_TRIP_MAX_M


@settings(max_examples=200, deadline=None)
@given(
    lon=st.floats(min_value=73.5, max_value=135.0),
    lat=st.floats(min_value=18.0, max_value=53.5),
    pair=st.sampled_from([("wgs84", "gcj02"), ("wgs84", "bd09"), ("gcj02", "bd09")]),
)
def test_round_trip_property(lon: float, lat: float, pair: tuple[str, str]) -> None:
    src, dst = pair
    there = crs.convert_coords(lon, lat, src, dst)
    back = crs.convert_coords(*there, dst, src)
    assert float(crs.haversine_m(lon, lat, *back)) < ROUND_TRIP_MAX_M


def test_outside_china_gcj_is_identity() -> None:
    assert crs.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert crs.gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_convert_coords_same_system_and_bad_name() -> None:
    assert crs.convert_coords(108.6, 37.9, "wgs84", "WGS84") == (108.6, 37.9)
    with pytest.raises(GeoFileError, match="不支持的坐标系"):
        crs.convert_coords(108.6, 37.9, "wgs84", "mars")


def test_utm_zone_and_projection_helpers() -> None:
    assert crs.utm_epsg_for(108.6, 37.9) == 32649
    assert crs.utm_epsg_for(108.6, -10.0) == 32749
    assert crs.utm_crs_for(75.0, 39.0).to_epsg() == 32643
    poly = crs.from_utm(shapely.box(500000, 4200000, 500100, 4200100), "EPSG:32649")
    assert crs.area_m2(poly) == pytest.approx(10000.0, rel=1e-6)
    projected, code = crs.to_utm(poly)
    assert code == "EPSG:32649"
    assert projected.bounds == pytest.approx((500000, 4200000, 500100, 4200100), abs=1e-6)
    assert crs.get_transformer("EPSG:4326", "EPSG:32649") is crs.get_transformer(
        "EPSG:4326", "EPSG:32649"
    )


def _tm_params(epsg: int) -> tuple[float, float]:
    params = {p.name: p.value for p in pyproj.CRS.from_epsg(epsg).coordinate_operation.params}
    return params["Longitude of natural origin"], params["False easting"]


@pytest.mark.parametrize("epsg", range(4491, 4555))
def test_gk_zone_table_agrees_with_the_epsg_registry(epsg: int) -> None:
    info = crs.gk_zone_for_epsg(epsg)
    assert info is not None
    lon_0, false_easting = _tm_params(epsg)
    assert info.central_meridian == lon_0
    if info.prefixed:
        assert false_easting == info.zone * 1_000_000 + 500_000
    else:
        assert false_easting == 500_000
    assert info.width == (3 if epsg >= 4513 else 6)
    assert crs.gk_epsg(info.width, info.zone, prefixed=info.prefixed) == epsg


def test_gk_named_codes_for_the_test_area() -> None:
    # 108.6°E: 3° zone 36 (CM 108°E), 6° zone 19 (CM 111°E).
    assert crs.gk_zone_from_lon(108.6, 3) == 36
    assert crs.gk_zone_from_lon(108.6, 6) == 19
    assert crs.gk_epsg(3, 36, prefixed=True) == 4524
    assert crs.gk_epsg(3, 36, prefixed=False) == 4545
    assert crs.gk_epsg(6, 19, prefixed=True) == 4497
    assert crs.gk_epsg(6, 19, prefixed=False) == 4508
    assert crs.gk_zone_for_epsg(4526).central_meridian == 114  # 4526 is zone 38, not 36
    assert crs.gk_zone_for_epsg(4326) is None


def _gk_coords(epsg: int) -> tuple[np.ndarray, np.ndarray]:
    transformer = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    lon = np.array([108.55, 108.6, 108.65])
    lat = np.array([37.85, 37.9, 37.95])
    x, y = transformer.transform(lon, lat)
    return np.asarray(x), np.asarray(y)


@pytest.mark.parametrize("epsg", [4524, 4497])
def test_guess_gk_zone_from_prefixed_coordinates(epsg: int) -> None:
    x, y = _gk_coords(epsg)
    guess = crs.guess_gk_zone(x, y)
    assert guess is not None and guess.zone.epsg == epsg and not guess.swapped
    swapped = crs.guess_gk_zone(y, x)  # survey convention: X = northing
    assert swapped is not None and swapped.zone.epsg == epsg and swapped.swapped


def test_guess_gk_zone_refuses_missing_prefix_and_mixed_zones() -> None:
    x, y = _gk_coords(4545)
    with pytest.raises(GeoFileError, match="不含带号") as info:
        crs.guess_gk_zone(x, y)
    assert info.value.code == "gk_no_zone"
    x36, y36 = _gk_coords(4524)
    with pytest.raises(GeoFileError, match="带号不一致"):
        crs.guess_gk_zone(np.append(x36, 37_500_000.0), np.append(y36, 4_200_000.0))
    assert crs.guess_gk_zone(np.array([108.6]), np.array([37.9])) is None


def test_axes_swapped_for_prefixed_plain_and_utm_metres() -> None:
    for epsg in (4524, 4545, 32649):
        x, y = _gk_coords(epsg)
        assert not crs.axes_swapped(x, y)
        assert crs.axes_swapped(y, x)
    assert not crs.axes_swapped(np.array([108.6]), np.array([37.9]))


def test_check_gk_consistency_suggests_the_right_code() -> None:
    x, _ = _gk_coords(4524)
    with pytest.raises(GeoFileError, match="EPSG:4524"):
        crs.check_gk_consistency("EPSG:4545", x)
    x_plain, _ = _gk_coords(4545)
    with pytest.raises(GeoFileError, match="EPSG:4545"):
        crs.check_gk_consistency("EPSG:4524", x_plain)
    crs.check_gk_consistency("EPSG:4524", x)  # consistent: no error


ESRI_ZONE36 = (
    'PROJCS["CGCS2000_3_Degree_GK_Zone_36",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
    'PARAMETER["False_Easting",36500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
CUSTOM_CM108 = ESRI_ZONE36.replace("CGCS2000_3_Degree_GK_Zone_36", "My_GK").replace(
    "36500000.0", "500000.0"
)
BEIJING54 = (
    'PROJCS["Beijing_1954_3_Degree_GK_Zone_36",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",'
    'SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
    'PARAMETER["False_Easting",36500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def test_prj_parsing_and_labels() -> None:
    assert crs.crs_from_prj(ESRI_ZONE36) == "EPSG:4524"
    assert crs.crs_from_prj(CUSTOM_CM108) == "EPSG:4545"
    assert crs.crs_label("EPSG:4524") == "CGCS2000 3度带 第36带"
    assert crs.crs_label("EPSG:4497") == "CGCS2000 6度带 第19带"
    assert "中央经线108°" in crs.crs_label("EPSG:4545")
    assert crs.crs_label(crs.GCJ02).startswith("GCJ-02")
    assert crs.crs_label(crs.WGS84) == "WGS84"
    assert crs.crs_label("EPSG:4490") == "CGCS2000 经纬度"
    assert crs.to_wgs84_function("EPSG:4490")(108.6, 37.9) == (108.6, 37.9)
    beijing = crs.crs_from_prj(BEIJING54)
    assert "北京54" in crs.crs_label(beijing)
    assert "数十米" in (crs.legacy_datum_warning(beijing) or "")
    assert crs.legacy_datum_warning("EPSG:4524") is None
    with pytest.raises(GeoFileError, match=r"\.prj"):
        crs.crs_from_prj("this is not wkt")
    with pytest.raises(GeoFileError, match="为空"):
        crs.crs_from_prj("  ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wgs84", "EPSG:4326"),
        ("WGS-84", "EPSG:4326"),
        ("gcj02", "GCJ02"),
        ("GCJ-02", "GCJ02"),
        ("bd09", "BD09"),
        ("EPSG:4526", "EPSG:4526"),
        ("4524", "EPSG:4524"),
        ("urn:ogc:def:crs:EPSG::4497", "EPSG:4497"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326"),
        ("EPSG:4490", "EPSG:4490"),  # kept as named; converted as equal to WGS84
        ("cgcs2000", "EPSG:4490"),
    ],
)
def test_normalize_crs(value: str, expected: str) -> None:
    assert crs.normalize_crs(value) == expected


def test_normalize_crs_refuses_unknown() -> None:
    with pytest.raises(GeoFileError, match="无法识别的坐标系"):
        crs.normalize_crs("EPSG:999999")


def test_china_box_and_swap_detection() -> None:
    assert crs.in_china(108.6, 37.9)
    assert not crs.in_china(2.35, 48.85)
    assert crs.looks_swapped(37.9, 108.6)
    assert not crs.looks_swapped(108.6, 37.9)
    assert not crs.looks_swapped(2.35, 48.85)
