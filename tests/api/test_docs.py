"""The API docs page works offline: every asset is ours, its title and description Chinese."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_the_docs_page_loads_nothing_from_outside(login_as) -> None:
    client = login_as("admin")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assets = ASSET.findall(html)
    assert {
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui.css",
        "/static/zerocrop/swagger_init.js",
    } <= set(assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert '<html lang="zh-hans">' in html
    assert "<title>ZeroCrop 禁种铲毒工作平台 API · 接口文档</title>" in html


def test_the_schema_describes_the_api_in_chinese(login_as) -> None:
    info = login_as("admin").get("/api/v1/openapi.json").json()["info"]
    assert info["description"].startswith("禁种铲毒工作平台的 JSON 接口")
