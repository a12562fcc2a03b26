"""Identical POSTs racing against a real server make one record, and one finding.

Against gunicorn (two workers of four threads) on a file SQLite database, as `make run` serves
it: the in-memory test database has no concurrent writers to race.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.gunicorn_server import SRC, Server, _environment, gunicorn_server

pytestmark = pytest.mark.server

SETUP = """
import json, django
django.setup()
from shapely.geometry import shape
from zerocrop.field.services_devices import device_pair, pairing_code_create
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.org.models import AdminUnit, User
user = User.objects.get(username="grid")
_, code = pairing_code_create(user=user)
_, token = device_pair(code=code, name="并发测试", user_agent="pytest")
village = AdminUnit.objects.get(name="毛布拉格村")
outline = UnitBoundary.objects.filter(unit=village).first()
outline = outline or Plot.objects.filter(unit=village).first()
point = shape(outline.geometry).representative_point()
print(json.dumps({"token": token, "unit": str(village.pk), "person": str(user.person_id),
                  "lon": point.x, "lat": point.y}))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Server, dict[str, Any]]]:
    with gunicorn_server() as running:
        env = {
            **_environment(running.data_dir),
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "zerocrop.config.settings",
        }
        out = subprocess.run(
            [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        yield running, json.loads(out.stdout.strip().splitlines()[-1])


def _post(base: str, token: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1
        base + "/api/v1/sync/records",
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _race(base: str, token: str, body: dict[str, Any], *, senders: int) -> list[int]:
    """The statuses of `senders` threads posting the same body at the same moment."""
    statuses: list[int] = []
    start = threading.Barrier(senders)

    def send() -> None:
        start.wait(timeout=30)
        statuses.append(_post(base, token, body))

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return statuses


def test_identical_posts_at_once_make_one_record(server) -> None:
    running, setup = server
    found_at = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    for _round in range(5):
        body = {
            "uuid": str(uuid.uuid4()),
            "kind": "finding",
            "schema": 2,
            "payload": {
                "unit_id": setup["unit"],
                "lon": setup["lon"],
                "lat": setup["lat"],
                "species": "poppy",
                "stage": "flowering",
                "setting": "courtyard",
                "plant_count": 3,
                "found_at": found_at,
                "found_by": [setup["person"]],
            },
            "files": [],
        }
        statuses = _race(running.base_url, setup["token"], body, senders=8)
        assert sorted(statuses) == [200] * 7 + [201], statuses
        with sqlite3.connect(running.data_dir / "zerocrop.sqlite3") as db:
            rows = db.execute(
                "SELECT object_id FROM field_syncrecord WHERE client_uuid = ?",
                (body["uuid"].replace("-", ""),),
            ).fetchall()
            assert len(rows) == 1 and rows[0][0]
            findings = db.execute(
                "SELECT count(*) FROM findings_finding WHERE id = ?", (rows[0][0],)
            ).fetchone()
            assert findings == (1,)
        total = db_count(running)
        assert total == _round + 1


def db_count(running: Server) -> int:
    with sqlite3.connect(running.data_dir / "zerocrop.sqlite3") as db:
        return db.execute("SELECT count(*) FROM field_syncrecord").fetchone()[0]
