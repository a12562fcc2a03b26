"""The migrations onto Voidable keep every void and recover who voided from the audit trail."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from zerocrop.campaigns.models import Pledge
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.geo.models import Plot

pytestmark = pytest.mark.django_db

MIGRATIONS = {
    Plot: "zerocrop.geo.migrations.0003_plot_voidable",
    Pledge: "zerocrop.campaigns.migrations.0005_pledge_voidable",
}


@pytest.mark.parametrize("model", [Plot, Pledge])
def test_voided_by_is_taken_from_the_void_event(model, cadre_user) -> None:
    voided, untouched = model.objects.filter(voided_at=None)[:2]
    # A record voided the old way: time and reason, an audit event, no voided_by.
    model.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="重复")
    voided.refresh_from_db()
    audit_record(actor=cadre_user, action="void", instance=voided, after=snapshot(voided))
    audit_record(actor=cadre_user, action="update", instance=untouched, after=snapshot(untouched))

    importlib.import_module(MIGRATIONS[model]).voided_by_from_audit(apps, None)

    voided.refresh_from_db()
    untouched.refresh_from_db()
    assert (voided.voided_by, voided.void_reason) == (cadre_user, "重复")
    assert untouched.voided_by is None and untouched.voided_at is None
