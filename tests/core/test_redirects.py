"""``next`` is followed only to a path on this site (cell actions, bulk plot assignment)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from zerocrop.core.redirects import safe_next


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/patrols/rounds/", "/patrols/rounds/"),
        ("/geo/plots/?page=2&unit=x", "/geo/plots/?page=2&unit=x"),
        ("https://evil.example/", "/home/"),
        ("//evil.example/", "/home/"),
        ("/\\evil.example/", "/home/"),
        ("javascript:alert(1)", "/home/"),
        ("x", "/home/"),
        ("", "/home/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(value, expected):
    request = RequestFactory().post("/somewhere/", {"next": value})
    assert safe_next(request, "/home/") == expected


def test_safe_next_reads_the_query_string_too():
    request = RequestFactory().get("/somewhere/", {"next": "/patrols/mine/"})
    assert safe_next(request, "/home/") == "/patrols/mine/"
    request = RequestFactory().get("/somewhere/", {"next": "http://127.0.0.2:8000/"})
    assert safe_next(request, "/home/") == "/home/"
