"""Per-feature checks on WGS84 geometries before anything is saved.

- empty geometries and non-finite coordinates are refused;
- coordinates outside China are refused, with a hint when lat/lon look swapped;
- invalid polygons (self-intersection ...) are repaired with `shapely.make_valid` when the repair
  keeps a polygon and changes the area by at most 1 %, otherwise refused;
- tiny polygons and zero-length lines get a warning.

Refused features are left out of the result; each refusal is a Chinese sentence naming the
feature ("第3个要素「张三家地块」…").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from zerocrop.geo.crs import CHINA_BBOX, area_m2
from zerocrop.geo.features import GeoFeature

MAX_REPAIR_AREA_CHANGE = 0.01
TINY_AREA_M2 = 1.0
_M_PER_DEG = 111_320.0

_POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass
class ValidationOutcome:
    features: list[GeoFeature] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def describe_invalid(reason: str) -> str:
    """Chinese wording of a GEOS `is_valid_reason` text."""
    lowered = reason.lower()
    if "self-intersection" in lowered:
        return "自相交"
    if "too few points" in lowered:
        return "顶点太少"
    if "hole lies outside shell" in lowered:
        return "内环（洞）在外环之外"
    if "nested holes" in lowered or "nested shells" in lowered:
        return "环相互嵌套"
    if "interior is disconnected" in lowered:
        return "内部被洞分割成不连通的部分"
    if "duplicate rings" in lowered:
        return "有重复的环"
    if "ring is not closed" in lowered:
        return "环没有闭合"
    if "invalid coordinate" in lowered:
        return "坐标无效"
    return f"几何无效（{reason}）"


def polygonal_part(geom: BaseGeometry) -> BaseGeometry | None:
    """Polygon/MultiPolygon made of the polygonal members of `geom`, or None."""
    if geom.is_empty:
        return None
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [
        part
        for part in shapely.get_parts(geom)
        if part.geom_type in _POLYGONAL and not part.is_empty
    ]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in _POLYGONAL else None


def approx_area_m2(geom: BaseGeometry) -> float:
    """Cheap area estimate (degrees scaled at the centre latitude) for warnings only."""
    if geom.geom_type not in _POLYGONAL:
        return 0.0
    lat = (geom.bounds[1] + geom.bounds[3]) / 2
    return float(geom.area) * _M_PER_DEG * _M_PER_DEG * math.cos(math.radians(lat))


def _position_problem(feature: GeoFeature, coords: np.ndarray) -> str | None:
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    xs, ys = coords[:, 0], coords[:, 1]
    inside = (xs >= min_lon) & (xs <= max_lon) & (ys >= min_lat) & (ys <= max_lat)
    if bool(np.all(inside)):
        return None
    swapped = (ys >= min_lon) & (ys <= max_lon) & (xs >= min_lat) & (xs <= max_lat)
    first = int(np.argmin(inside))
    x, y = float(xs[first]), float(ys[first])
    if bool(np.all(swapped)):
        return (
            f"{feature.label}经纬度可能颠倒（读到经度 {x:.6f}、纬度 {y:.6f}），"
            "请检查经度、纬度是否填反，已跳过。"
        )
    return (
        f"{feature.label}位于中国境外（经度 {x:.6f}，纬度 {y:.6f}），"
        "请检查坐标或所选坐标系，已跳过。"
    )


_LINEAR = {"LineString", "MultiLineString"}


def _inside_china(coords: np.ndarray) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    xs, ys = coords[:, 0], coords[:, 1]
    return (xs >= min_lon) & (xs <= max_lon) & (ys >= min_lat) & (ys <= max_lat)


def _drop_outside_points(feature: GeoFeature) -> tuple[GeoFeature | None, int]:
    """Remove the vertices outside China from a line feature (times follow); None if < 2 left."""
    parts, times, dropped, offset = [], [], 0, 0
    for part in shapely.get_parts(feature.geometry):
        coords = shapely.get_coordinates(part)
        keep = _inside_china(coords)
        dropped += int((~keep).sum())
        if feature.times is not None:
            part_times = feature.times[offset : offset + len(coords)]
            times.extend(t for t, k in zip(part_times, keep, strict=True) if k)
        offset += len(coords)
        if int(keep.sum()) >= 2:
            parts.append(shapely.LineString(coords[keep]))
        elif feature.times is not None:
            del times[len(times) - int(keep.sum()) :]
    if not parts or dropped == 0:
        return None, dropped
    geometry = parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    kept_times = times if feature.times is not None else None
    return replace(feature, geometry=geometry, times=kept_times), dropped


def _repair_polygon(feature: GeoFeature) -> tuple[BaseGeometry | None, str]:
    """Return (repaired geometry or None, message)."""
    geom = feature.geometry
    problem = describe_invalid(shapely.is_valid_reason(geom))
    fixed = polygonal_part(shapely.make_valid(geom))
    if fixed is None:
        return None, f"{feature.label}{problem}，无法自动修复（修复后不再是面），已跳过。"
    before = abs(area_m2(geom))
    after = area_m2(fixed)
    if before <= 0:
        return None, f"{feature.label}{problem}，面积为零，无法自动修复，请在原软件中修正，已跳过。"
    change = abs(after - before) / before
    if change > MAX_REPAIR_AREA_CHANGE:
        amount = f" {change:.1%}" if change < 10 else "超过 1000%"
        return None, (
            f"{feature.label}{problem}，自动修复会使面积变化{amount}（上限 1%），"
            "请在原软件中修正后重新导入，已跳过。"
        )
    return fixed, f"{feature.label}{problem}，已修复（面积变化 {change:.2%}）。"


def validate_feature(feature: GeoFeature) -> tuple[GeoFeature | None, list[str], str | None]:
    """Check one WGS84 feature: (kept feature or None, warnings, refusal message or None)."""
    geom = feature.geometry
    if geom is None or geom.is_empty:
        return None, [], f"{feature.label}没有几何图形（空要素），已跳过。"
    coords = shapely.get_coordinates(geom)
    if coords.size == 0 or not np.all(np.isfinite(coords)):
        return None, [], f"{feature.label}的坐标无效（空值或无穷大），已跳过。"
    warnings: list[str] = []
    problem = _position_problem(feature, coords)
    if problem and geom.geom_type in _LINEAR:
        # A GPS track with a few bad fixes (cold start at 0,0) keeps its good points.
        feature, dropped = _drop_outside_points(feature)
        if feature is not None:
            warnings.append(f"{feature.label}有 {dropped} 个轨迹点位于中国境外，已剔除。")
            geom, problem = feature.geometry, None
    if problem or feature is None:
        return None, [], problem
    polygonal = geom.geom_type in _POLYGONAL or (
        geom.geom_type == "GeometryCollection"
        and any(p.geom_type in _POLYGONAL for p in shapely.get_parts(geom))
    )
    if polygonal and not shapely.is_valid(geom):
        fixed, message = _repair_polygon(feature)
        if fixed is None:
            return None, [], message
        warnings.append(message)
        feature = replace(feature, geometry=fixed)
        geom = fixed
    if geom.geom_type in _POLYGONAL:
        area = approx_area_m2(geom)
        if area < TINY_AREA_M2:
            warnings.append(f"{feature.label}面积只有约 {area:.2f} 平方米，请核对。")
    elif geom.geom_type in {"LineString", "MultiLineString"} and geom.length == 0:
        warnings.append(f"{feature.label}是长度为零的线（所有点重合），请核对。")
    return feature, warnings, None


def validate_features(features: list[GeoFeature]) -> ValidationOutcome:
    outcome = ValidationOutcome()
    for feature in features:
        kept, warnings, refusal = validate_feature(feature)
        outcome.warnings.extend(warnings)
        if refusal:
            outcome.rejected.append(refusal)
        if kept is not None:
            outcome.features.append(kept)
    return outcome
