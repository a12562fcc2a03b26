from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from zerocrop.core.clock import today
from zerocrop.monitoring.models import Target
from zerocrop.monitoring.selectors import (
    batch_get,
    batches_visible,
    target_get,
    targets_by_urgency,
    targets_visible,
)
from zerocrop.org.models import AdminUnit


def test_cadre_sees_only_their_village_targets(make_batch, make_target, user_named, village):
    batch = make_batch()
    other_village = AdminUnit.objects.get(parent=village.parent, name="王窑湾村")
    mine = make_target(batch=batch)
    theirs = make_target(batch=batch, unit=other_village)
    cadre = user_named("cadre")
    assert list(targets_visible(user=cadre).filter(batch=batch)) == [mine]
    assert all(t.unit == village for t in targets_visible(user=cadre))
    assert target_get(user=cadre, target_id=mine.pk) == mine
    with pytest.raises(Http404):
        target_get(user=cadre, target_id=theirs.pk)
    with pytest.raises(Http404):
        target_get(user=cadre, target_id="not-a-uuid")
    admin = user_named("admin")
    assert set(targets_visible(user=admin).filter(batch=batch)) == {mine, theirs}


def test_cadre_sees_a_batch_only_when_it_holds_their_target(make_batch, make_target, user_named):
    with_mine = make_batch()
    make_target(batch=with_mine)
    empty = make_batch()
    cadre = user_named("cadre")
    seen = set(batches_visible(user=cadre))
    assert with_mine in seen and empty not in seen
    with pytest.raises(Http404):
        batch_get(user=cadre, batch_id=empty.pk)
    admin = user_named("admin")
    assert {with_mine.pk, empty.pk} <= {b.pk for b in batches_visible(user=admin)}
    assert batch_get(user=admin, batch_id=empty.pk) == empty


def test_targets_by_urgency_puts_overdue_first_then_open_by_deadline(make_target):
    day = today()
    done = make_target(status="approved", due_on=day - timedelta(days=9))
    later = make_target(due_on=day + timedelta(days=5))
    sooner = make_target(due_on=day + timedelta(days=1))
    late = make_target(status="returned", due_on=day - timedelta(days=2))
    mine = Target.objects.filter(pk__in=[done.pk, later.pk, sooner.pk, late.pk])
    assert list(targets_by_urgency(mine, today=day)) == [late, sooner, later, done]
