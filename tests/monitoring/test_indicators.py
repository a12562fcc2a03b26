"""The monitoring indicators are registered with definitions and count only what a user sees."""

from __future__ import annotations

import pytest

from zerocrop.core.indicators import indicator_get, indicator_value, indicators_for
from zerocrop.monitoring import indicators as mi
from zerocrop.org.models import AdminUnit

KEYS = [mi.VERIFY_RATE, mi.TRUE_RATE, mi.KNOWN_RATE, mi.MEAN_DAYS, mi.OVERDUE]


def test_registered_with_chinese_definitions():
    labels = {indicator_get(k).label for k in KEYS}
    assert labels == {"靶点核查率", "靶点属实率", "本地已掌握率", "平均核查用时（天）", "超期靶点"}
    assert all(len(indicator_get(k).definition) > 20 for k in KEYS)
    assert "分母" in indicator_get(mi.KNOWN_RATE).definition


@pytest.fixture
def no_other_batches(demo_campaign):
    """The demo's own batch voided, so the counts are this test's targets only."""
    from django.utils import timezone

    from zerocrop.monitoring.models import TargetBatch

    TargetBatch.objects.update(voided_at=timezone.now())


@pytest.fixture
def other_village(village):
    return (
        AdminUnit.objects.filter(parent=village.parent, level=village.level)
        .exclude(pk=village.pk)
        .first()
    )


def test_scoped_to_the_user(
    no_other_batches, demo_campaign, make_batch, make_target, village, other_village, user_named
):
    from datetime import timedelta

    from django.utils import timezone

    from zerocrop.core.clock import today

    batch = make_batch(due_on=today() - timedelta(days=1))
    mine = make_target(batch=batch, unit=village, status="approved", result="true")
    mine.verified_at = timezone.now()
    mine.locally_known = True
    mine.save()
    make_target(batch=batch, unit=village)  # overdue
    make_target(batch=batch, unit=other_village)  # overdue, not the cadre's
    cadre, admin = user_named("cadre"), user_named("admin")

    def value(key, user, unit=None):
        return indicator_value(indicator_get(key), campaign=demo_campaign, user=user, unit=unit)

    assert (value(mi.VERIFY_RATE, admin).numerator, value(mi.VERIFY_RATE, admin).denominator) == (
        1,
        3,
    )
    assert (value(mi.VERIFY_RATE, cadre).numerator, value(mi.VERIFY_RATE, cadre).denominator) == (
        1,
        2,
    )
    assert value(mi.OVERDUE, cadre).numerator == 1
    assert value(mi.OVERDUE, admin).numerator == 2
    assert value(mi.KNOWN_RATE, cadre).ratio == 1.0
    assert value(mi.TRUE_RATE, admin).ratio == 1.0
    assert value(mi.OVERDUE, admin, other_village).denominator == 1
    keys = {v.key for v in indicators_for(campaign=demo_campaign, user=cadre)}
    assert set(KEYS) <= keys


def test_another_campaigns_targets_do_not_count(
    no_other_batches, demo_campaign, make_batch, make_target, user_named
):
    make_target(batch=make_batch(campaign=None))
    v = indicator_value(
        indicator_get(mi.VERIFY_RATE), campaign=demo_campaign, user=user_named("admin")
    )
    assert v.denominator == 0 and v.formatted == "—"
