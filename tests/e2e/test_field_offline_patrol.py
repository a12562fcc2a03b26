"""The issue's key test: a paired phone goes offline, records a patrol (with a checkpoint photo)
and a finding with its photo, is reloaded mid-patrol, comes back online and syncs; the server
then holds each record exactly once, the photos with them, and the walked cell counts as covered."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from tests.conftest import sweep
from tests.e2e.field_helpers import (
    ALL_APPLIED,
    DB,
    PHONE,
    jpeg,
    open_paired,
    pair_token,
    until,
    walk,
)

from zerocrop.field.models import SyncRecord
from zerocrop.findings.models import Finding
from zerocrop.org.models import AdminUnit, User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolRecord
from zerocrop.patrols.services import cells_assign, round_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
    return survey_round, cell, pair_token("grid")


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
        # Online once: the package arrives and the service worker holds the shell.
        open_paired(page, live_server.url, token)

        context.set_offline(True)
        page.get_by_test_id("tab-patrol").click()
        page.locator("select[name=round_id]").select_option(str(survey_round.pk))
        page.get_by_test_id("patrol-start").click()
        page.wait_for_selector("[data-testid=patrol-finish]")
        half = len(fixes) // 2
        walk(page, fixes[:half])
        page.get_by_test_id("checkpoint-input").set_input_files(files=[jpeg(40)])
        page.wait_for_selector("[data-testid=checkpoints] figure")

        page.reload()  # offline: the shell comes from the service worker
        page.wait_for_selector("[data-testid=patrol-resumed]")
        walk(page, fixes[half:])
        page.get_by_test_id("tab-patrol").click()
        page.get_by_text("发现种植", exact=True).click()
        page.get_by_test_id("patrol-finish").click()
        page.wait_for_selector("[data-testid=form-finding]")
        form = page.get_by_test_id("form-finding")
        form.locator("select[name=stage]").select_option("flowering")
        form.locator("select[name=setting]").select_option("courtyard")
        form.locator("input[name=plant_count]").fill("12")
        page.get_by_test_id("photos-found-input").set_input_files(files=[jpeg(10)])
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

        # Back online: the app sends on its own (the online event cancels the offline backoff),
        # no tap, no reload; the outbox tab is a same-page route change.
        page.evaluate("window.__online = 0; addEventListener('online', () => window.__online++)")
        context.set_offline(False)
        page.get_by_test_id("tab-outbox").click()
        until(page, ALL_APPLIED, timeout_s=15)
        assert page.evaluate("window.__online") >= 1  # Playwright's set_offline fires it
        # A tap on 立即同步 afterwards still runs a sync to its end.
        last = f"async () => (await import('{DB}')).getMeta('lastSyncAt')"
        before = page.evaluate(last)
        page.wait_for_timeout(1100)
        page.get_by_test_id("outbox-sync").click()
        until(page, f"async () => (await ({last})()) !== {json.dumps(before)}")
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
