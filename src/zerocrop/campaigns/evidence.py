"""Which units own a pledge scan: those of the pledges linking it."""

from __future__ import annotations

from django.db.models import QuerySet

from zerocrop.campaigns.models import Pledge
from zerocrop.core.evidence import register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.org.models import AdminUnit


def _pledge_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(pk__in=Pledge.objects.filter(scan=evidence).values("unit"))


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.PLEDGE_SCAN, _pledge_units)
