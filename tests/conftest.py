from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.test import Client
from pyproj import Transformer
from shapely.geometry import shape

from zerocrop.campaigns.demo import DEMO_PASSWORD, demo_load
from zerocrop.campaigns.models import Campaign
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


TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)
TO_WGS = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)


def sweep(geometry: dict, *, spacing_m: float = 20.0, start: datetime | None = None) -> list[Fix]:
    """A walker sweeping the bounding box of a polygon in lanes, one fix every 5 m at 1 m/s."""
    start = start or datetime(2022, 7, 1, 8, 0, tzinfo=datetime.now().astimezone().tzinfo)
    minx, miny, maxx, maxy = shape(geometry).bounds
    (x0, x1), (y0, y1) = TO_UTM.transform([minx, maxx], [miny, maxy])
    xs, ys = [], []
    for i, y in enumerate(np.arange(y0 - 5, y1 + spacing_m, spacing_m)):
        lane = np.arange(x0 - 10, x1 + 10, 5.0)
        xs.extend(lane if i % 2 == 0 else lane[::-1])
        ys.extend([y] * len(lane))
    lons, lats = TO_WGS.transform(xs, ys)
    return [
        Fix(float(lon), float(lat), start + timedelta(seconds=5 * k))
        for k, (lon, lat) in enumerate(zip(lons, lats, strict=True))
    ]


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
