"""Findings' evidence: which units own a finding photo, and the finding's evidence package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zerocrop.core.evidence import register_evidence_original, register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.evidence_package import PackageItem, PackageSubject, register_evidence_package
from zerocrop.findings.capabilities import PHOTO_ORIGINALS
from zerocrop.findings.evidence_checks import PhotoCheck, check_photo
from zerocrop.findings.models import (
    POLICE_ONLY_FIELDS,
    Case,
    Eradication,
    Finding,
    FindingPhoto,
    HomeVisit,
    Recheck,
)
from zerocrop.findings.selectors import finding_get
from zerocrop.findings.selectors_persons import case_get
from zerocrop.findings.visibility import sees_police_fields
from zerocrop.org.capabilities import can
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.models import PatrolRecord


def _photo_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    findings = FindingPhoto.objects.filter(evidence=evidence).values("finding__unit")
    return AdminUnit.objects.filter(pk__in=findings)


def _visit_scan_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    visits = HomeVisit.objects.filter(scan=evidence).values("key_person__unit")
    return AdminUnit.objects.filter(pk__in=visits)


def sees_photo_originals(user: Any, unit: AdminUnit | None = None) -> bool:
    return can(user, PHOTO_ORIGINALS, unit)


def _original_allowed(user: Any, evidence: EvidenceFile) -> bool:
    units = _photo_units(evidence)
    return any(sees_photo_originals(user, unit) for unit in units) or not units.exists()


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.FINDING_PHOTO, _photo_units)
    register_evidence_owner(EvidenceKind.VISIT_SCAN, _visit_scan_units)
    register_evidence_original(EvidenceKind.FINDING_PHOTO, _original_allowed)


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def _claimed_time(claim: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(claim["taken_at"]) if claim.get("taken_at") else None
    except (TypeError, ValueError):
        return None


def photo_checks(*, finding: Finding, photos: Sequence[FindingPhoto]) -> list[FindingPhoto]:
    """Set `photo.claim_check` (evidence_checks.PhotoCheck) on each photo and answer them: the
    EXIF claim against the receipt time, the finding's location and the nearest patrol track of
    the uploader among the rounds of the finding's campaign."""
    tracks: dict[Any, list[Any]] = {}
    uploaders = {p.evidence.created_by.person_id for p in photos if p.evidence.created_by_id}
    uploaders.discard(None)
    if finding.campaign_id and uploaders:
        records = (
            PatrolRecord.objects.filter(
                round__campaign_id=finding.campaign_id,
                people__in=uploaders,
                track__isnull=False,
            )
            .prefetch_related("people")
            .distinct()
        )
        for record in records:
            lines = (record.track or {}).get("coordinates") or []
            for person in record.people.all():
                if person.pk in uploaders:
                    tracks.setdefault(person.pk, []).append(lines)
    for photo in photos:
        claim = photo.evidence.exif_claim or {}
        uploader = photo.evidence.created_by
        photo.claim_check = check_photo(
            taken_at=_claimed_time(claim),
            lon=claim.get("lon"),
            lat=claim.get("lat"),
            received_at=_local(photo.evidence.created_at),
            finding_lon=finding.lon,
            finding_lat=finding.lat,
            tracks=tracks.get(uploader.person_id, []) if uploader is not None else [],
        )
    return list(photos)


__all__ = ["PhotoCheck", "photo_checks", "sees_photo_originals"]


def police_only_snapshot_fields() -> tuple[str, ...]:
    """The police-only fields as an audit snapshot names them (a foreign key by its attname)."""
    names = {Finding._meta.get_field(name).attname for name in POLICE_ONLY_FIELDS}
    return tuple(sorted(names | set(POLICE_ONLY_FIELDS)))


def _photo_label(photo: FindingPhoto) -> str:
    where = photo.get_phase_display()
    if photo.eradication_id:
        where = f"铲除 {timezone.localtime(photo.eradication.done_at):%Y-%m-%d} {where}"
    elif photo.recheck_id:
        where = f"复查 {timezone.localtime(photo.recheck.done_at):%Y-%m-%d} {where}"
    return f"{where}照片「{photo.caption or photo.evidence.original_name}」"


def _finding_items(finding: Finding, *, prefix: str = "") -> list[PackageItem]:
    photos = (
        FindingPhoto.objects.filter(finding=finding)
        .select_related("evidence__created_by", "eradication", "recheck")
        .order_by("created_at", "pk")
    )
    return [
        PackageItem(
            evidence=photo.evidence,
            owner_type=FindingPhoto._meta.label_lower,
            owner_id=str(photo.pk),
            owner_label=prefix + _photo_label(photo),
        )
        for photo in photos
    ]


def _finding_audit_objects(finding: Finding) -> list[tuple[str, str]]:
    """The finding, its eradications and re-checks: whose audit events tell its story."""
    objects = [(Finding._meta.label_lower, str(finding.pk))]
    objects += [
        (Eradication._meta.label_lower, str(pk))
        for pk in finding.eradications.values_list("pk", flat=True)
    ]
    objects += [
        (Recheck._meta.label_lower, str(pk)) for pk in finding.rechecks.values_list("pk", flat=True)
    ]
    return objects


def _item_audit_objects(items: list[PackageItem]) -> list[tuple[str, str]]:
    objects = [(i.owner_type, i.owner_id) for i in items]
    return objects + [(EvidenceFile._meta.label_lower, str(i.evidence.pk)) for i in items]


def _grower_facts(finding: Finding) -> list[tuple[str, str]]:
    grower = finding.grower
    return [
        ("种植人", grower.name if grower else ("无主" if finding.grower_unowned else "未填写")),
        ("曾因种植被公安处理", "是" if finding.prior_handled else "否"),
        ("此前处理情况", finding.prior_handling),
    ]


def _finding_package(*, user: Any, object_id: str) -> PackageSubject:
    """The finding's photos, its eradications' before/after photos and its re-check photos;
    the timeline of the finding, its eradications, re-checks, photos and files. For a user
    without the police right the finding's police-only facts are removed from the timeline."""
    finding = finding_get(user=user, finding_id=object_id)
    items = _finding_items(finding)
    audit_objects = _finding_audit_objects(finding) + _item_audit_objects(items)
    police = sees_police_fields(user, finding)
    redact = {} if police else {Finding._meta.label_lower: police_only_snapshot_fields()}
    found = timezone.localtime(finding.found_at)
    facts = [
        ("村（社区）", finding.unit.name),
        ("位置（WGS84）", f"{finding.lon}, {finding.lat}"),
        ("植物种类", finding.species_label),
        ("株数", f"{finding.plant_count}（{finding.get_counting_method_display()}）"),
        ("发现时间", f"{found:%Y-%m-%d %H:%M}"),
        ("发现人", "、".join(p.name for p in finding.found_by.all())),
    ]
    if police:
        facts += _grower_facts(finding)
    return PackageSubject(
        title=f"发现点 {finding.unit.name} {found:%Y年%m月%d日} {finding.species_label}",
        items=items,
        audit_objects=audit_objects,
        redact=redact,
        facts=facts,
    )


def _case_package(*, user: Any, object_id: str) -> PackageSubject:
    """A case (police and the town admin only, like the case itself): the photos of every
    linked finding and the signed 告知书 scans of the linked key persons' visits, with the
    timeline of the case, its findings and visits. Nothing is redacted: whoever may see the case
    may see its police-only facts."""
    case = case_get(user=user, case_id=object_id)
    items: list[PackageItem] = []
    audit_objects = [(Case._meta.label_lower, str(case.pk))]
    facts = [
        ("案件编号", case.number),
        ("状态", case.get_status_display()),
        ("处理结果", case.get_outcome_display() or "未填写"),
        ("受理日期", f"{case.opened_on:%Y-%m-%d}"),
        ("结案日期", f"{case.closed_on:%Y-%m-%d}" if case.closed_on else "未结案"),
    ]
    for finding in case.findings.all():
        found = timezone.localtime(finding.found_at)
        label = f"{finding.unit.name} {found:%Y-%m-%d} {finding.species_label}"
        items += _finding_items(finding, prefix=f"发现点（{label}）")
        audit_objects += _finding_audit_objects(finding)
        facts.append(("关联发现点", f"{label} {finding.plant_count} 株"))
    for person in case.key_persons.all():
        facts.append(("涉案人员", f"{person.name}（{person.unit.name}）"))
        visits = HomeVisit.objects.filter(key_person=person, scan__isnull=False)
        for visit in visits.select_related("scan__created_by").order_by("visited_on", "pk"):
            audit_objects.append((HomeVisit._meta.label_lower, str(visit.pk)))
            items.append(
                PackageItem(
                    evidence=visit.scan,
                    owner_type=HomeVisit._meta.label_lower,
                    owner_id=str(visit.pk),
                    owner_label=f"{person.name} {visit.visited_on:%Y-%m-%d} 走访告知书扫描件",
                )
            )
    audit_objects += [(EvidenceFile._meta.label_lower, str(i.evidence.pk)) for i in items]
    return PackageSubject(
        title=f"案件 {case.number}", items=items, audit_objects=audit_objects, facts=facts
    )


def register_evidence_packages() -> None:
    register_evidence_package(
        "finding",
        collect=_finding_package,
        label="发现点",
        redactable={Finding._meta.label_lower: police_only_snapshot_fields()},
    )
    register_evidence_package("case", collect=_case_package, label="案件")
