"""The one export response: audited, named with an ASCII fallback, never cached."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.test import RequestFactory

from zerocrop.core.audit import audit_verify
from zerocrop.core.downloads import Download, ascii_fallback, download_response, export_response
from zerocrop.core.models import AuditEvent
from zerocrop.org.models import User

pytestmark = pytest.mark.django_db

NAME = "毛布拉格村地块台账_2022年5月25日.xlsx"


def request_as(username: str, query: str = "format=xlsx&kind=historical"):
    request = RequestFactory().get(f"/anything/?{query}")
    request.user = User.objects.get(username=username)
    return request


def test_export_response_audits_names_and_forbids_caching(demo_campaign) -> None:
    before = AuditEvent.objects.count()
    response = export_response(
        request_as("cadre"),
        data=b"PK\x03\x04",
        filename=NAME,
        content_type="application/vnd.ms-excel",
        file_format="xlsx",
        count=7,
    )
    assert response.content == b"PK\x03\x04"
    assert response["Content-Type"] == "application/vnd.ms-excel"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert fallback.isascii() and fallback.endswith(".xlsx")
    assert unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)) == NAME

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_id, event.object_repr) == ("export", "xlsx", NAME)
    assert event.actor.username == "cadre"
    assert event.after == {"count": 7, "query": "format=xlsx&kind=historical"}
    assert audit_verify()[1] is None


def test_a_download_names_its_own_fallback_and_audit_label(demo_campaign) -> None:
    download = Download(
        data=b"{}",
        filename="无定河镇地块_2022年5月25日.geojson",
        content_type="application/geo+json",
        file_format="geojson",
        count=0,
        what="地块（GeoJSON）",
        ascii_name="zerocrop-plots-2022-05-25.geojson",
    )
    response = download_response(request_as("admin", "format=geojson"), download)
    assert 'filename="zerocrop-plots-2022-05-25.geojson"' in response["Content-Disposition"]
    assert AuditEvent.objects.order_by("-seq").first().object_repr == "地块（GeoJSON）"


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("台账.xlsx", "evidence.xlsx"),
        ('a"b;c\\d.kml', "a_b_c_d.kml"),
        ("plots 2022.geojson", "plots 2022.geojson"),
        ("无扩展名", "evidence"),
    ],
)
def test_ascii_fallback(name: str, fallback: str) -> None:
    assert ascii_fallback(name) == fallback
