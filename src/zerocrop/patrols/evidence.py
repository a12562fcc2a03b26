"""Which units own a patrol photo or track file: those of the patrol records linking it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zerocrop.core.evidence import register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.evidence_package import PackageItem, PackageSubject, register_evidence_package
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.models import PatrolPhoto, PatrolRecord
from zerocrop.patrols.selectors import patrol_get


def _photo_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    records = PatrolPhoto.objects.filter(evidence=evidence).values("record__unit")
    return AdminUnit.objects.filter(pk__in=records)


def _track_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    records = PatrolRecord.objects.filter(track_file=evidence).values("unit")
    return AdminUnit.objects.filter(pk__in=records)


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.PATROL_PHOTO, _photo_units)
    register_evidence_owner(EvidenceKind.TRACK_FILE, _track_units)


def _patrol_package(*, user: Any, object_id: str) -> PackageSubject:
    record = patrol_get(user=user, record_id=object_id)
    items = [
        PackageItem(
            evidence=photo.evidence,
            owner_type=PatrolPhoto._meta.label_lower,
            owner_id=str(photo.pk),
            owner_label=f"踏查照片「{photo.caption or photo.evidence.original_name}」",
        )
        for photo in record.photos.select_related("evidence__created_by").order_by("created_at")
    ]
    if record.track_file is not None:
        items.insert(
            0,
            PackageItem(
                evidence=record.track_file,
                owner_type=PatrolRecord._meta.label_lower,
                owner_id=str(record.pk),
                owner_label=f"轨迹文件「{record.track_source or record.track_file.original_name}」",
            ),
        )
    audit_objects = [(PatrolRecord._meta.label_lower, str(record.pk))]
    audit_objects += [
        (i.owner_type, i.owner_id) for i in items if i.owner_type != audit_objects[0][0]
    ]
    audit_objects += [(EvidenceFile._meta.label_lower, str(i.evidence.pk)) for i in items]
    started = timezone.localtime(record.started_at)
    return PackageSubject(
        title=f"踏查记录 {record.unit.name} {started:%Y年%m月%d日 %H时%M分}",
        items=items,
        audit_objects=audit_objects,
    )


def register_evidence_packages() -> None:
    register_evidence_package("patrol", collect=_patrol_package, label="踏查记录")
