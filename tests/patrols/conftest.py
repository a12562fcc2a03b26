from __future__ import annotations

import pytest

from zerocrop.org.models import AdminUnit


@pytest.fixture
def village(demo_campaign) -> AdminUnit:
    """The demo village most survey tests walk: 毛布拉格村."""
    return AdminUnit.objects.get(name="毛布拉格村")
