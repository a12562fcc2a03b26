"""The field app's screens on a 390x844 phone with emulated geolocation: the tasks list from a
seeded offline package, a patrol whose every fix lands in IndexedDB (surviving a reload, with
hidden periods as gaps), and a finding form that autosaves a draft and queues it with its photo."""

from __future__ import annotations

import datetime
import io
import re
import time

import pytest
from PIL import Image

from zerocrop.core.clock import today
from zerocrop.monitoring.models import Target
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import TaskCell

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
VILLAGE = "毛布拉格村"
DB = "/static/field/js/db.js"


def _round(survey_round: object, village: AdminUnit) -> dict:
    return {"id": str(survey_round.pk), "name": survey_round.name, "unit_ids": [str(village.pk)]}


def _feature(pk: object, geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "id": str(pk), "geometry": geometry, "properties": properties}


def _package(village: AdminUnit) -> dict:
    """The shape of GET /sync/tasks (docs/field-sync.md), built from the demo town's rows."""
    targets = [
        _feature(
            t.pk,
            t.geometry,
            {
                "code": t.code,
                "due_on": str(t.due_on),
                "days_left": (t.due_on - today()).days,
                "overdue": t.due_on < today(),
                "unit_id": str(village.pk),
                "unit": village.name,
                "status": t.status,
                "status_label": t.get_status_display(),
            },
        )
        for t in Target.objects.filter(unit=village)
    ]
    cells = list(TaskCell.objects.filter(unit=village).select_related("round"))
    rounds = {str(c.round_id): _round(c.round, village) for c in cells}
    features = [
        _feature(
            c.pk,
            c.geometry,
            {
                "round_id": str(c.round_id),
                "round": c.round.name,
                "unit_id": str(village.pk),
                "unit": village.name,
                "label": c.code,
                "kind": c.kind,
                "state": c.state,
                "state_label": c.get_state_display(),
            },
        )
        for c in cells
    ]
    empty = {"type": "FeatureCollection", "features": []}
    return {
        "generated_at": datetime.datetime(2022, 7, 10, 8, tzinfo=datetime.UTC).isoformat(),
        "schema": 2,
        "cells": {"type": "FeatureCollection", "features": features},
        "plots": empty,
        "targets": {"type": "FeatureCollection", "features": targets},
        "findings": empty,
        "rounds": list(rounds.values()),
        "choices": {},
    }


def _me(village: AdminUnit) -> dict:
    people = [{"id": str(p.pk), "name": p.name} for p in Person.objects.filter(unit=village)]
    return {
        "user": {"id": 0, "username": "grid", "name": "高志刚", "role": "grid_worker"}
        | {"unit": {"id": str(village.pk), "name": village.name}},
        "device": {"id": "test", "name": "测试手机"},
        "people": people,
    }


def _jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 90, 30)).save(buffer, format="JPEG")
    return {"name": f"p{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def phone(browser, live_server, demo_campaign):  # noqa: ANN001, ANN201
    """The field app open on a phone, paired (a token in meta) with the grid worker's package."""
    village = AdminUnit.objects.get(name=VILLAGE)
    target = Target.objects.filter(unit=village).first()
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"longitude": target.lon, "latitude": target.lat, "accuracy": 8})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/field/app/#/pair")
    page.wait_for_selector(".zf-tabbar")
    page.evaluate(
        """async ([url, me, pkg]) => {
          const m = await import(url);
          await m.setMeta('token', 'e2e-token');
          await m.setMeta('me', me);
          await m.setMeta('tasks', pkg);
        }""",
        [DB, _me(village), _package(village)],
    )
    page.goto(f"{live_server.url}/field/app/#/tasks")
    page.reload()
    page.wait_for_selector("[data-testid=tasks-targets]")
    page.target = target
    yield page
    context.close()


def _db(page, expression: str):  # noqa: ANN001, ANN202
    return page.evaluate(f"async () => {{ const m = await import('{DB}'); return {expression}; }}")


def _wait_record(page, uuid: str, condition: str, timeout_s: float = 15) -> None:  # noqa: ANN001
    """Poll the stored record (wait_for_function takes an async predicate's promise as true)."""
    expression = (
        f"async () => {{ const r = await (await import('{DB}')).getRecord('{uuid}'); "
        f"return Boolean({condition}); }}"
    )
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        page.wait_for_timeout(200)


def _visibility(page, state: str) -> None:  # noqa: ANN001
    """As when the screen locks or the worker switches app (Playwright's page stays visible)."""
    page.evaluate(
        """(state) => {
          Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
          document.dispatchEvent(new Event('visibilitychange'));
        }""",
        state,
    )


def _move(page, target: Target, step: int, accuracy: float = 8) -> None:  # noqa: ANN001
    page.context.set_geolocation(
        {"longitude": target.lon + step * 0.0002, "latitude": target.lat, "accuracy": accuracy}
    )


def _wait_fixes(page, count: int) -> None:  # noqa: ANN001
    page.wait_for_function(
        "(n) => Number(document.querySelector('[data-screen=patrol]')?.dataset.fixes) >= n",
        arg=count,
    )


def test_tasks_list_shows_the_grid_workers_targets_and_cells(phone) -> None:  # noqa: ANN001
    village = AdminUnit.objects.get(name=VILLAGE)
    targets = phone.get_by_test_id("task-target")
    assert targets.count() == Target.objects.filter(unit=village, status="pending").count() >= 1
    assert phone.target.code in targets.first.inner_text()
    days = (phone.target.due_on - today()).days
    due = f"剩 {days} 天" if days > 0 else f"已超期 {-days} 天" if days < 0 else "今天截止"
    assert due in targets.first.inner_text()
    open_cells = TaskCell.objects.filter(unit=village).exclude(state__in=["surveyed", "validated"])
    assert phone.get_by_test_id("task-cell").count() == open_cells.count() > 0
    # The position is known: the target row shows its distance (the phone stands on it).
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=task-target] .zf-dist').textContent === '0 米'"
    )
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    # The detail navigates: distance and bearing live (the phone moved east: go west), and a
    # 高德 link in GCJ-02 (shifted from WGS84).
    targets.first.click()
    phone.wait_for_url(re.compile(r".*#/target/"))
    _move(phone, phone.target, 5)
    phone.wait_for_function(
        "() => /西方向 \\d+ 米/"
        ".test(document.querySelector('[data-testid=nav-distance]').textContent)"
    )
    amap = phone.get_by_test_id("nav-amap").get_attribute("href")
    lon = float(re.search(r"position=([\d.]+),", amap).group(1))
    assert 0.003 < lon - phone.target.lon < 0.01
    assert phone.get_by_test_id("start-verify").is_visible()


def test_a_patrol_writes_every_fix_survives_a_reload_and_records_hidden_time_as_a_gap(
    phone,  # noqa: ANN001
) -> None:
    target = phone.target
    phone.get_by_test_id("tab-patrol").click()
    assert "锁屏后网页无法记录轨迹" in phone.get_by_test_id("lock-warning").inner_text()
    phone.get_by_test_id("patrol-start").click()
    phone.wait_for_selector("[data-testid=patrol-finish]")
    for step in range(1, 4):
        _move(phone, target, step)
        phone.wait_for_timeout(300)
    _move(phone, target, 4, accuracy=500)  # too imprecise: dropped, not stored
    phone.wait_for_timeout(300)
    _wait_fixes(phone, 3)
    uuid = phone.get_by_test_id("patrol-finish").evaluate(
        "(b) => b.closest('[data-screen]').dataset.patrol"
    )
    stored = _db(phone, f"m.patrolFixes('{uuid}')")
    assert len(stored) >= 3
    assert all(f["acc"] <= 100 for f in stored)
    assert "已舍弃 1 个" in phone.get_by_test_id("patrol-fix").inner_text()

    # A reload mid-patrol: the patrol goes on, the time the page was gone is a gap.
    phone.reload()
    phone.wait_for_selector("[data-testid=patrol-resumed]")
    _move(phone, target, 5)
    phone.wait_for_timeout(300)
    _move(phone, target, 6)
    phone.get_by_test_id("tab-patrol").click()
    _wait_fixes(phone, len(stored) + 1)
    gaps = _db(phone, f"m.patrolGaps('{uuid}')")
    assert [g["reason"] for g in gaps] == ["hidden"]

    # The page hidden (screen locked): fixes stop; the first one after it closes a gap.
    _visibility(phone, "hidden")
    before = len(_db(phone, f"m.patrolFixes('{uuid}')"))
    _move(phone, target, 7)
    phone.wait_for_timeout(500)
    assert len(_db(phone, f"m.patrolFixes('{uuid}')")) == before  # nothing stored while hidden
    _visibility(phone, "visible")
    _move(phone, target, 8)
    _wait_fixes(phone, before + 1)
    gaps = _db(phone, f"m.patrolGaps('{uuid}')")
    assert [g["reason"] for g in gaps] == ["hidden", "hidden"]
    assert gaps[1]["from"] < gaps[1]["to"]
    assert phone.get_by_test_id("patrol-gaps").inner_text() == "2 次"

    # A checkpoint: a photo with the current fix.
    phone.get_by_test_id("checkpoint-input").set_input_files(files=[_jpeg(40)])
    phone.wait_for_selector("[data-testid=checkpoints] figure")

    phone.get_by_text("未发现", exact=True).click()
    phone.get_by_test_id("patrol-finish").click()
    phone.wait_for_selector("[data-testid=patrol-done]")
    record = _db(phone, f"m.getRecord('{uuid}')")
    assert record["kind"] == "patrol" and record["status"] != "draft"
    payload = record["payload"]
    assert len(payload["fixes"]) == before + 1
    assert [g["reason"] for g in payload["gaps"]] == ["hidden", "hidden"]
    assert len(payload["checkpoints"]) == 1
    assert payload["checkpoints"][0]["photo"] == record["files"][0]["sha256"]
    assert _db(phone, "m.patrolActive()") is None


def test_the_finding_form_autosaves_a_draft_and_finalise_queues_it_with_its_photo(
    phone,  # noqa: ANN001
) -> None:
    phone.get_by_test_id("tab-record").click()
    phone.get_by_test_id("new-finding").click()
    form = phone.get_by_test_id("form-finding")
    form.locator("select[name=stage]").select_option("flowering")
    phone.wait_for_url(re.compile(r".*#/record/finding/[0-9a-f-]{36}"))
    uuid = phone.url.rsplit("/", 1)[1]
    _wait_record(phone, uuid, "r?.payload.stage === 'flowering'")
    form.locator("input[name=plant_count]").fill("12")
    phone.get_by_test_id("photos-found-input").set_input_files(files=[_jpeg(10)])
    phone.wait_for_selector("[data-testid=photo-thumb]")
    short = phone.get_by_test_id("photo-thumb").locator(".zf-hash").inner_text()
    _wait_record(phone, uuid, "r?.files.length === 1")
    draft = _db(phone, f"m.getRecord('{uuid}')")
    assert draft["status"] == "draft" and draft["payload"]["plant_count"] == 12
    assert short == "#" + draft["files"][0]["sha256"][:8]

    # A reload resumes the draft with its photo.
    phone.reload()
    phone.wait_for_selector("[data-testid=photo-thumb]")
    count = phone.get_by_test_id("form-finding").locator("input[name=plant_count]")
    assert count.input_value() == "12"

    # 完成并提交 checks first: the setting is missing, nothing is queued.
    phone.get_by_test_id("record-submit").click()
    assert "请选择种植场所" in phone.locator(".zf-field[data-field=setting]").inner_text()
    assert _db(phone, f"m.getRecord('{uuid}')")["status"] == "draft"
    phone.get_by_test_id("form-finding").locator("select[name=setting]").select_option("courtyard")
    phone.get_by_test_id("record-submit").click()
    phone.wait_for_selector("[data-testid=record-done]")
    record = _db(phone, f"m.getRecord('{uuid}')")
    assert record["status"] != "draft"
    assert record["payload"]["setting"] == "courtyard" and record["payload"]["lon"] is not None
    sha = record["files"][0]["sha256"]
    assert _db(phone, f"m.db.blobs.get('{sha}').then((b) => b && b.size)") > 0
    assert _db(phone, "m.listRecords({status: 'draft'})") == []


def _reseed(page, me: dict, pkg: dict) -> None:  # noqa: ANN001
    page.evaluate(
        "async ([url, me, pkg]) => { const m = await import(url); await m.setMeta('me', me);"
        " await m.setMeta('tasks', pkg); }",
        [DB, me, pkg],
    )
    page.reload()


def test_an_empty_package_says_there_is_nothing_today(phone) -> None:  # noqa: ANN001
    village = AdminUnit.objects.get(name=VILLAGE)
    empty = {"type": "FeatureCollection", "features": []}
    _reseed(phone, _me(village), {**_package(village), "cells": empty, "targets": empty})
    phone.wait_for_selector("[data-testid=tasks-none]")
    assert "今天没有任务" in phone.get_by_test_id("tasks-none").inner_text()
    assert "没有待核查的靶点" in phone.get_by_test_id("tasks-targets").inner_text()


def test_a_police_officer_is_offered_targets_only(phone) -> None:  # noqa: ANN001
    village = AdminUnit.objects.get(name=VILLAGE)
    me = _me(village)
    me["user"] = {**me["user"], "username": "police", "role": "police"}
    _reseed(phone, me, _package(village))
    phone.wait_for_selector("[data-testid=task-target]")
    assert phone.get_by_test_id("tasks-cells").count() == 0
    assert phone.get_by_test_id("tasks-findings").count() == 0
    for screen in ("patrol", "record", "record/finding"):
        phone.evaluate(f"window.location.hash = '#/{screen}'")
        phone.wait_for_selector("[data-testid=targets-only]")
        assert phone.get_by_test_id("patrol-start").count() == 0
        assert phone.get_by_test_id("new-finding").count() == 0
        assert phone.get_by_test_id("form-finding").count() == 0


def test_a_refused_record_is_corrected_and_sent_again(phone) -> None:  # noqa: ANN001
    village = AdminUnit.objects.get(name=VILLAGE)
    payload = {
        "unit_id": str(village.pk),
        "species": "poppy",
        "stage": "flowering",
        "setting": "courtyard",
        "plant_count": 12,
        "area_m2": 30,
        "lon": phone.target.lon,
        "lat": phone.target.lat,
        "acc": 8,
        "crs": "wgs84",
        "found_by": [str(Person.objects.filter(unit=village).first().pk)],
        "place": "旧地点",
    }
    uuid = phone.evaluate(
        """async ([url, payload]) => {
          const m = await import(url);
          const id = m.uuid();
          const blob = new Blob(['jpeg bytes'], {type: 'image/jpeg'});
          const photos = [{blob, name: 'a.jpg', role: 'found', type: 'image/jpeg'}];
          await m.saveDraft({uuid: id, kind: 'finding', payload, photos});
          await m.db.records.update(id, {status: 'rejected', error: '发现人不在本村'});
          return id;
        }""",
        [DB, payload],
    )
    phone.evaluate(f"window.location.hash = '#/record/finding/{uuid}'")
    phone.wait_for_selector("[data-testid=record-rejected]")
    assert "发现人不在本村" in phone.get_by_test_id("record-rejected").inner_text()
    form = phone.get_by_test_id("form-finding")
    form.locator("input[name=place]").fill("房后菜地")
    phone.get_by_test_id("record-submit").click()
    phone.wait_for_url(re.compile(r".*#/outbox"))
    _wait_record(phone, uuid, "r.status !== 'rejected' && r.payload.place === '房后菜地'")
