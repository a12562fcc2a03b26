import json

import pytest
from shapely.geometry import box, mapping, shape

from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.geo.selectors import bbox_q

pytestmark = pytest.mark.django_db


def town_bbox() -> str:
    b = UnitBoundary.objects.get(unit__level="town")
    return f"{b.min_lon},{b.min_lat},{b.max_lon},{b.max_lat}"


def test_plots_in_view_only(login_as) -> None:
    plot = Plot.objects.filter(unit__name="毛布拉格村").first()
    pad = 0.001
    view = f"{plot.min_lon - pad},{plot.min_lat - pad},{plot.max_lon + pad},{plot.max_lat + pad}"
    data = login_as("admin").get(f"/api/v1/geo/plots?bbox={view}&zoom=17").json()
    ids = {f["properties"]["id"] for f in data["features"]}
    assert str(plot.pk) in ids
    in_view = Plot.objects.filter(bbox_q(tuple(float(v) for v in view.split(","))))
    assert len(ids) == in_view.count() < Plot.objects.count()
    assert all(f["geometry"]["type"] == "Polygon" for f in data["features"])


def test_low_zoom_sends_points_and_high_zoom_simplifies(login_as) -> None:
    client = login_as("admin")
    far = client.get(f"/api/v1/geo/plots?bbox={town_bbox()}&zoom=11").json()
    assert {f["geometry"]["type"] for f in far["features"]} == {"Point"}
    clusters = [f["properties"] for f in far["features"] if f["properties"].get("cluster")]
    assert clusters and len(far["features"]) < Plot.objects.count()
    counted = sum(f["properties"].get("count", 1) for f in far["features"])
    assert counted == Plot.objects.count()
    assert all(sum(c["risks"].values()) == c["count"] for c in clusters)
    lone = [f["properties"] for f in far["features"] if not f["properties"].get("cluster")]
    assert all(Plot.objects.filter(pk=p["id"], name=p["name"]).exists() for p in lone)
    near = client.get(f"/api/v1/geo/plots?bbox={town_bbox()}&zoom=14").json()
    plots = {str(p.pk): shape(p.geometry) for p in Plot.objects.all()}
    for feature in near["features"][:50]:
        original = plots[feature["properties"]["id"]]
        simplified = shape(feature["geometry"])
        assert simplified.symmetric_difference(original).area <= 0.05 * original.area


def test_geo_endpoints_are_scoped(login_as) -> None:
    cadre = login_as("cadre")
    plots = cadre.get(f"/api/v1/geo/plots?bbox={town_bbox()}&zoom=16").json()["features"]
    assert plots and {f["properties"]["unit"] for f in plots} == {"毛布拉格村"}
    names = {
        f["properties"]["name"] for f in cadre.get("/api/v1/geo/boundaries").json()["features"]
    }
    assert "毛布拉格村" in names and "排子湾村" not in names and "无定河镇" not in names
    other = Plot.objects.filter(unit__name="排子湾村").first()
    assert cadre.get(f"/geo/plots/{other.pk}/").status_code == 404
    response = cadre.put(
        f"/api/v1/geo/plots/{other.pk}/geometry",
        data=json.dumps({"geometry": other.geometry}),
        content_type="application/json",
    )
    assert response.status_code == 404
    found = cadre.get(f"/api/v1/geo/plots/search?q={other.name}").json()
    assert all(item["unit"] == "毛布拉格村" for item in found)


def test_bad_bbox_is_explained(login_as) -> None:
    response = login_as("admin").get("/api/v1/geo/plots?bbox=1,2,3")
    assert response.status_code == 400
    assert "应为 4 个数字" in response.json()["detail"]


def inside(unit_name: str, size: float = 0.0005):
    outline = shape(UnitBoundary.objects.get(unit__name=unit_name).geometry)
    c = outline.representative_point()
    return box(c.x - size, c.y - size, c.x + size, c.y + size)


def post_plot(client, unit, geometry, name="新发现地块"):
    return client.post(
        "/api/v1/geo/plots",
        data=json.dumps(
            {
                "unit_id": str(unit.pk),
                "name": name,
                "kind": "courtyard",
                "risk": "key",
                "geometry": geometry,
            }
        ),
        content_type="application/json",
    )


def test_draw_a_plot_and_edit_its_outline(login_as, unit_named) -> None:
    client = login_as("cadre")
    village = unit_named("毛布拉格村")
    response = post_plot(client, village, mapping(inside("毛布拉格村")))
    assert response.status_code == 201, response.content
    plot = Plot.objects.get(pk=response.json()["id"])
    assert plot.unit == village and 7000 < plot.area_m2 < 10000
    smaller = mapping(inside("毛布拉格村", 0.0002))
    edited = client.put(
        f"/api/v1/geo/plots/{plot.pk}/geometry",
        data=json.dumps({"geometry": smaller}),
        content_type="application/json",
    )
    assert edited.status_code == 200 and edited.json()["area_m2"] < 2000


def test_bad_drawings_are_refused_and_change_nothing(login_as, unit_named) -> None:
    client = login_as("cadre")
    village = unit_named("毛布拉格村")
    before = Plot.objects.count()
    outside = post_plot(client, village, mapping(inside("排子湾村")))
    assert outside.status_code == 400 and "不在毛布拉格村的边界内" in outside.json()["detail"]
    line = post_plot(
        client, village, {"type": "LineString", "coordinates": [[108.6, 37.9], [108.7, 37.9]]}
    )
    assert line.status_code == 400 and "必须是多边形" in line.json()["detail"]
    other = post_plot(client, unit_named("排子湾村"), mapping(inside("排子湾村")))
    assert other.status_code == 404
    assert Plot.objects.count() == before


def test_csrf_is_required_for_api_writes(unit_named, demo_campaign) -> None:
    from django.test import Client

    from zerocrop.demo.campaign import DEMO_PASSWORD

    client = Client(enforce_csrf_checks=True)
    client.login(username="cadre", password=DEMO_PASSWORD)
    response = post_plot(client, unit_named("毛布拉格村"), mapping(inside("毛布拉格村")))
    assert response.status_code == 403


def test_map_payloads_are_gzipped_for_browsers(login_as) -> None:
    import gzip
    import json as jsonlib

    client = login_as("admin")
    url = f"/api/v1/geo/plots?bbox={town_bbox()}&zoom=14"
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    plain = client.get(url)
    assert jsonlib.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(packed.content) < len(plain.content) / 3


def test_over_long_or_hostile_plot_text_is_refused_in_chinese(login_as, unit_named) -> None:
    client = login_as("cadre")
    village = unit_named("毛布拉格村")
    before = Plot.objects.count()
    geometry = mapping(inside("毛布拉格村"))
    for name, message in (("地" * 101, "名称不能超过 100 个字"), ("地\x00块", "控制字符")):
        response = post_plot(client, village, geometry, name=name)
        assert response.status_code == 422, response.content
        assert response.json()["field"] == "name" and message in response.json()["detail"]
    assert Plot.objects.count() == before


def test_bad_outline_edits_are_explained(login_as) -> None:
    client = login_as("cadre")
    plot = Plot.objects.filter(unit__name="毛布拉格村").first()
    for url, body in (
        ("/api/v1/geo/plots/abc/geometry", {"geometry": plot.geometry}),
        (f"/api/v1/geo/plots/{plot.pk}/geometry", {"geometry": "square"}),
        (f"/api/v1/geo/plots/{plot.pk}/geometry", {}),
    ):
        response = client.put(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["code"] in ("invalid_id", "invalid", "required")
        assert "地块" in response.json()["detail"]
    assert Plot.objects.get(pk=plot.pk).geometry == plot.geometry
