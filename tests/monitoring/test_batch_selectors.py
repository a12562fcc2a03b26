from __future__ import annotations

import pytest
from django.http import Http404

from zerocrop.monitoring.selectors import batch_get, batches_visible, target_get, targets_visible
from zerocrop.org.models import AdminUnit


def test_cadre_sees_only_their_village_targets(make_batch, make_target, user_named, village):
    batch = make_batch()
    other_village = AdminUnit.objects.filter(parent=village.parent).exclude(pk=village.pk).first()
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
