"""Which units own a patrol photo or track file: those of the patrol records linking it."""

from __future__ import annotations

from django.db.models import QuerySet

from zerocrop.core.evidence import register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.models import PatrolPhoto, PatrolRecord


def _photo_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    records = PatrolPhoto.objects.filter(evidence=evidence).values("record__unit")
    return AdminUnit.objects.filter(pk__in=records)


def _track_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    records = PatrolRecord.objects.filter(track_file=evidence).values("unit")
    return AdminUnit.objects.filter(pk__in=records)


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.PATROL_PHOTO, _photo_units)
    register_evidence_owner(EvidenceKind.TRACK_FILE, _track_units)
