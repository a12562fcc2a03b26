"""The monitoring indicators page on a phone (390x844): each row a card, nothing off-screen."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from shapely.geometry import shape

from zerocrop.core.clock import today
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import Plot
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.org.models import AdminUnit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _targets(campaign) -> None:
    from django.utils import timezone

    TargetBatch.objects.update(voided_at=timezone.now())  # the demo's batch: counts are ours
    village = AdminUnit.objects.get(name="毛布拉格村")
    point = shape(Plot.objects.filter(unit=village).first().geometry).representative_point()
    source = evidence_store(
        file="靶点编号,经度,纬度\nP1,0,0\n".encode(),
        kind=EvidenceKind.TARGET_FILE,
        actor=None,
        original_name="batch.csv",
    )
    batch = TargetBatch.objects.create(
        unit=campaign.unit,
        campaign=campaign,
        name="手机测试批次",
        issuer="县禁毒办",
        issued_on=today() - timedelta(days=9),
        due_on=today() - timedelta(days=1),
        source_file=source,
        file_format="csv",
        fingerprint=hashlib.sha256(b"P1\nP2").hexdigest(),
    )
    for code, status, result in [("P1", "approved", "true"), ("P2", "pending", "")]:
        Target.objects.create(
            batch=batch,
            unit=village,
            code=code,
            lon=point.x,
            lat=point.y,
            issued_on=batch.issued_on,
            due_on=batch.due_on,
            status=status,
            result=result,
            **located_fields(point),
        )


def test_kpis_page_is_cards_on_a_phone(logged_in, live_server, demo_campaign) -> None:
    _targets(demo_campaign)
    page = logged_in("admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/monitoring/kpis/")
    cell = page.locator("[data-testid=kpi-table-unit] tbody td").first
    assert page.evaluate("(e) => getComputedStyle(e).display", cell.element_handle()) != (
        "table-cell"
    )
    row = page.locator('[data-testid=kpi-table-unit] [data-label="毛布拉格村"]').first
    assert row.is_visible()
    assert "50.0%" in row.inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    page.screenshot(path="/tmp/target-kpis-phone.png", full_page=True)
