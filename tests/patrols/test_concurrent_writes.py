"""20 clients writing while the largest allowed round is created see no 5xx, and every write
they were told succeeded is stored.

Against a real server — gunicorn with two workers of four threads on a file SQLite database in
WAL mode, as `make run` serves — because the in-memory test database has no lock to wait for.
"""

from __future__ import annotations

import http.cookiejar
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box, mapping, shape

from support.gunicorn_server import DEMO_PASSWORD as PASSWORD
from support.gunicorn_server import gunicorn_server
from zerocrop.patrols.cells import MAX_CELLS_PER_ROUND

# 36 m cells over the whole demo town give ~19 200 tasks: the largest round under the cap.
LARGEST_CELL_M = 36
BUDGET_S = 85  # the load phase; the server's setup (migrate, load-demo) comes before

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Path]]:
    """The demo site served by gunicorn on 127.0.0.1 as `make run` serves it (time-bounded)."""
    with gunicorn_server() as running:
        yield running.base_url, running.data_dir / "zerocrop.sqlite3"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that reports every status it sees."""

    def __init__(self, base: str, statuses: list[tuple[str, int]]) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.statuses = statuses

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: Any = None, *, as_json: bool = False) -> Any:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.base + "/"}
        body = None
        if as_json:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        elif data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, True)
            body = body.encode()
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path, data=body, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, content = exc.code, exc.read()
        self.statuses.append((f"{method} {path.split('?')[0]}", status))
        return status, content

    def login(self, username: str) -> int:
        self.request("GET", "/login/")
        status, _ = self.request("POST", "/login/", {"username": username, "password": PASSWORD})
        return status


def _query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def test_writers_see_no_server_error_while_the_largest_round_is_created(server) -> None:
    base, db = server
    started = time.monotonic()
    statuses: list[tuple[str, int]] = []
    errors: list[str] = []
    done = threading.Event()
    campaign_id = _query(db, "SELECT id FROM campaigns_campaign")[0][0]
    window_id = _query(
        db,
        "SELECT id FROM campaigns_criticalwindow WHERE campaign_id = ? ORDER BY starts_on",
        campaign_id,
    )[0][0]
    units = _query(
        db,
        "SELECT id, name FROM org_adminunit WHERE level IN ('village', 'community') ORDER BY name",
    )
    village_id, village_outline = _query(
        db,
        "SELECT u.id, b.geometry FROM org_adminunit u JOIN geo_unitboundary b ON b.unit_id = u.id"
        " WHERE u.name = '毛布拉格村'",
    )[0]
    centre = shape(json.loads(village_outline)).representative_point()
    village_plots = [
        row[0]
        for row in _query(db, "SELECT id FROM geo_plot WHERE unit_id = ? LIMIT 4", village_id)
    ]
    uuid = lambda hex_id: str(__import__("uuid").UUID(hex_id))  # noqa: E731

    created_plots: list[str] = []
    last_edit: dict[str, float] = {}
    last_phone: dict[str, str] = {}
    logins: list[int] = []

    def until_done(work: Callable[[int], None], pause_s: float = 0.1) -> Callable[[], None]:
        # Paced like busy users, so that 2 shared CPU cores still finish the round in time.
        def run() -> None:
            n = 0
            try:
                while (not done.is_set() or n < 3) and time.monotonic() - started < BUDGET_S:
                    work(n)
                    n += 1
                    time.sleep(pause_s)
            except Exception as exc:  # noqa: BLE001 - reported by the assertions below
                errors.append(repr(exc))

        return run

    def login_worker(username: str) -> Callable[[], None]:
        def work(n: int) -> None:
            logins.append(Browser(base, statuses).login(username))

        return until_done(work, pause_s=1.0)  # each login hashes a password (PBKDF2)

    def liaison_worker(index: int) -> Callable[[], None]:
        admin = Browser(base, statuses)
        admin.login("admin")
        unit_id = uuid(units[index][0])

        def work(n: int) -> None:
            phone = f"139{index:02d}{n:06d}"
            status, _ = admin.request(
                "POST",
                f"/campaigns/{uuid(campaign_id)}/units/{unit_id}/liaison/",
                {"name": f"联络员{index}", "phone": phone},
            )
            if status == 302:
                last_phone[unit_id] = phone

        return until_done(work)

    def plot_creator(index: int) -> Callable[[], None]:
        cadre = Browser(base, statuses)
        cadre.login("cadre")

        def work(n: int) -> None:
            dx = 0.0001 * ((index * 7 + n) % 5)
            outline = box(centre.x + dx, centre.y, centre.x + dx + 0.0002, centre.y + 0.0002)
            payload = {
                "unit_id": uuid(village_id),
                "name": f"并发地块{index}-{n}",
                "kind": "courtyard",
                "risk": "key",
                "geometry": mapping(outline),
            }
            status, content = cadre.request("POST", "/api/v1/geo/plots", payload, as_json=True)
            if status == 201:
                created_plots.append(json.loads(content)["id"])

        return until_done(work)

    def plot_editor(index: int) -> Callable[[], None]:
        cadre = Browser(base, statuses)
        cadre.login("cadre")
        plot_id = uuid(village_plots[index])

        def work(n: int) -> None:
            size = 0.0001 + 0.00001 * (n % 10)
            outline = box(centre.x, centre.y, centre.x + size, centre.y + size)
            status, content = cadre.request(
                "PUT",
                f"/api/v1/geo/plots/{plot_id}/geometry",
                {"geometry": mapping(outline)},
                as_json=True,
            )
            if status == 200:
                last_edit[plot_id] = json.loads(content)["area_m2"]

        return until_done(work)

    workers = [login_worker(u) for u in ("leader", "cadre", "grid", "police", "cadre2", "admin")]
    workers += [liaison_worker(i) for i in range(6)]
    workers += [plot_creator(i) for i in range(4)]
    workers += [plot_editor(i) for i in range(4)]
    assert len(workers) == 20
    threads = [threading.Thread(target=w, daemon=True) for w in workers]
    for thread in threads:
        thread.start()

    creator = Browser(base, statuses)
    creator.login("admin")
    time.sleep(1)  # the writers are under way
    round_started = time.monotonic()
    status, content = creator.request(
        "POST",
        f"/patrols/rounds/new/?campaign={uuid(campaign_id)}",
        {
            "window": uuid(window_id),
            "name": "最大轮次",
            "units": [uuid(u) for u, _name in units],
            "cell_size_m": LARGEST_CELL_M,
            "threshold_pct": 90,
            "radius_m": 30,
            "confirm_past": "1",  # the demo's 2022 window has passed
        },
    )
    round_seconds = time.monotonic() - round_started
    done.set()
    for thread in threads:
        thread.join(timeout=max(1.0, BUDGET_S - (time.monotonic() - started)))

    assert status == 302, content.decode(errors="replace")[:2000]
    cells = _query(
        db,
        "SELECT count(*) FROM patrols_taskcell c JOIN patrols_surveyround r ON c.round_id = r.id"
        " WHERE r.name = '最大轮次'",
    )[0][0]
    assert MAX_CELLS_PER_ROUND * 0.9 < cells <= MAX_CELLS_PER_ROUND
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a writer did not finish in time"
    server_errors = [s for s in statuses if s[1] >= 500]
    assert not server_errors, server_errors[:20]
    writes = [s for s in statuses if not s[0].startswith("GET")]
    assert len(writes) > 100, len(writes)  # the writers really ran alongside
    assert logins and set(logins) == {302}
    # Every acknowledged write is stored.
    stored = {row[0] for row in _query(db, "SELECT id FROM geo_plot")}
    assert created_plots and {p.replace("-", "") for p in created_plots} <= stored
    for plot_id, area in last_edit.items():
        got = _query(db, "SELECT area_m2 FROM geo_plot WHERE id = ?", plot_id.replace("-", ""))
        assert got[0][0] == pytest.approx(area, abs=0.01)
    assert len(last_phone) == 6
    for unit_id, phone in last_phone.items():
        got = _query(
            db,
            "SELECT phone FROM campaigns_liaison WHERE campaign_id = ? AND unit_id = ?",
            campaign_id,
            unit_id.replace("-", ""),
        )
        assert got == [(phone,)]
    print(f"round of {cells} cells in {round_seconds:.1f} s; {len(writes)} writes alongside")
    assert time.monotonic() - started < BUDGET_S
