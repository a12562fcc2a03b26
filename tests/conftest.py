from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from zerocrop.campaigns.models import Campaign
from zerocrop.demo.campaign import DEMO_PASSWORD, demo_load
from zerocrop.demo.patrols import sweep_fixes
from zerocrop.org.models import AdminUnit, User
from zerocrop.patrols.tracks import Fix


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the demo town once per session; each test runs in a transaction rolled back after it.

    Transactional tests (the browser tests) flush the database and run last; the
    `demo_campaign` fixture loads the demo again for them.
    """
    with django_db_blocker.unblock():
        demo_load()


@pytest.fixture
def demo_campaign(db: None) -> Campaign:
    campaign, _ = demo_load()
    return campaign


@pytest.fixture
def town(demo_campaign: Campaign) -> AdminUnit:
    return demo_campaign.unit


def _login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def login_as(demo_campaign: Campaign) -> Callable[[str], Client]:
    """A logged-in client for a demo account: admin, leader, cadre, cadre2, grid, police."""
    return _login


@pytest.fixture
def unit_named(demo_campaign: Campaign) -> Callable[[str], AdminUnit]:
    return lambda name: AdminUnit.objects.get(name=name)


@pytest.fixture
def admin_client_demo(demo_campaign: Campaign) -> Client:
    return _login("admin")


@pytest.fixture
def cadre_client(demo_campaign: Campaign) -> Client:
    """The 毛布拉格村 cadre."""
    return _login("cadre")


@pytest.fixture
def cadre_user(demo_campaign: Campaign) -> User:
    return User.objects.get(username="cadre")


def sweep(geometry: dict, *, start: datetime | None = None) -> list[Fix]:
    """A walker sweeping a polygon in lanes 20 m apart: covers it fully at a 30 m radius."""
    start = start or datetime(2022, 7, 1, 8, 0, tzinfo=datetime.now().astimezone().tzinfo)
    return sweep_fixes(geometry, start, lane_m=20.0)


@pytest.fixture
def sweep_track() -> Callable[..., list[Fix]]:
    return sweep


def gpx_bytes(fixes: list[Fix]) -> bytes:
    points = "".join(
        f'<trkpt lat="{f.lat:.7f}" lon="{f.lon:.7f}"><time>{f.time.isoformat()}</time></trkpt>'
        for f in fixes
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="两步路" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>踏查轨迹</name><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


@pytest.fixture
def make_gpx() -> Callable[[list[Fix]], bytes]:
    return gpx_bytes


@pytest.fixture(autouse=True)
def _jobs_run_when_the_code_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand jobs to huey (immediate in tests) when the code's outermost transaction ends, as a
    real commit would. Each test runs inside a transaction that is rolled back, so Django would
    never run on_commit callbacks; other callbacks (audit checkpoints) stay unrun as before.
    """
    original = transaction.Atomic.__exit__

    def exit_(self: transaction.Atomic, exc_type: Any, exc: Any, tb: Any) -> Any:
        outcome = original(self, exc_type, exc, tb)
        connection = transaction.get_connection(self.using)
        if (
            exc_type is None
            and connection.atomic_blocks
            and all(block._from_testcase for block in connection.atomic_blocks)
            and not connection.needs_rollback
        ):
            pending = connection.run_on_commit
            jobs = [entry for entry in pending if hasattr(entry[1], "zerocrop_job_id")]
            connection.run_on_commit = [entry for entry in pending if entry not in jobs]
            for _, callback, _ in jobs:
                callback()
        return outcome

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_)
