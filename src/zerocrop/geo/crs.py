"""Coordinate systems: WGS84 / GCJ-02 / BD-09, local UTM, CGCS2000 Gauss–Krüger zones.

Pure module (no Django). Conventions:
- lon/lat order everywhere (pyproj transformers are built with ``always_xy=True``);
- CGCS2000 is treated as equal to WGS84 (sub-metre at township scale);
- GCJ-02 ("火星坐标", 高德/腾讯) and BD-09 (百度) are obfuscations of WGS84; the forward
  formulas are the public ones, the inverses are iterated to ~1e-12° (far below 1 mm).

CGCS2000 Gauss–Krüger EPSG codes (checked against the EPSG registry shipped with PROJ):
- 3° zones 25–45, easting with zone prefix (36 500 000 m): EPSG:4513–4533 (zone 36 = 4524);
- 3° central meridians 75°E–135°E without prefix (500 000 m): EPSG:4534–4554 (108°E = 4545);
- 6° zones 13–23 with prefix: EPSG:4491–4501 (zone 19 = 4497);
- 6° central meridians 75°E–135°E without prefix: EPSG:4502–4512 (111°E = 4508).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.features import GeoFileError

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"
GCJ02 = "GCJ02"
BD09 = "BD09"

# Rough bounding box of China's territory (incl. Hainan and the South China Sea islands).
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)

# Box inside which the GCJ-02 obfuscation is applied (the public reference implementations).
_GCJ_BOX = (72.004, 0.8293, 137.8347, 55.8271)
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_BD_X_PI = math.pi * 3000.0 / 180.0

_INVERSE_TOLERANCE_DEG = 1e-12
_INVERSE_MAX_ITER = 30

FloatArray = np.ndarray
ArrayTransform = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]


# --------------------------------------------------------------------------- GCJ-02 / BD-09


def _as_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _gcj_applies(lon: FloatArray, lat: FloatArray) -> FloatArray:
    min_lon, min_lat, max_lon, max_lat = _GCJ_BOX
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + common
        + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + common
        + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * math.pi)
    inside = _gcj_applies(lon, lat)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def wgs84_to_gcj02_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_offset(lon_a, lat_a)
    return lon_a + d_lon, lat_a + d_lat


def gcj02_to_bd09_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    x, y = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: ArrayTransform,
    target_lon: FloatArray,
    target_lat: FloatArray,
    start: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Fixed-point inversion: move the guess by the forward error until it vanishes."""
    lon, lat = (np.array(a, dtype=float, copy=True) for a in start)
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = forward(lon, lat)
        err_lon = f_lon - target_lon
        err_lat = f_lat - target_lat
        lon = lon - err_lon
        lat = lat - err_lat
        worst = np.nanmax(np.abs(np.concatenate([np.ravel(err_lon), np.ravel(err_lat)])), initial=0)
        if worst < _INVERSE_TOLERANCE_DEG:
            break
    return lon, lat


def gcj02_to_wgs84_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_offset(lon_a, lat_a)
    return _invert(wgs84_to_gcj02_arrays, lon_a, lat_a, (lon_a - d_lon, lat_a - d_lat))


def bd09_to_gcj02_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = _as_arrays(lon, lat)
    return _invert(gcj02_to_bd09_arrays, lon_a, lat_a, _bd09_to_gcj02_approx(lon_a, lat_a))


def wgs84_to_bd09_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    return gcj02_to_bd09_arrays(*wgs84_to_gcj02_arrays(lon, lat))


def bd09_to_wgs84_arrays(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    return gcj02_to_wgs84_arrays(*bd09_to_gcj02_arrays(lon, lat))


def _identity(lon: object, lat: object) -> tuple[FloatArray, FloatArray]:
    return _as_arrays(lon, lat)


_MAP_SYSTEMS = {"wgs84": WGS84, "gcj02": GCJ02, "bd09": BD09}

_CONVERTERS: dict[tuple[str, str], ArrayTransform] = {
    (WGS84, GCJ02): wgs84_to_gcj02_arrays,
    (WGS84, BD09): wgs84_to_bd09_arrays,
    (GCJ02, WGS84): gcj02_to_wgs84_arrays,
    (GCJ02, BD09): gcj02_to_bd09_arrays,
    (BD09, WGS84): bd09_to_wgs84_arrays,
    (BD09, GCJ02): bd09_to_gcj02_arrays,
}


def _map_system(name: str) -> str:
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key in _MAP_SYSTEMS:
        return _MAP_SYSTEMS[key]
    if name in (WGS84, GCJ02, BD09):
        return name
    raise GeoFileError(
        f"不支持的坐标系「{name}」，只能是 wgs84、gcj02 或 bd09。", code="crs_unknown"
    )


def convert_arrays(lon: object, lat: object, src: str, dst: str) -> tuple[FloatArray, FloatArray]:
    """Convert arrays between "wgs84", "gcj02" and "bd09" (also accepts WGS84/GCJ02/BD09)."""
    source, target = _map_system(src), _map_system(dst)
    if source == target:
        return _identity(lon, lat)
    return _CONVERTERS[(source, target)](lon, lat)


def convert_coords(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert one point between "wgs84", "gcj02" and "bd09"."""
    out_lon, out_lat = convert_arrays(lon, lat, src, dst)
    return float(out_lon), float(out_lat)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    return convert_coords(lon, lat, "wgs84", "gcj02")


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return convert_coords(lon, lat, "gcj02", "wgs84")


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return convert_coords(lon, lat, "gcj02", "bd09")


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return convert_coords(lon, lat, "wgs84", "bd09")


def haversine_m(lon1: object, lat1: object, lon2: object, lat2: object) -> FloatArray:
    """Great-circle distance in metres (mean Earth radius); vectorised."""
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    )
    return 2 * 6371008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# --------------------------------------------------------------------------- checks


def in_china(lon: float, lat: float) -> bool:
    """Rough bounding-box test (not a border test): is (lon, lat) plausibly in China?"""
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def looks_swapped(lon: float, lat: float) -> bool:
    """True when (lon, lat) is outside China but (lat, lon) is inside: columns mixed up."""
    return not in_china(lon, lat) and in_china(lat, lon)


def looks_like_degrees(xs: FloatArray, ys: FloatArray) -> bool:
    """All values could be degrees (both axes within ±180, so swapped lat/lon still count)."""
    if xs.size == 0:
        return True
    return bool(np.all(np.abs(xs) <= 180.0) and np.all(np.abs(ys) <= 180.0))


# --------------------------------------------------------------------------- pyproj helpers


@lru_cache(maxsize=256)
def get_crs(text: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(text)
    except CRSError as exc:
        raise GeoFileError(f"无法识别的坐标系「{text[:80]}」。", code="crs_unknown") from exc


@lru_cache(maxsize=256)
def get_transformer(src: str, dst: str) -> pyproj.Transformer:
    """Cached lon/lat-ordered transformer between two CRS strings (EPSG code or WKT)."""
    return pyproj.Transformer.from_crs(get_crs(src), get_crs(dst), always_xy=True)


def transform_geometry(geom: BaseGeometry, func: ArrayTransform) -> BaseGeometry:
    """Apply a vectorised (x, y) -> (x, y) function to every vertex, dropping Z."""

    def _apply(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        out_x, out_y = func(x, y)
        return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)

    return shapely.transform(shapely.force_2d(geom), _apply, interleaved=False)


def project_geometry(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Reproject a geometry between two CRS strings with pyproj (always_xy)."""
    transformer = get_transformer(src, dst)
    return transform_geometry(geom, transformer.transform)


def utm_epsg_for(lon: float, lat: float) -> int:
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def utm_crs_for(lon: float, lat: float) -> pyproj.CRS:
    """WGS84 / UTM CRS of the zone containing (lon, lat)."""
    return get_crs(f"EPSG:{utm_epsg_for(lon, lat)}")


def to_utm(geom: BaseGeometry) -> tuple[BaseGeometry, str]:
    """Project a WGS84 geometry into the UTM zone of its centre; returns (geometry, "EPSG:n")."""
    min_x, min_y, max_x, max_y = geom.bounds
    code = f"EPSG:{utm_epsg_for((min_x + max_x) / 2, (min_y + max_y) / 2)}"
    return project_geometry(geom, WGS84, code), code


def from_utm(geom: BaseGeometry, utm_crs: str) -> BaseGeometry:
    return project_geometry(geom, utm_crs, WGS84)


def area_m2(geom: BaseGeometry) -> float:
    """Planar area in square metres, measured in the local UTM zone."""
    if geom.is_empty or geom.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        return 0.0
    projected, _ = to_utm(geom)
    return float(projected.area)


def length_m(geom: BaseGeometry) -> float:
    if geom.is_empty:
        return 0.0
    projected, _ = to_utm(geom)
    return float(projected.length)


# --------------------------------------------------------------------------- Gauss–Krüger


@dataclass(frozen=True)
class GaussKrugerZone:
    epsg: int
    width: int  # 3 or 6 degrees
    central_meridian: int
    zone: int
    prefixed: bool  # easting carries the zone number (36 500 000 m)

    @property
    def label(self) -> str:
        text = f"CGCS2000 {self.width}度带 第{self.zone}带"
        if not self.prefixed:
            text += f"（中央经线{self.central_meridian}°，X坐标不含带号）"
        return text


def gk_zone_for_epsg(epsg: int) -> GaussKrugerZone | None:
    if 4513 <= epsg <= 4533:
        zone = epsg - 4513 + 25
        return GaussKrugerZone(epsg, 3, zone * 3, zone, True)
    if 4534 <= epsg <= 4554:
        cm = 75 + (epsg - 4534) * 3
        return GaussKrugerZone(epsg, 3, cm, cm // 3, False)
    if 4491 <= epsg <= 4501:
        zone = epsg - 4491 + 13
        return GaussKrugerZone(epsg, 6, zone * 6 - 3, zone, True)
    if 4502 <= epsg <= 4512:
        cm = 75 + (epsg - 4502) * 6
        return GaussKrugerZone(epsg, 6, cm, (cm + 3) // 6, False)
    return None


def gk_epsg(width: int, zone: int, *, prefixed: bool) -> int:
    """EPSG code of a CGCS2000 GK zone (zone number as in the easting prefix)."""
    if width == 3 and 25 <= zone <= 45:
        return (4513 + zone - 25) if prefixed else (4534 + zone - 25)
    if width == 6 and 13 <= zone <= 23:
        return (4491 + zone - 13) if prefixed else (4502 + zone - 13)
    raise GeoFileError(f"没有 CGCS2000 {width}度带第{zone}带（超出中国范围）。", code="gk_zone")


def gk_zone_from_lon(lon: float, width: int) -> int:
    """Zone number containing a longitude (3° zones are centred on multiples of 3°)."""
    if width == 3:
        return int(math.floor((lon + 1.5) / 3.0))
    return int(math.floor(lon / 6.0)) + 1


@dataclass(frozen=True)
class GkGuess:
    """Result of guessing a GK zone from coordinate magnitudes."""

    zone: GaussKrugerZone
    swapped: bool  # the file's first coordinate is the northing (survey X = north)


_NORTHING_RANGE = (1.0e6, 6.3e6)  # about 9°N .. 57°N
_PLAIN_EASTING_RANGE = (1.0e5, 9.0e5)


def _is_northing(values: FloatArray) -> bool:
    return bool(np.all((values >= _NORTHING_RANGE[0]) & (values <= _NORTHING_RANGE[1])))


def _prefixed_zone(values: FloatArray) -> int | None:
    zones = np.floor(values / 1.0e6)
    rest = values - zones * 1.0e6
    if not np.all((rest >= _PLAIN_EASTING_RANGE[0]) & (rest <= _PLAIN_EASTING_RANGE[1])):
        return None
    unique = np.unique(zones)
    if unique.size != 1:
        raise GeoFileError(
            "投影坐标的带号不一致（"
            + "、".join(str(int(z)) for z in unique[:5])
            + "），请分带导出后分别导入。",
            code="gk_mixed_zones",
        )
    zone = int(unique[0])
    return zone if (13 <= zone <= 23 or 25 <= zone <= 45) else None


def _is_plain_easting(values: FloatArray) -> bool:
    return bool(np.all((values >= _PLAIN_EASTING_RANGE[0]) & (values <= _PLAIN_EASTING_RANGE[1])))


def _is_easting(values: FloatArray) -> bool:
    if _is_plain_easting(values):
        return True
    rest = values - np.floor(values / 1.0e6) * 1.0e6
    return bool(
        np.all((values >= 1.3e7) & (values < 4.6e7))
        and np.all((rest >= _PLAIN_EASTING_RANGE[0]) & (rest <= _PLAIN_EASTING_RANGE[1]))
    )


def axes_swapped(xs: FloatArray, ys: FloatArray) -> bool:
    """Projected metres stored northing-first (survey X = north), judged from magnitudes.

    Northings in China (1.0e6–6.3e6 m) never overlap eastings (1e5–9e5 m, or ≥ 1.3e7 m with
    a zone prefix), so the test is unambiguous for Gauss–Krüger and UTM data.
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if xs.size == 0:
        return False
    return _is_northing(xs) and _is_easting(ys) and not _is_northing(ys)


def guess_gk_zone(xs: FloatArray, ys: FloatArray) -> GkGuess | None:
    """Guess a CGCS2000 GK zone from coordinate magnitudes.

    Returns None when the values do not look like GK metres at all. Raises GeoFileError when
    they do but the zone cannot be known (no zone prefix and no .prj).
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if xs.size == 0 or not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        return None
    for easting, northing, swapped in ((xs, ys, False), (ys, xs, True)):
        if not _is_northing(northing):
            continue
        zone = _prefixed_zone(easting) if np.all(easting >= 1.0e7) else None
        if zone is not None:
            width = 3 if zone >= 25 else 6
            info = gk_zone_for_epsg(gk_epsg(width, zone, prefixed=True))
            assert info is not None
            return GkGuess(info, swapped)
        if _is_plain_easting(easting):
            raise GeoFileError(
                "坐标看起来是高斯-克吕格投影坐标（单位米），但X坐标不含带号，文件也没有坐标系"
                "说明（.prj），无法确定中央经线。请随文件提供 .prj，或在导入时指定坐标系，"
                "例如 EPSG:4545（CGCS2000 3度带 中央经线108°）。",
                code="gk_no_zone",
            )
    return None


def check_gk_consistency(crs_text: str, xs: FloatArray) -> None:
    """Refuse a declared GK CRS whose prefix convention contradicts the eastings."""
    crs = get_crs(crs_text)
    epsg = crs.to_epsg()
    info = gk_zone_for_epsg(epsg) if epsg else None
    if info is None or xs.size == 0:
        return
    median = float(np.median(np.asarray(xs, dtype=float)))
    if not info.prefixed and median >= 1.0e7:
        zone = int(median // 1.0e6)
        width = 3 if zone >= 25 else 6
        hint = ""
        try:
            hint = f"，应为 EPSG:{gk_epsg(width, zone, prefixed=True)}"
        except GeoFileError:
            hint = ""
        raise GeoFileError(
            f"坐标的X值带有带号前缀 {zone}，但指定的坐标系 EPSG:{epsg} 不含带号{hint}。",
            code="gk_prefix_mismatch",
        )
    if info.prefixed and median < 1.0e7:
        suggestion = gk_epsg(info.width, info.zone, prefixed=False)
        raise GeoFileError(
            f"指定的坐标系 EPSG:{epsg} 要求X坐标带带号 {info.zone}，但文件中的X坐标不含带号，"
            f"应为 EPSG:{suggestion}。",
            code="gk_prefix_mismatch",
        )


# --------------------------------------------------------------------------- naming / parsing


def normalize_crs(value: str) -> str:
    """Normalise a user or file CRS to "EPSG:n", "GCJ02", "BD09", or a WKT string.

    Accepts "wgs84", "gcj02", "bd09", "cgcs2000", "EPSG:4526", "4526", URNs, WKT.
    """
    text = value.strip()
    key = text.lower().replace("-", "").replace("_", "").replace(" ", "")
    aliases = {
        "wgs84": WGS84,
        "gps": WGS84,
        "crs84": WGS84,
        "gcj02": GCJ02,
        "gcj": GCJ02,
        "高德": GCJ02,
        "腾讯": GCJ02,
        "bd09": BD09,
        "bd09ll": BD09,
        "百度": BD09,
        "cgcs2000": CGCS2000,
    }
    if key in aliases:
        return aliases[key]
    if text.isdigit():
        text = f"EPSG:{text}"
    crs = get_crs(text)
    epsg = crs.to_epsg(min_confidence=70)
    if crs.is_geographic and is_wgs84_like(crs):
        return CGCS2000 if epsg == 4490 else WGS84
    if epsg is not None:
        return f"EPSG:{epsg}"
    return crs.to_wkt()


def is_wgs84_like(crs: pyproj.CRS) -> bool:
    """Geographic WGS84 or CGCS2000 (treated as equal at this scale)."""
    if not crs.is_geographic:
        return False
    epsg = crs.to_epsg(min_confidence=70)
    if epsg in {4326, 4490, 4979, 4480}:
        return True
    name = (crs.datum.name if crs.datum else "").lower()
    return "world geodetic system 1984" in name or "china 2000" in name


def crs_from_prj(text: str) -> str:
    """Parse a Shapefile .prj (ESRI or OGC WKT) into a normalised CRS string."""
    cleaned = text.strip().lstrip("\ufeff")
    if not cleaned:
        raise GeoFileError("坐标系文件（.prj）为空。", code="prj_empty")
    try:
        pyproj.CRS.from_wkt(cleaned)
    except CRSError as exc:
        raise GeoFileError(
            "坐标系文件（.prj）无法解析，内容不是有效的 WKT。", code="prj_bad"
        ) from exc
    return normalize_crs(cleaned)


def crs_label(value: str) -> str:
    """Chinese description: "WGS84", "CGCS2000 3度带 第36带", "GCJ-02（高德/腾讯）", ..."""
    if value == WGS84:
        return "WGS84"
    if value == CGCS2000:
        return "CGCS2000 经纬度"
    if value == GCJ02:
        return "GCJ-02（高德/腾讯地图）"
    if value == BD09:
        return "BD-09（百度地图）"
    crs = get_crs(value)
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is not None:
        info = gk_zone_for_epsg(epsg)
        if info is not None:
            return info.label
        if 32601 <= epsg <= 32660:
            return f"WGS84 UTM 第{epsg - 32600}带（北）"
    datum = (crs.datum.name if crs.datum else "") or ""
    if "Beijing 1954" in datum or "Beijing_1954" in datum:
        return f"北京54坐标系（{crs.name}）"
    if "Xian 1980" in datum or "Xian_1980" in datum:
        return f"西安80坐标系（{crs.name}）"
    return crs.name


def legacy_datum_warning(value: str) -> str | None:
    """Warn when a CRS uses the old Beijing 1954 / Xi'an 1980 datums."""
    if value in (WGS84, GCJ02, BD09, CGCS2000):
        return None
    crs = get_crs(value)
    datum = crs.datum.name if crs.datum else ""
    if "Beijing" in datum or "Xian" in datum:
        return (
            f"文件使用{crs_label(value)}，与 WGS84/CGCS2000 之间没有精确的公开转换参数，"
            "换算后可能偏差数十米，请在地图上核对位置。"
        )
    return None


def to_wgs84_function(source: str) -> ArrayTransform:
    """Vectorised (x, y) -> (lon, lat) WGS84 function for a normalised source CRS."""
    if source == WGS84:
        return _identity
    if source == GCJ02:
        return gcj02_to_wgs84_arrays
    if source == BD09:
        return bd09_to_wgs84_arrays
    crs = get_crs(source)
    if is_wgs84_like(crs):
        return _identity
    return get_transformer(source, WGS84).transform
