"""Every refusal of the JSON API is a Chinese {"detail", "field", "code"}; nothing is stored."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from shapely.geometry import box, mapping, shape

from zerocrop.api.v1 import api
from zerocrop.geo.models import Plot, UnitBoundary

pytestmark = pytest.mark.django_db

# Technical tokens a Chinese message may name; any other run of Latin letters is English.
TOKENS = r"\b(UUID|JSON|UTF|Unicode|CSRF|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|U\+[0-9A-F]+)\b"


def assert_chinese(body: dict[str, Any]) -> None:
    detail = body["detail"]
    assert isinstance(detail, str) and re.search("[\u4e00-\u9fff]", detail), body
    assert not re.search("[A-Za-z]{3,}", re.sub(TOKENS, "", detail)), body
    assert "field" in body and "code" in body and body["code"], body


def plot_body(unit: Any, **changes: Any) -> dict[str, Any]:
    outline = shape(UnitBoundary.objects.get(unit=unit).geometry)
    c = outline.representative_point()
    return {
        "unit_id": str(unit.pk),
        "name": "新发现地块",
        "kind": "courtyard",
        "risk": "key",
        "geometry": mapping(box(c.x - 0.0005, c.y - 0.0005, c.x + 0.0005, c.y + 0.0005)),
        **changes,
    }


def post_raw(client: Client, body: bytes, path: str = "/api/v1/geo/plots") -> Any:
    return client.post(path, data=body, content_type="application/json")


@pytest.fixture
def cadre(login_as) -> Client:
    return login_as("cadre")


@pytest.fixture
def village(unit_named) -> Any:
    return unit_named("毛布拉格村")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (b'{"name": ', "invalid_json", "请求内容不是有效的 JSON"),
        (b'{"name": "\xff\xfe"}', "invalid_utf8", "请求内容不是有效的 UTF-8 编码"),
        (b'{"name": "\\ud800"}', "invalid_unicode", "无效的 Unicode 字符"),
    ],
)
def test_unreadable_bodies_are_refused_in_chinese(cadre, body, code, message) -> None:
    before = Plot.objects.count()
    response = post_raw(cadre, body)
    assert response.status_code == 400
    assert response.json()["code"] == code and message in response.json()["detail"]
    assert_chinese(response.json())
    assert Plot.objects.count() == before


def test_invalid_utf8_inside_a_valid_body_is_refused_not_replaced(cadre, village) -> None:
    before = Plot.objects.count()
    raw = (
        json.dumps(plot_body(village, name="坏字节"), ensure_ascii=False)
        .encode()
        .replace("坏字节".encode(), b"bad\xc3\x28")
    )
    response = post_raw(cadre, raw)
    assert response.status_code == 400 and response.json()["code"] == "invalid_utf8"
    assert Plot.objects.count() == before
    assert not Plot.objects.filter(name__contains="\ufffd").exists()


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        ({"name": "长" * 101}, "name", "too_long", "名称不能超过 100 个字"),
        ({"code": "C" * 41}, "code", "too_long", "编号不能超过 40 个字"),
        ({"name": "a\x00b"}, "name", "control_character", "名称含有不可见的控制字符（U+0000）"),
        ({"name": "第一行\n第二行"}, "name", "control_character", "名称含有不可见的控制字符"),
        ({"code": "\x1b[31m"}, "code", "control_character", "编号含有不可见的控制字符"),
        ({"name": 5}, "name", "invalid", "名称应为文字"),
        ({"unit_id": "village-1"}, "unit_id", "invalid_id", "单位不是有效的标识（UUID）"),
        ({"geometry": "square"}, "geometry", "invalid", "地块边界应为 JSON 对象"),
    ],
)
def test_invalid_fields_are_named_in_chinese(cadre, village, changes, field, code, message) -> None:
    before = Plot.objects.count()
    response = post_raw(cadre, json.dumps(plot_body(village, **changes)).encode())
    assert response.status_code == 422, response.content
    body = response.json()
    assert (body["field"], body["code"]) == (field, code)
    assert message in body["detail"]
    assert_chinese(body)
    assert Plot.objects.count() == before


def test_missing_fields_are_all_listed(cadre) -> None:
    response = post_raw(cadre, b"{}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "缺少单位" and body["code"] == "required"
    assert {e["field"] for e in body["errors"]} == {"unit_id", "name", "kind", "risk", "geometry"}
    for error in body["errors"]:
        assert_chinese(error)


def test_a_body_that_is_not_an_object_is_refused(cadre) -> None:
    for raw in (b"[1, 2]", b"null", b'"plot"'):
        response = post_raw(cadre, raw)
        assert 400 <= response.status_code < 500
        assert_chinese(response.json())


def test_query_and_path_parameters_are_explained(cadre) -> None:
    cases = {
        "/api/v1/geo/plots?zoom=abc": ("zoom", "缩放级别应为整数"),
        "/api/v1/campaigns/not-a-uuid": ("campaign_id", "行动不是有效的标识（UUID）"),
        "/api/v1/geo/plots/search?q=a%00b": ("q", "查询内容含有不可见的控制字符"),
        "/api/v1/geo/plots/search?q=" + "长" * 101: ("q", "查询内容不能超过 100 个字"),
    }
    for url, (field, message) in cases.items():
        response = cadre.get(url)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["field"] == field and message in response.json()["detail"]
        assert_chinese(response.json())


def test_http_errors_are_chinese(cadre, login_as, unit_named) -> None:
    unknown = cadre.get("/api/v1/no-such-route")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert_chinese(unknown.json())
    missing = cadre.get(f"/api/v1/campaigns/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["detail"] == "不存在或无权查看"
    assert_chinese(missing.json())
    wrong_method = cadre.delete("/api/v1/geo/plots")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    assert "GET" in wrong_method["Allow"]
    assert_chinese(wrong_method.json())
    anonymous = Client().get("/api/v1/campaigns/")
    assert anonymous.status_code == 401
    assert_chinese(anonymous.json())
    other = unit_named("排子湾村")
    refused = post_raw(login_as("grid"), json.dumps(plot_body(other)).encode())
    assert refused.status_code in (403, 404)
    assert_chinese(refused.json())


def test_csrf_failure_is_explained(unit_named, demo_campaign) -> None:
    from zerocrop.demo.campaign import DEMO_PASSWORD

    client = Client(enforce_csrf_checks=True)
    client.login(username="cadre", password=DEMO_PASSWORD)
    before = Plot.objects.count()
    response = post_raw(client, json.dumps(plot_body(unit_named("毛布拉格村"))).encode())
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert_chinese(response.json())
    assert Plot.objects.count() == before


def test_domain_refusals_keep_detail_and_field_and_gain_a_code(cadre, unit_named) -> None:
    body = plot_body(unit_named("毛布拉格村"), kind="castle")
    response = post_raw(cadre, json.dumps(body).encode())
    assert response.status_code == 400
    assert response.json()["field"] == "kind" and "无法识别" in response.json()["detail"]
    assert response.json()["code"] == "rejected"


# --- every write route, present and future ---------------------------------------------------


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(option, spec)
    return schema


def _sample(schema: dict[str, Any]) -> Any:
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "string":
        return {"uuid": str(uuid.uuid4()), "date": "2024-05-01"}.get(fmt, "样例")
    return {"integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}.get(kind)


def _write_routes() -> list[tuple[str, str, dict[str, Any]]]:
    spec = api.get_openapi_schema(path_prefix="/api/v1")
    routes = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            url = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)
            if method in ("post", "put", "patch"):
                json_body = operation["requestBody"]["content"].get("application/json")
                if json_body is None:  # a file chunk or an upload form: no JSON text fields
                    continue
                content = json_body["schema"]
                routes.append((method, url, _resolve(content, spec) | {"_spec": spec}))
            else:
                query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
                routes.append((method, url, {"_query": query, "_spec": spec}))
    return routes


def _string_fields(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    fields = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, spec)
        if prop.get("type") == "string" and not prop.get("format") and "enum" not in prop:
            fields[name] = prop
    return fields


def test_every_route_is_walked() -> None:
    routes = _write_routes()
    assert ("post", "/api/v1/geo/plots") in {(m, u) for m, u, _ in routes}
    assert any(m == "put" for m, _, _ in routes)


@pytest.mark.parametrize("hostile", ["nul", "too_long"])
def test_every_write_route_refuses_nul_and_over_long_text(login_as, hostile) -> None:
    client = login_as("admin")
    counts_before = {Plot: Plot.objects.count()}
    checked = 0
    for method, url, schema in _write_routes():
        if "_query" in schema:
            continue
        spec = schema.pop("_spec")
        fields = _string_fields(schema, spec)
        for name, prop in fields.items():
            assert "maxLength" in prop, f"{method} {url}: text field {name} has no length limit"
            body = {key: _sample(_resolve(p, spec)) for key, p in schema["properties"].items()}
            body[name] = "a\x00b" if hostile == "nul" else "长" * (prop["maxLength"] + 1)
            response = getattr(client, method)(
                url, data=json.dumps(body), content_type="application/json"
            )
            assert 400 <= response.status_code < 500, (method, url, name, response.content)
            assert_chinese(response.json())
            assert name in {e["field"] for e in response.json().get("errors", [response.json()])}
            checked += 1
    assert checked >= 4
    assert Plot.objects.count() == counts_before[Plot]


def test_every_read_route_refuses_nul_and_over_long_query_text(login_as) -> None:
    client = login_as("admin")
    checked = 0
    for _method, url, schema in _write_routes():
        if "_query" not in schema:
            continue
        for param in schema["_query"]:
            prop = _resolve(param["schema"], schema["_spec"])
            if prop.get("type") != "string" or prop.get("format"):
                continue
            for value in ("a\x00b", "长" * (prop.get("maxLength", 10_000) + 1)):
                response = client.get(url, {param["name"]: value})
                assert 400 <= response.status_code < 500, (url, param["name"], response.content)
                assert_chinese(response.json())
                checked += 1
    assert checked >= 6


def test_a_hostile_geometry_is_refused_not_a_crash(cadre, village) -> None:
    before = Plot.objects.count()
    for geometry in ({"type": "Nonsense"}, {"type": "\x00"}, {"type": "Polygon"}, {}):
        response = post_raw(cadre, json.dumps(plot_body(village, geometry=geometry)).encode())
        assert response.status_code == 400, (geometry, response.content)
        assert "几何数据无法识别" in response.json()["detail"]
    assert Plot.objects.count() == before


def test_a_body_over_the_upload_limit_is_refused_in_chinese(cadre, village, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps(plot_body(village, name="大")).encode() + b" " * 2000
    response = post_raw(cadre, body)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert_chinese(response.json())
