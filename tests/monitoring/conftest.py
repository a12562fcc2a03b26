"""Shared fixtures: batches and targets made directly, for tests that are not about importing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from shapely.geometry import Point, shape
from tests.findings.conftest import cadre, cadre_person, grid_person, photo, user_named  # noqa: F401

from zerocrop.core.clock import today
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.org.models import AdminUnit


@pytest.fixture
def village(demo_campaign) -> AdminUnit:
    return AdminUnit.objects.get(name="毛布拉格村")


@pytest.fixture
def inside(demo_campaign) -> Callable[[AdminUnit], Point]:
    """A point inside a village (its boundary, else its first plot)."""

    def make(unit: AdminUnit) -> Point:
        boundary = UnitBoundary.objects.filter(unit=unit).first()
        source = boundary.geometry if boundary else Plot.objects.filter(unit=unit).first().geometry
        return shape(source).representative_point()

    return make


@pytest.fixture
def make_batch(demo_campaign, town) -> Callable[..., TargetBatch]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> TargetBatch:
        n = next(counter)
        content = f"靶点编号,经度,纬度\nT{n},0,0\n".encode()
        source = evidence_store(
            file=content, kind=EvidenceKind.TARGET_FILE, actor=None, original_name="batch.csv"
        )
        values: dict[str, Any] = {
            "unit": town,
            "campaign": demo_campaign,
            "name": f"测试批次{n}",
            "issuer": "县禁毒办",
            "issued_on": today() - timedelta(days=5),
            "due_on": today() + timedelta(days=10),
            "source_file": source,
            "file_format": "csv",
            "encoding": "utf-8-sig",
            "columns": ["靶点编号", "经度", "纬度"],
            "column_map": {"code": "靶点编号", "lon": "经度", "lat": "纬度"},
            "fingerprint": hashlib.sha256(f"T{n}".encode()).hexdigest(),
        }
        values.update(fields)
        return TargetBatch.objects.create(**values)

    return make


@pytest.fixture
def make_target(make_batch, village, inside) -> Callable[..., Target]:
    counter = iter(range(1, 10_000))

    def make(
        *, batch: TargetBatch | None = None, unit: AdminUnit | None = None, **fields: Any
    ) -> Target:
        batch = batch or make_batch()
        unit = unit or village
        point = fields.pop("point", None) or inside(unit)
        due_on: date = fields.pop("due_on", batch.due_on)
        values: dict[str, Any] = {
            "batch": batch,
            "unit": unit,
            "code": f"BD{next(counter):04d}",
            "lon": point.x,
            "lat": point.y,
            "issued_on": batch.issued_on,
            "due_on": due_on,
            **located_fields(point),
        }
        values.update(fields)
        return Target.objects.create(**values)

    return make
