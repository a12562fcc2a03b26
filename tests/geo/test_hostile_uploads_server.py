"""Issue 7 "done when": eight hostile GeoPackages sent at once leave /healthz answering.

A real gunicorn (as `make run`: 2 workers × 4 threads) gets eight 98 KB GeoPackages whose
system table is a view over an endless recursive query, all at once: half through the geo
import (town admin), half as patrol tracks (grid worker).
Before the fix each one spun a request thread forever and the site stopped answering.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.gunicorn_server import Client, Response, gunicorn_server
from support.hostile_files import GPKG_SYSTEM_TABLES, endless_view_gpkg

pytestmark = pytest.mark.server

HEALTH_SECONDS = 2.0
UPLOADS = 8
REFUSALS = ("系统表", "服务器正忙，请稍后重试")


def _poll_health(client: Client, stop: threading.Event, answers: list[Response]) -> None:
    while not stop.is_set():
        try:
            answers.append(client.get("/healthz", timeout_s=HEALTH_SECONDS + 3))
        except OSError as exc:  # a timeout or a refused connection is a failed check
            answers.append(Response(0, repr(exc), HEALTH_SECONDS + 3))
        time.sleep(0.1)


def _first_choice(html: str, field: str) -> str:
    select = re.search(rf'name="{field}"[^>]*>(.*?)</select>', html, re.S)
    scope = select.group(1) if select else html
    pattern = r'<option value="([^"]+)"' if select else rf'name="{field}"[^>]*value="([^"]+)"'
    found = re.search(pattern, scope)
    assert found, f"no choice for {field}"
    return found.group(1)


def _patrol_form(grid: Client) -> tuple[str, dict[str, str]]:
    """The grid worker's patrol form on the demo round: its URL and valid field values."""
    rounds = grid.get("/patrols/rounds/")
    round_id = re.search(r"/patrols/rounds/([0-9a-f-]{36})/", rounds.body)
    assert round_id, rounds.body[:500]
    path = f"/patrols/rounds/{round_id.group(1)}/patrols/new/"
    page = grid.get(path)
    assert page.status == 200, page.status
    fields = {
        "unit": _first_choice(page.body, "unit"),
        "people": _first_choice(page.body, "people"),
        "result": "nothing",
        "started_at": "2022-07-01T08:00",
        "ended_at": "2022-07-01T09:00",
    }
    return path, fields


def test_eight_hostile_geopackages_at_once_leave_the_site_answering() -> None:
    files = [endless_view_gpkg(GPKG_SYSTEM_TABLES[i % 2]) for i in range(UPLOADS)]
    with gunicorn_server() as server:
        # One session per role for all uploads: each login costs a password hash.
        admin = server.client()
        admin.login("admin")
        grid = server.client()
        grid.login("grid")
        patrol_path, patrol_fields = _patrol_form(grid)

        def send(n: int) -> Response:
            name = f"轨迹{n}.gpkg"
            if n % 2:  # half as patrol tracks by the grid worker, half through the geo import
                return grid.post(patrol_path, patrol_fields, {"track": (name, files[n])})
            return admin.post("/geo/import/", {"crs": "auto"}, {"file": (name, files[n])})

        answers: list[Response] = []
        stop = threading.Event()
        watcher = threading.Thread(
            target=_poll_health, args=(server.client(), stop, answers), daemon=True
        )
        watcher.start()
        started = time.perf_counter()
        try:
            with ThreadPoolExecutor(UPLOADS) as pool:
                results = list(pool.map(send, range(UPLOADS)))
            time.sleep(1.0)  # keep watching a little after the uploads came back
        finally:
            stop.set()
            watcher.join(timeout=10)
        elapsed = time.perf_counter() - started

        statuses = [r.status for r in results]
        assert all(status < 500 for status in statuses), statuses
        for result in results:
            assert any(text in result.body for text in REFUSALS), result.body[:2000]
        assert elapsed < 20, elapsed
        assert len(answers) >= 5
        slow = [(a.status, round(a.seconds, 2)) for a in answers]
        assert all(a.status == 200 and a.seconds < HEALTH_SECONDS for a in answers), slow

        # Afterwards the server still serves pages, and no staged file is left behind.
        page = admin.get("/geo/import/")
        assert page.status == 200 and "导入" in page.body
        assert admin.get("/campaigns/").status == 200
        assert grid.get(patrol_path).status == 200
        upload_dir = server.data_dir / "uploads"
        assert not upload_dir.exists() or [p for p in upload_dir.rglob("*") if p.is_file()] == []
