"""The finding page in the browser: each photo shows the camera's claim next to the server's
receipt, with the flags, and the evidence package downloads and verifies; desktop and phone."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from shapely.geometry import mapping, shape

from zerocrop.core.evidence_verify import verify_package
from zerocrop.findings import services
from zerocrop.geo.models import UnitBoundary
from zerocrop.org.models import AdminUnit, User

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def exif_jpeg(*, lon: float, lat: float) -> bytes:
    taken = timezone.localtime() - timedelta(days=3, hours=1)
    exif = Image.Exif()
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {1: "N", 2: (lat, 0.0, 0.0), 3: "E", 4: (lon, 0.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 140, 60)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_finding_page_shows_claim_and_receipt(
    logged_in, live_server, demo_campaign, viewport, tmp_path
) -> None:
    village = AdminUnit.objects.get(name="毛布拉格村")
    point = shape(UnitBoundary.objects.filter(unit=village).first().geometry).representative_point()
    cadre = User.objects.get(username="cadre")
    finding = services.finding_record(
        unit=village,
        geometry=mapping(point),
        species="poppy",
        stage="flowering",
        setting="courtyard",
        source="patrol",
        found_at=timezone.now() - timedelta(hours=2),
        found_by=[cadre.person],
        plant_count=12,
        campaign=demo_campaign,
        photos=[("远处.jpg", exif_jpeg(lon=point.x, lat=point.y + 2400 / 111_195))],
        actor=cadre,
    )
    page = logged_in("cadre")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    claim = page.get_by_test_id("photo-claim")
    assert claim.is_visible()
    assert "相机声称拍摄" in claim.inner_text() and "服务器收到" in claim.inner_text()
    flags = page.get_by_test_id("claim-flag").all_inner_texts()
    assert any("拍摄时间与上传时间相差 3 天" in f for f in flags)
    assert any("拍摄位置距发现点 2.4 公里" in f for f in flags)
    # The preview is loading="lazy": below the fold on a phone it loads only once scrolled to.
    page.locator("[data-testid=finding-photo] img").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-testid=finding-photo] img');"
        " return img.complete && img.naturalWidth > 0; }",
        timeout=10_000,
    )
    box = claim.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    page.screenshot(path=str(tmp_path / "finding.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("evidence-package").click()
    path = tmp_path / "package.zip"
    info.value.save_as(path)
    assert verify_package(path).ok
