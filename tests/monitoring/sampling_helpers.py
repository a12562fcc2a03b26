"""Fixtures of the sampling tests: a frame over two villages, a design, a drawn design."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from shapely.geometry import shape

from zerocrop.geo.choices import ZoneKind
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import UnitBoundary, Zone
from zerocrop.monitoring import services_sampling
from zerocrop.monitoring.sampling_models import SampleDesign, SampleFrame
from zerocrop.org.models import AdminUnit, User

CELL_M = 600  # coarse: a few hundred cells over two villages, fast enough per test


@pytest.fixture
def admin_user(demo_campaign) -> User:
    return User.objects.get(username="admin")


@pytest.fixture
def village_zone(demo_campaign, town) -> Callable[[str], Zone]:
    """A potential zone covering a whole village's boundary."""

    def make(name: str) -> Zone:
        unit = AdminUnit.objects.get(name=name)
        outline = shape(UnitBoundary.objects.get(unit=unit).geometry)
        return Zone.objects.create(
            unit=town,
            name=f"{name}测试潜在区域",
            kind=ZoneKind.POTENTIAL,
            **located_fields(outline),
        )

    return make


@pytest.fixture
def sample_frame(demo_campaign, village_zone, admin_user) -> SampleFrame:
    zones = [village_zone("毛布拉格村"), village_zone("排子湾村")]
    return services_sampling.frame_build(
        campaign=demo_campaign, name="测试抽样框", zones=zones, cell_size_m=CELL_M, actor=admin_user
    )


@pytest.fixture
def make_design(sample_frame, admin_user) -> Callable[..., SampleDesign]:
    def make(**fields: Any) -> SampleDesign:
        values: dict[str, Any] = {"name": "测试抽测方案", "n": 12}
        values.update(fields)
        return services_sampling.design_create(frame=sample_frame, actor=admin_user, **values)

    return make


@pytest.fixture
def drawn_design(make_design, admin_user) -> SampleDesign:
    return services_sampling.design_draw(design=make_design(), seed=20220710, actor=admin_user)
