"""Which units own a finding photo: those of the findings linking it."""

from __future__ import annotations

from django.db.models import QuerySet

from zerocrop.core.evidence import register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.findings.models import FindingPhoto, HomeVisit
from zerocrop.org.models import AdminUnit


def _photo_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    findings = FindingPhoto.objects.filter(evidence=evidence).values("finding__unit")
    return AdminUnit.objects.filter(pk__in=findings)


def _visit_scan_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    visits = HomeVisit.objects.filter(scan=evidence).values("key_person__unit")
    return AdminUnit.objects.filter(pk__in=visits)


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.FINDING_PHOTO, _photo_units)
    register_evidence_owner(EvidenceKind.VISIT_SCAN, _visit_scan_units)
