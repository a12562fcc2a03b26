"""Error pages are Chinese, in the site's layout where they can be, with a way back."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_not_found_or_not_yours(login_as):
    response = login_as("cadre").get("/geo/plots/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "不存在或无权查看" in page and "返回首页" in page
    assert 'data-testid="topbar-campaign"' in page or "退出" in page  # the site's layout
    assert "Not Found" not in page


def test_a_forbidden_action_says_so_in_chinese(login_as):
    response = login_as("grid").get("/org/login-locks/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权进行此操作" in page and "返回首页" in page
    assert "Forbidden" not in page


def test_a_stale_form_is_explained_not_a_bare_403(demo_campaign):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "admin", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page
    assert "CSRF verification failed" not in page


def test_the_server_error_page_needs_no_context_and_is_chinese():
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "服务器出错" in page and 'href="/"' in page
