"""Issue 7 "done when": eight hostile GeoPackages sent at once leave /healthz answering.

A real gunicorn (as `make run`: 2 workers × 4 threads) gets eight 98 KB GeoPackages whose
system table is a view over an endless recursive query, all at once, through the geo import.
Before the fix each one spun a request thread forever and the site stopped answering.
"""

from __future__ import annotations

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


def test_eight_hostile_geopackages_at_once_leave_the_site_answering() -> None:
    files = [endless_view_gpkg(GPKG_SYSTEM_TABLES[i % 2]) for i in range(UPLOADS)]
    with gunicorn_server() as server:
        admin = server.client()
        admin.login("admin")  # one session for all eight: each login costs a password hash
        answers: list[Response] = []
        stop = threading.Event()
        watcher = threading.Thread(
            target=_poll_health, args=(server.client(), stop, answers), daemon=True
        )
        watcher.start()
        started = time.perf_counter()
        try:
            with ThreadPoolExecutor(UPLOADS) as pool:
                results = list(
                    pool.map(
                        lambda n: admin.post(
                            "/geo/import/",
                            {"crs": "auto"},
                            {"file": (f"轨迹{n}.gpkg", files[n])},
                            timeout_s=30,
                        ),
                        range(UPLOADS),
                    )
                )
            time.sleep(1.0)  # keep watching a little after the uploads came back
        finally:
            stop.set()
            watcher.join(timeout=10)
        elapsed = time.perf_counter() - started

        assert [r.status for r in results] == [400] * UPLOADS, [r.body[:300] for r in results]
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
        upload_dir = server.data_dir / "uploads"
        assert not upload_dir.exists() or list(upload_dir.iterdir()) == []
