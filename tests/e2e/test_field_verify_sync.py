"""Through the real server on a phone: a target verification recorded in the field app (属实,
photos 远景/近景/特征, two verifiers, the arrival from the phone's fix) syncs and the Target is
待审核 with its photos and arrival distance; then an eradication of an open finding from the
offline package syncs and the finding is 已铲除 with its before/after photos."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.field_helpers import ALL_APPLIED, PHONE, jpeg, open_paired, pair_token, until
from tests.findings.conftest import cadre, photo, point_in, record  # noqa: F401
from tests.monitoring.conftest import inside, make_batch, make_target, village  # noqa: F401

from zerocrop.field.models import SyncRecord
from zerocrop.findings.choices import FindingStatus
from zerocrop.findings.models import Finding
from zerocrop.org.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tick(form: Any, name: str, value: str) -> None:
    """A radio or checkbox of the app's big choice rows, by its value (the label is tapped)."""
    box = form.locator(f"input[name={name}][value='{value}']")
    form.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def _submit_and_sync(page: Any) -> None:
    page.get_by_test_id("record-submit").click()
    page.wait_for_selector("[data-testid=record-done]")
    until(page, ALL_APPLIED, timeout_s=45)


def test_a_verification_and_an_eradication_from_the_app_reach_the_server(
    browser: Any,
    live_server: Any,
    make_target: Any,  # noqa: F811
    record: Any,  # noqa: F811
) -> None:
    target = make_target()
    finding = record()
    wang = Person.objects.get(name="王鸣山")  # the cadre's own person, a village cadre
    gao = Person.objects.get(name="高志刚")
    token = pair_token("cadre")
    context = browser.new_context(**PHONE)
    # The phone stands 20 m east of the target.
    east = target.lon + 20 / 88_000
    context.set_geolocation({"longitude": east, "latitude": target.lat, "accuracy": 6})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_paired(page, live_server.url, token)

        page.goto(f"{live_server.url}/field/app/#/record/target_verification?target={target.pk}")
        form = page.get_by_test_id("form-target_verification")
        form.wait_for()
        _tick(form, "result", "true")
        # The worker (王鸣山, logged in as cadre) is preselected as the first verifier.
        assert form.locator(f"input[name=verifiers][value='{wang.pk}']").is_checked()
        _tick(form, "verifiers", str(gao.pk))
        page.wait_for_selector("[data-testid=arrival-distance]:has-text('距靶点约')")
        form.locator("input[name=plant_count]").fill("40")
        form.locator("input[name=found_area_m2]").fill("12")
        form.locator("select[name=species]").select_option("poppy")
        form.locator("select[name=stage]").select_option("flowering")
        form.locator("select[name=setting]").select_option("courtyard")
        page.get_by_test_id("photos-far-input").set_input_files(files=[jpeg(10)])
        page.get_by_test_id("photos-near-input").set_input_files(files=[jpeg(20)])
        page.get_by_test_id("photos-feature-input").set_input_files(files=[jpeg(30)])
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=photo-thumb]').length === 3"
        )
        _submit_and_sync(page)

        page.goto(f"{live_server.url}/field/app/#/record/eradication?finding_id={finding.pk}")
        form = page.get_by_test_id("form-eradication")
        form.wait_for()
        assert form.locator("select[name=finding]").input_value() == f"id:{finding.pk}"
        _tick(form, "witnesses", str(wang.pk))
        form.locator("input[name=plants_destroyed]").fill("12")
        form.locator("input[name=destruction]").fill("就地焚烧")
        page.get_by_test_id("photos-before-input").set_input_files(files=[jpeg(50)])
        page.get_by_test_id("photos-after-input").set_input_files(files=[jpeg(60)])
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=photo-thumb]').length === 2"
        )
        _submit_and_sync(page)
        # The outbox shows both with the server's receipt.
        page.get_by_test_id("tab-outbox").click()
        page.get_by_test_id("outbox-applied").nth(1).wait_for()  # the outbox renders after a read
        assert page.get_by_test_id("outbox-applied").count() == 2
    finally:
        context.close()

    assert SyncRecord.objects.filter(status="applied").count() == SyncRecord.objects.count() == 2
    target.refresh_from_db()
    assert target.status == "submitted" and target.get_status_display() == "待审核"
    assert sorted(p.role for p in target.photos.all()) == ["far", "feature", "near"]
    assert target.arrival_source == "phone"
    assert 15 <= target.distance_m <= 25, target.distance_m
    assert set(target.verifiers.all()) == {wang, gao}
    finding = Finding.objects.get(pk=finding.pk)
    assert finding.status == FindingStatus.ERADICATED
    eradication = finding.eradications.get()
    assert eradication.plants_destroyed == 12 and eradication.photos.count() == 2
    assert set(eradication.witnesses.all()) == {wang}
