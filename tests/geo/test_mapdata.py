"""The bulk GeoJSON read-out of map payloads gives the same JSON as shapely's `mapping`."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping

from zerocrop.geo.mapdata import POINT_ZOOM_BELOW, feature_collection, geometry_mappings

DONUT = Polygon(
    [(108.0, 37.0), (108.01, 37.0), (108.01, 37.01), (108.0, 37.01)],
    [[(108.002, 37.002), (108.003, 37.002), (108.003, 37.003)]],
)
GEOMETRIES = [
    DONUT,
    Polygon([(108.1, 37.0), (108.1000003, 37.0), (108.1, 37.0000002)]),  # collapses at 1e-6
    MultiPolygon([DONUT, Polygon([(108.1, 37.0), (108.11, 37.0), (108.11, 37.01)])]),
    Polygon([(108.0, 37.0, 1.0), (108.01, 37.0, 1.0), (108.01, 37.01, 1.0)]),
    Point(108.123456789, 37.1),
    Point(),
    Polygon(),
    LineString([(108.0, 37.0), (108.1, 37.1)]),
]


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_geometry_mappings_serialise_like_mapping() -> None:
    geoms = np.array(GEOMETRIES, dtype=object)
    assert dumps(geometry_mappings(geoms)) == dumps([mapping(g) for g in geoms])


@pytest.mark.parametrize("zoom", [5, 11, 12, 13, 14, 16, 17, 20])
@pytest.mark.parametrize("as_points", [None, True, False])
def test_geojson_text_and_mappings_give_the_same_payload(zoom: int, as_points: bool | None) -> None:
    valid = [g for g in GEOMETRIES if g.geom_type.endswith("Polygon") and not g.is_empty]
    rows = [{"id": str(i), "name": f"地块{i}", "geometry": mapping(g)} for i, g in enumerate(valid)]
    text_rows = [
        {**row, "geometry": shapely.to_geojson(g)} for row, g in zip(rows, valid, strict=True)
    ]
    expected = feature_collection(rows, zoom=zoom, as_points=as_points)
    assert dumps(feature_collection(text_rows, zoom=zoom, as_points=as_points)) == dumps(expected)
    geometries = [f["geometry"] for f in expected["features"]]
    if as_points or (as_points is None and zoom < POINT_ZOOM_BELOW):
        reference = shapely.point_on_surface(np.array(valid, dtype=object))
    else:
        simplified = shapely.simplify(np.array(valid, dtype=object), 360 / (256 * 2**zoom) / 3)
        reference = shapely.orient_polygons(
            shapely.set_precision(simplified, 1e-6, mode="pointwise")
        )
    assert dumps(geometries) == dumps([mapping(g) for g in reference])


def test_outlines_follow_the_rfc_7946_winding_rule() -> None:
    clockwise = shapely.Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    assert not clockwise.exterior.is_ccw
    out = feature_collection([{"geometry": mapping(clockwise)}], zoom=16, as_points=False)
    ring = shapely.LinearRing(out["features"][0]["geometry"]["coordinates"][0])
    assert ring.is_ccw


def test_clusters_merge_nearby_plots_and_keep_lone_ones() -> None:
    from zerocrop.geo.mapdata import clustered_points

    rows = [{"id": str(i), "risk": r} for i, r in enumerate(["key", "potential", "traditional"])]
    bounds = np.array(
        [
            [108.600, 37.900, 108.6001, 37.9001],
            [108.6002, 37.9002, 108.6003, 37.9003],
            [108.700, 37.950, 108.7001, 37.9501],
        ]
    )
    features = clustered_points(rows, bounds, zoom=11)["features"]
    cluster = next(f["properties"] for f in features if f["properties"].get("cluster"))
    assert cluster["count"] == 2 and cluster["risks"] == {"key": 1, "potential": 1}
    assert cluster["risk"] == "key"  # the most serious class colours the cluster
    assert cluster["bbox"] == [108.6, 37.9, 108.6003, 37.9003]
    lone = [f["properties"] for f in features if not f["properties"].get("cluster")]
    assert lone == [rows[2]]
    at_street_level = clustered_points(rows, bounds, zoom=19)["features"]
    assert len(at_street_level) == 3
