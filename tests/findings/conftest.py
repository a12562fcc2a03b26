from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from shapely.geometry import mapping, shape

from zerocrop.findings import services
from zerocrop.findings.models import Eradication, Finding
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.org.models import AdminUnit, Person, User


def jpeg(colour: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo() -> Callable[..., tuple[str, bytes]]:
    counter = iter(range(1, 10_000))

    def make(name: str = "现场.jpg") -> tuple[str, bytes]:
        # Different bytes each time: the store keeps one file per content.
        colour = (next(counter) * 37 % 256, 120, 60)
        buffer = io.BytesIO()
        Image.new("RGB", (32, 24), colour).save(buffer, format="JPEG")
        return name, buffer.getvalue()

    return make


@pytest.fixture
def village(demo_campaign) -> AdminUnit:
    return AdminUnit.objects.get(name="毛布拉格村")


@pytest.fixture
def point_in(demo_campaign) -> Callable[[AdminUnit], dict[str, Any]]:
    def make(unit: AdminUnit) -> dict[str, Any]:
        boundary = UnitBoundary.objects.filter(unit=unit).first()
        if boundary is not None:
            return mapping(shape(boundary.geometry).representative_point())
        plot = Plot.objects.filter(unit=unit).first()
        return mapping(shape(plot.geometry).representative_point())

    return make


@pytest.fixture
def cadre(demo_campaign) -> User:
    return User.objects.get(username="cadre")


@pytest.fixture
def user_named(demo_campaign) -> Callable[[str], User]:
    return lambda name: User.objects.select_related("unit", "person").get(username=name)


@pytest.fixture
def cadre_person(cadre) -> Person:
    return cadre.person


@pytest.fixture
def grid_person(demo_campaign) -> Person:
    return User.objects.get(username="grid").person


def ago(**delta: float) -> datetime:
    return timezone.now().replace(microsecond=0) - timedelta(**delta)


@pytest.fixture
def record(village, point_in, cadre, photo) -> Callable[..., Finding]:
    def make(**overrides: Any) -> Finding:
        kwargs: dict[str, Any] = {
            "unit": village,
            "geometry": point_in(village),
            "species": "poppy",
            "stage": "flowering",
            "setting": "courtyard",
            "source": "patrol",
            "found_at": ago(hours=2),
            "found_by": [cadre.person],
            "plant_count": 12,
            "photos": [photo()],
            "actor": cadre,
        }
        kwargs.update(overrides)
        return services.finding_record(**kwargs)

    return make


@pytest.fixture
def eradicate(cadre, photo) -> Callable[..., Eradication]:
    def make(finding: Finding, **overrides: Any) -> Eradication:
        kwargs: dict[str, Any] = {
            "finding": finding,
            "done_at": ago(hours=1),
            "method": "pulled",
            "done_by": [cadre.person],
            "witnesses": [cadre.person],
            "plants_destroyed": finding.plant_count,
            "destruction": "就地焚烧",
            "before_photos": [photo("铲除前.jpg")],
            "after_photos": [photo("铲除后.jpg")],
            "actor": cadre,
        }
        kwargs.update(overrides)
        return services.finding_eradicate(**kwargs)

    return make
