"""The issue's key test: a paired phone goes offline, records a patrol (with a checkpoint photo)
and a finding with its photo, is reloaded mid-patrol, comes back online and syncs; the server
then holds each record exactly once, the photos with them, and the walked cell counts as covered."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from tests.conftest import sweep

from zerocrop.field.models import SyncRecord
from zerocrop.field.services_devices import device_pair, pairing_code_create
from zerocrop.findings.models import Finding
from zerocrop.org.models import AdminUnit, User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord
from zerocrop.patrols.services import cells_assign, round_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DB = "/static/field/js/db.js"
# Playwright's locale emulation makes service-worker navigations fail offline (ERR_FAILED):
# this context keeps the browser's own locale; the app is Chinese whatever it is.
PHONE = {"viewport": {"width": 390, "height": 844}, "permissions": ["geolocation"]}
FIX_EVERY_S = 1.1  # 5 m apart: a walker, not a jump the track cleaner drops as too fast


def _jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 90, 30)).save(buffer, format="JPEG")
    return {"name": f"p{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _until(page, expression: str, timeout_s: float = 20) -> object:  # noqa: ANN001
    """Poll an async page expression (wait_for_function would take its promise as truthy)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for {expression}"
            return value
        page.wait_for_timeout(300)


def _walk(page, fixes: list) -> None:  # noqa: ANN001
    for fix in fixes:
        page.context.set_geolocation({"longitude": fix.lon, "latitude": fix.lat, "accuracy": 5})
        page.wait_for_timeout(int(FIX_EVERY_S * 1000))


@pytest.fixture
def walk_setup(demo_campaign):  # noqa: ANN001, ANN201
    village = AdminUnit.objects.get(parent=demo_campaign.unit, name="毛布拉格村")
    grid = User.objects.get(username="grid")
    today = timezone.localdate()
    survey_round = round_create(
        campaign=demo_campaign,
        window=demo_campaign.critical_windows.get(species="poppy", stage="flowering"),
        name="离线踏查测试",
        units=[village],
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
    )
    cell = survey_round.cells.filter(kind="plot", unit=village).order_by("area_m2").first()
    cells_assign(cells=[cell], people=[grid.person])
    _, code = pairing_code_create(user=grid)
    _, token = device_pair(code=code, name="测试手机", user_agent="e2e")
    return survey_round, cell, token


def test_offline_patrol_and_finding_reach_the_server_once_with_coverage(
    browser,  # noqa: ANN001
    live_server,  # noqa: ANN001
    walk_setup,  # noqa: ANN001
) -> None:
    survey_round, cell, token = walk_setup
    fixes = sweep(cell.geometry)
    context = browser.new_context(**PHONE)
    context.set_geolocation({"longitude": fixes[0].lon, "latitude": fixes[0].lat, "accuracy": 5})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/field/app/#/pair")
        page.wait_for_selector(".zf-tabbar")
        page.evaluate(f"async () => (await import('{DB}')).setMeta('token', '{token}')")
        page.goto(f"{live_server.url}/field/app/#/tasks")
        page.reload()
        # Online once: the package arrives and the service worker holds the shell.
        _until(page, f"async () => Boolean(await (await import('{DB}')).getMeta('tasks'))")
        _until(page, "async () => Boolean(navigator.serviceWorker.controller)")

        context.set_offline(True)
        page.get_by_test_id("tab-patrol").click()
        page.locator("select[name=round_id]").select_option(str(survey_round.pk))
        page.get_by_test_id("patrol-start").click()
        page.wait_for_selector("[data-testid=patrol-finish]")
        half = len(fixes) // 2
        _walk(page, fixes[:half])
        page.get_by_test_id("checkpoint-input").set_input_files(files=[_jpeg(40)])
        page.wait_for_selector("[data-testid=checkpoints] figure")

        page.reload()  # offline: the shell comes from the service worker
        page.wait_for_selector("[data-testid=patrol-resumed]")
        _walk(page, fixes[half:])
        page.get_by_test_id("tab-patrol").click()
        page.get_by_text("发现种植", exact=True).click()
        page.get_by_test_id("patrol-finish").click()
        page.wait_for_selector("[data-testid=form-finding]")
        form = page.get_by_test_id("form-finding")
        form.locator("select[name=stage]").select_option("flowering")
        form.locator("select[name=setting]").select_option("courtyard")
        form.locator("input[name=plant_count]").fill("12")
        page.get_by_test_id("photos-found-input").set_input_files(files=[_jpeg(10)])
        page.wait_for_selector("[data-testid=photo-thumb]")
        page.get_by_test_id("record-submit").click()
        page.wait_for_selector("[data-testid=record-done]")
        local = page.evaluate(
            f"async () => (await (await import('{DB}')).listRecords())"
            ".map((r) => ({uuid: r.uuid, kind: r.kind, status: r.status}))"
        )
        assert sorted(r["kind"] for r in local) == ["finding", "patrol"]
        assert all(r["status"] == "queued" for r in local)
        assert not SyncRecord.objects.exists()  # nothing left the phone while offline

        context.set_offline(False)
        page.goto(f"{live_server.url}/field/app/#/outbox")
        page.get_by_test_id("outbox-sync").click()
        _until(
            page,
            f"async () => (await (await import('{DB}')).listRecords())"
            ".every((r) => r.status === 'applied')",
            timeout_s=60,
        )
    finally:
        context.close()

    by_kind = {r["kind"]: r["uuid"] for r in local}
    assert SyncRecord.objects.count() == 2
    patrol_sync = SyncRecord.objects.get(client_uuid=by_kind["patrol"])
    finding_sync = SyncRecord.objects.get(client_uuid=by_kind["finding"])
    assert patrol_sync.status == finding_sync.status == "applied"
    patrol = PatrolRecord.objects.get(pk=patrol_sync.object_id)
    assert PatrolRecord.objects.filter(round=survey_round).count() == 1
    assert patrol.created_by.username == "grid" and patrol.photos.count() == 1
    # The reload is a gap: the track has two segments, never joined across it.
    gaps = patrol_sync.payload["gaps"]
    assert [g["reason"] for g in gaps] == ["hidden"], gaps
    assert len(patrol.track["coordinates"]) == 2, (gaps, patrol.cleaning, patrol.warnings)
    finding = Finding.objects.get(pk=finding_sync.object_id)
    assert finding.plant_count == 12 and finding.photos.count() == 1
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED, (cell.state, cell.covered_fraction)
