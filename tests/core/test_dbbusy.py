"""A database locked past the busy timeout answers 503 "数据库正忙，请稍后重试", never a 500."""

from __future__ import annotations

import json
import types

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db.utils import OperationalError
from django.test import Client
from django.urls import path

from zerocrop.config import urls as site_urls
from zerocrop.core.dbbusy import BUSY_MESSAGE

pytestmark = pytest.mark.django_db


def _locked(request):
    raise OperationalError("database is locked")


def _other_error(request):
    raise OperationalError("no such table: nowhere")


@pytest.fixture
def urlconf(settings):
    module = types.ModuleType("busy_urls")
    module.urlpatterns = [
        path("locked/", _locked),
        path("api/v1/locked/", _locked),
        path("broken/", _other_error),
        *site_urls.urlpatterns,
    ]
    module.handler500 = site_urls.handler500
    settings.ROOT_URLCONF = module
    return module


def _client(login_as) -> Client:
    client = login_as("admin")
    client.raise_request_exception = False
    return client


def test_a_page_hitting_a_locked_database_gets_the_busy_page_in_the_layout(urlconf, login_as):
    response = _client(login_as).get("/locked/")
    assert response.status_code == 503
    page = response.content.decode()
    assert BUSY_MESSAGE in page and 'data-testid="database-busy"' in page
    assert "行动总览" in page  # the site's navigation: the page is in the layout
    assert response["Retry-After"] == "5"


def test_the_api_gets_json(urlconf, login_as):
    response = _client(login_as).get("/api/v1/locked/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"detail": BUSY_MESSAGE, "field": None, "code": "busy"}


def test_a_lock_hit_while_saving_the_session_is_a_503_too(urlconf, login_as, monkeypatch):
    client = _client(login_as)
    # A fresh login has never been renewed: SessionKeepAliveMiddleware saves the session after
    # the view, in SessionMiddleware's response phase, outside any view.
    monkeypatch.setattr(SessionStore, "save", lambda self, must_create=False: _locked(None))
    response = client.get("/healthz")
    assert response.status_code == 503


def test_other_database_errors_stay_server_errors(urlconf, login_as):
    assert _client(login_as).get("/broken/").status_code == 500
