"""Per-feature validation: repair or refuse, named in Chinese."""

from __future__ import annotations

import shapely

from zerocrop.geo.crs import area_m2, from_utm
from zerocrop.geo.features import GeoFeature, GeoPreview
from zerocrop.geo.validation import describe_invalid, validate_feature, validate_features

UTM = "EPSG:32649"  # 108.6°E
X0, Y0 = 289_300.0, 4_197_300.0


def utm_polygon(ring: list[tuple[float, float]]) -> shapely.Polygon:
    """A WGS84 polygon drawn in local metres (so areas are easy to reason about)."""
    return from_utm(shapely.Polygon([(X0 + x, Y0 + y) for x, y in ring]), UTM)


def feature(geom: shapely.Geometry, name: str | None = "张三家地块", index: int = 2) -> GeoFeature:
    return GeoFeature(geometry=geom, properties={}, name=name, index=index)


def test_small_self_intersection_is_repaired_and_named() -> None:
    # 100 m square whose last edge crosses the first one: a ~0.5 m² lobe below the x axis.
    poly = utm_polygon([(0, 0), (100, 0), (100, 100), (0, 100), (1, -1)])
    assert not poly.is_valid
    kept, warnings, refusal = validate_feature(feature(poly))
    assert refusal is None and kept is not None
    assert kept.geometry.is_valid
    assert kept.geometry.geom_type in {"Polygon", "MultiPolygon"}
    assert warnings[0].startswith("第3个要素「张三家地块」自相交，已修复")
    assert abs(area_m2(kept.geometry) - 10_000) < 100


def test_bowtie_is_refused_because_repair_changes_area() -> None:
    bowtie = utm_polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    kept, _, refusal = validate_feature(feature(bowtie, "李四家", 0))
    assert kept is None
    assert refusal is not None and refusal.startswith("第1个要素「李四家」自相交")
    assert "面积变化" in refusal and "1%" in refusal


def test_repair_that_leaves_no_polygon_is_refused() -> None:
    flat = utm_polygon([(0, 0), (50, 0), (100, 0), (50, 0)])
    kept, _, refusal = validate_feature(feature(flat))
    assert kept is None and refusal is not None
    assert "第3个要素「张三家地块」" in refusal and ("不再是面" in refusal or "面积为零" in refusal)


def test_hole_outside_shell_is_refused() -> None:
    shell = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)]
    hole = [(X0 + 200, Y0), (X0 + 250, Y0), (X0 + 250, Y0 + 50), (X0 + 200, Y0 + 50)]
    poly = from_utm(shapely.Polygon(shell, [hole]), UTM)
    kept, _, refusal = validate_feature(feature(poly))
    assert kept is None and refusal is not None and "内环（洞）在外环之外" in refusal


def test_point_outside_china_and_swapped_lat_lon() -> None:
    paris = feature(shapely.Point(2.35, 48.85), "巴黎", 0)
    swapped = feature(shapely.Point(37.9, 108.6), "颠倒", 1)
    good = feature(shapely.Point(108.6, 37.9), "正常", 2)
    outcome = validate_features([paris, swapped, good])
    assert [f.name for f in outcome.features] == ["正常"]
    assert "第1个要素「巴黎」位于中国境外" in outcome.rejected[0]
    assert "第2个要素「颠倒」经纬度可能颠倒" in outcome.rejected[1]


def test_empty_and_non_finite_geometries() -> None:
    outcome = validate_features(
        [
            feature(shapely.Polygon(), "空", 0),
            feature(shapely.GeometryCollection(), None, 1),
            feature(shapely.Point(float("nan"), 37.9), "坏", 2),
        ]
    )
    assert outcome.features == []
    assert outcome.rejected[0] == "第1个要素「空」没有几何图形（空要素），已跳过。"
    assert outcome.rejected[1].startswith("第2个要素没有几何图形")
    assert "坐标无效" in outcome.rejected[2]


def test_tiny_polygon_and_zero_length_line_warn() -> None:
    tiny = utm_polygon([(0, 0), (0.5, 0), (0.5, 0.5), (0, 0.5)])
    _, warnings, refusal = validate_feature(feature(tiny))
    assert refusal is None and "面积只有约" in warnings[0]
    line = shapely.LineString([(108.6, 37.9), (108.6, 37.9)])
    _, warnings, refusal = validate_feature(feature(line))
    assert refusal is None and "长度为零" in warnings[0]


def test_valid_feature_passes_untouched() -> None:
    square = utm_polygon([(0, 0), (100, 0), (100, 100), (0, 100)])
    original = feature(square)
    kept, warnings, refusal = validate_feature(original)
    assert kept is original and warnings == [] and refusal is None


def test_describe_invalid_wording() -> None:
    assert describe_invalid("Self-intersection[108.6 37.9]") == "自相交"
    assert describe_invalid("Ring Self-intersection[1 2]") == "自相交"
    assert describe_invalid("Too few points[1 2]") == "顶点太少"
    assert describe_invalid("Something new") == "几何无效（Something new）"


def test_preview_to_dict_shape() -> None:
    preview = GeoPreview(
        features=[feature(shapely.Point(108.6, 37.9))],
        crs="EPSG:4524",
        crs_label="CGCS2000 3度带 第36带",
        bbox=(108.6, 37.9, 108.6, 37.9),
        geometry_types={"Point": 1},
        warnings=["提示"],
    )
    assert preview.to_dict() == {
        "features": 1,
        "crs": "EPSG:4524",
        "crs_label": "CGCS2000 3度带 第36带",
        "bbox": [108.6, 37.9, 108.6, 37.9],
        "geometry_types": {"Point": 1},
        "warnings": ["提示"],
    }


def test_a_track_keeps_its_good_points_when_a_few_fixes_are_outside_china() -> None:
    from datetime import UTC, datetime, timedelta

    import shapely

    from zerocrop.geo.features import GeoFeature
    from zerocrop.geo.validation import validate_feature

    start = datetime(2022, 7, 5, 8, 0, tzinfo=UTC)
    coords = [(0.0, 0.0), (108.6, 37.9), (108.601, 37.9), (108.602, 37.9)]
    times = [start + timedelta(seconds=i) for i in range(4)]
    track = GeoFeature(geometry=shapely.LineString(coords), name="轨迹", times=times)
    kept, warnings, refusal = validate_feature(track)
    assert refusal is None and kept is not None
    assert list(kept.geometry.coords) == coords[1:]
    assert kept.times == times[1:]
    assert "1 个轨迹点位于中国境外，已剔除" in warnings[0]
    lost = GeoFeature(geometry=shapely.LineString([(0, 0), (1, 1), (108.6, 37.9)]), name="坏")
    assert validate_feature(lost)[0] is None  # one good point is not a track
