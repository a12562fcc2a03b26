"""The evidence package in the browser: the button on the patrol record and on the pledge list
downloads a ZIP that the standalone verifier accepts, on a desktop and on a phone."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta

import pytest
from django.utils import timezone
from PIL import Image

from zerocrop.campaigns.services import pledge_register
from zerocrop.core.evidence_verify import verify_package
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.services import patrol_record_create

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def noise(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (24, 16), os.urandom(24 * 16 * 3)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_record_and_pledge_buttons_download_packages_that_verify(
    logged_in, live_server, demo_campaign, viewport, tmp_path
) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    now = timezone.now()
    record = patrol_record_create(
        unit=village,
        people=[Person.objects.get(name="高志刚", unit=village)],
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        photos=[("现场.jpg", noise("JPEG"))],
    )
    pledge = pledge_register(
        campaign=demo_campaign,
        kind="household",
        unit=village,
        signer="王二",
        signed_on=date(2022, 5, 3),
        scan_name="王二 责任状.png",
        scan_file=noise("PNG"),
    )
    page = logged_in("cadre")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/patrols/records/{record.pk}/")
    button = page.get_by_test_id("evidence-package")
    assert button.is_visible()
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / "patrol.zip"
    info.value.save_as(saved)
    assert info.value.suggested_filename.startswith("证据包_踏查记录")
    assert verify_package(saved).ok
    page.goto(f"{live_server.url}/campaigns/{demo_campaign.pk}/pledges/")
    link = page.locator(f'a[href^="/evidence/package/pledge/{pledge.pk}/"]')
    assert link.is_visible()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "pledge.zip"
    info.value.save_as(saved)
    report = verify_package(saved)
    assert report.ok and report.checked == 5  # the scan and the four package files
    assert [f["evidence_id"] for f in report.manifest["files"]] == [str(pledge.scan_id)]
