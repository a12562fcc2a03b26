import pytest
from django.db import IntegrityError, transaction

from zerocrop.monitoring.choices import TargetStatus


@pytest.mark.django_db
def test_a_target_starts_pending_in_its_village(make_target, village):
    target = make_target()
    assert target.status == TargetStatus.PENDING
    assert target.unit == village
    assert target.batch.source_file.kind == "target_file"


@pytest.mark.django_db
def test_a_code_is_unique_within_its_batch(make_target):
    first = make_target()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(batch=first.batch, code=first.code)
    assert make_target(code=first.code).batch != first.batch
