"""Writes of targets on the ground: assignment, verification (核查) and its review. Audited.

A verification is refused whole (nothing stored) unless it carries its proof: two verifiers,
a time not in the future, the arrival position (its distance from the target is computed),
and the photos 远景/近景/特征. 属实 and 已自行铲除 record the site as a finding through the
findings service (or link the finding already known there); the reviewer, who is none of
the verifiers, approves it or sends it back, and a re-submission replaces the values (the
audit chain keeps every earlier one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.evidence import evidence_check, evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.exif import read_claim
from zerocrop.core.files import CheckedFile, Upload
from zerocrop.core.voiding import void
from zerocrop.findings.capabilities import FINDING_RECORD
from zerocrop.findings.choices import (
    FindingSource,
    FindingSpecies,
    FindingStatus,
    GrowthStage,
    Setting,
)
from zerocrop.findings.models import Finding
from zerocrop.findings.services import finding_record
from zerocrop.geo.crs import in_china, project_geometry, utm_epsg_for
from zerocrop.geo.models import UnitBoundary
from zerocrop.monitoring import rules
from zerocrop.monitoring.capabilities import TARGET_IMPORT, TARGET_REVIEW, TARGET_VERIFY
from zerocrop.monitoring.choices import (
    ArrivalSource,
    FalseReason,
    LinkKind,
    PhotoRole,
    TargetStatus,
    VerifyResult,
)
from zerocrop.monitoring.models import NOTE_MAX, Target, TargetLink, TargetPhoto
from zerocrop.org.capabilities import UNIT_MANAGE, can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import Person

FUTURE_SLACK = timedelta(minutes=10)
TOWN_STAFF_LEVELS = (UnitLevel.TOWN, UnitLevel.OFFICE)
REASON_MAX = Target._meta.get_field("reason_text").max_length
RETURN_MAX = Target._meta.get_field("return_reason").max_length
MAX_PLANTS = 10_000_000
MAX_AREA_M2 = 10_000_000
REQUIRED_ROLES = (PhotoRole.FAR, PhotoRole.NEAR, PhotoRole.FEATURE)
# Results that record the site as a finding.
FINDING_RESULTS = (VerifyResult.TRUE, VerifyResult.SELF_REMOVED)
OPEN = (TargetStatus.PENDING, TargetStatus.RETURNED)

# (role, file name, bytes or file) per photo, in the order taken.
TargetPhotos = Sequence[tuple[str, str, Upload]]


def photo_name(*, code: str, seq: int, content_type: str = "image/jpeg") -> str:
    """A verification photo's name in exports and on the page: `<靶点编号>_<n>.jpg`."""
    extension = ".png" if content_type == "image/png" else ".jpg"
    return f"{code}_{seq}{extension}"


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require(actor: Any, capability: str, target: Target, what: str) -> None:
    if actor is not None and not can(actor, capability, target.unit):
        raise NotPermitted(f"无权{what}{target.unit.name}的靶点")


# --- assignment -------------------------------------------------------------------------------


def _may_assign(actor: Any, target: Target) -> bool:
    return actor is None or any(can(actor, c, target.unit) for c in (TARGET_IMPORT, UNIT_MANAGE))


def _check_people(target: Target, persons: Sequence[Person]) -> None:
    # The target's unit, a unit above it or one below it (its grids), or the town's own
    # staff (its offices and police stations); never another village's people.
    foreign = [
        p.name
        for p in persons
        if not p.unit.is_within(target.batch.unit)
        or not (
            target.unit.is_within(p.unit)
            or p.unit.is_within(target.unit)
            or p.unit.level in TOWN_STAFF_LEVELS
        )
    ]
    if foreign:
        raise ApplicationError(
            f"{'、'.join(foreign)}不属于{target.unit.name}或其上级单位，不能核查该靶点",
            field="persons",
        )


@transaction.atomic
def targets_assign(*, targets: Sequence[Target], persons: Sequence[Person], actor: Any) -> int:
    """Name the people who verify these targets (added to those already named)."""
    if not targets:
        raise ApplicationError("请选择要分派的靶点", field="targets")
    if not persons:
        raise ApplicationError("请选择核查人员", field="persons")
    for target in targets:
        if not _may_assign(actor, target):
            raise NotPermitted(f"无权分派{target.unit.name}的靶点")
        _check_people(target, persons)
    for target in targets:
        before = sorted(p.name for p in target.assignees.all())
        target.assignees.add(*persons)
        after = sorted(p.name for p in target.assignees.all())
        audit_record(
            actor=actor,
            action="assign",
            instance=target,
            before={"assignees": before},
            after={"assignees": after},
        )
    return len(targets)


@transaction.atomic
def targets_unassign(
    *, targets: Sequence[Target], persons: Sequence[Person] = (), actor: Any
) -> int:
    """Take targets back from the named people (all of them when none are named)."""
    if not targets:
        raise ApplicationError("请选择要收回的靶点", field="targets")
    for target in targets:
        if not _may_assign(actor, target):
            raise NotPermitted(f"无权分派{target.unit.name}的靶点")
    for target in targets:
        before = sorted(p.name for p in target.assignees.all())
        if persons:
            target.assignees.remove(*persons)
        else:
            target.assignees.clear()
        after = sorted(p.name for p in target.assignees.all())
        audit_record(
            actor=actor,
            action="unassign",
            instance=target,
            before={"assignees": before},
            after={"assignees": after},
        )
    return len(targets)


# --- verification -----------------------------------------------------------------------------


def distance_to_target_m(target: Target, lon: float, lat: float) -> float:
    """Metres from a point to the target's geometry (0 inside a polygon), in the local UTM."""
    geom = shape(target.geometry)
    code = f"EPSG:{utm_epsg_for(target.lon, target.lat)}"
    return round(
        float(
            project_geometry(geom, "EPSG:4326", code).distance(
                project_geometry(Point(lon, lat), "EPSG:4326", code)
            )
        ),
        1,
    )


@dataclass
class _Photo:
    role: str
    name: str
    data: bytes
    checked: CheckedFile
    lon: float | None
    lat: float | None
    taken_at: datetime | None


def _bytes(data: Upload) -> bytes:
    if isinstance(data, bytes):
        return data
    data.seek(0)
    content = data.read()
    data.seek(0)
    return content


def _checked_photos(photos: TargetPhotos, *, complete: bool) -> list[_Photo]:
    roles = [role for role, _, _ in photos]
    unknown = [r for r in roles if r not in PhotoRole.values]
    if unknown:
        raise ApplicationError(f"照片类型「{unknown[0]}」无法识别", field="photos")
    if complete:
        if len(photos) < rules.MIN_PHOTOS:
            raise ApplicationError(
                f"请至少上传 {rules.MIN_PHOTOS} 张照片（远景、近景、特征各至少一张）",
                field="photos",
            )
        missing = [PhotoRole(r).label for r in REQUIRED_ROLES if r not in roles]
        if missing:
            raise ApplicationError(f"缺少{'、'.join(missing)}照片", field="photos")
    elif not photos:
        raise ApplicationError("请至少上传一张现场照片（如受阻处的远景）", field="photos")
    checked = []
    for role, name, data in photos:
        content = _bytes(data)
        file = evidence_check(kind=EvidenceKind.TARGET_PHOTO, name=name, data=content)
        claim = read_claim(content)
        taken = claim.taken_at
        if taken is not None and timezone.is_naive(taken):
            taken = timezone.make_aware(taken)
        checked.append(_Photo(role, name, content, file, claim.lon, claim.lat, taken))
    if len({p.checked.sha256 for p in checked}) < len(checked):
        raise ApplicationError("同一张照片上传了不止一次，请每张照片只传一次", field="photos")
    return checked


def _verifiers(target: Target, verifiers: Sequence[Person]) -> list[Person]:
    people = list({p.pk: p for p in verifiers}.values())
    if len(people) < rules.MIN_VERIFIERS:
        raise ApplicationError(
            f"核查人至少 {rules.MIN_VERIFIERS} 人（两人同时到场核查）", field="verifiers"
        )
    foreign = [p.name for p in people if not p.unit.is_within(target.batch.unit)]
    if foreign:
        raise ApplicationError(
            f"{'、'.join(foreign)}不属于{target.batch.unit.name}", field="verifiers"
        )
    return people


@dataclass
class _Arrival:
    lon: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None
    source: str = ""
    distance_m: float | None = None


def _arrival(
    target: Target,
    *,
    lon: float | None,
    lat: float | None,
    accuracy_m: float | None,
    source: str,
    photos: Sequence[_Photo],
    required: bool,
) -> _Arrival:
    if not source and lon is None and lat is None:
        if required:
            raise ApplicationError(
                "请填写到达位置（手机定位、照片位置、轨迹或手工录入）", field="arrival_source"
            )
        return _Arrival()
    if source not in ArrivalSource.values:
        raise ApplicationError("请选择到达位置的来源", field="arrival_source")
    if source == ArrivalSource.PHOTO and (lon is None or lat is None):
        located = next((p for p in photos if p.lon is not None and p.lat is not None), None)
        if located is None:
            raise ApplicationError(
                "照片中没有记录位置，请用手机定位或手工填写到达位置", field="arrival_source"
            )
        lon, lat = located.lon, located.lat
    if lon is None or lat is None:
        raise ApplicationError("请填写到达位置的经度和纬度", field="arrival_lon")
    if not in_china(lon, lat):
        raise ApplicationError("到达位置不在中国境内，请检查经纬度是否填反", field="arrival_lon")
    if accuracy_m is not None and not 0 <= accuracy_m <= 100_000:
        raise ApplicationError("定位精度应为 0 至 100000 米", field="arrival_accuracy_m")
    return _Arrival(lon, lat, accuracy_m, source, distance_to_target_m(target, lon, lat))


def _reason(result: str, reason: str, reason_text: str) -> tuple[str, str]:
    reason_text = (reason_text or "").strip()
    if len(reason_text) > REASON_MAX:
        raise ApplicationError(f"原因说明不能超过 {REASON_MAX} 个字", field="reason_text")
    if result == VerifyResult.FALSE:
        if reason not in FalseReason.values:
            raise ApplicationError("请选择不属实的原因", field="reason")
        if reason == FalseReason.OTHER and not reason_text:
            raise ApplicationError("原因为“其他”时请填写说明", field="reason_text")
        return reason, reason_text
    if result == VerifyResult.UNREACHABLE and not reason_text:
        raise ApplicationError("请填写无法到达的原因", field="reason_text")
    return "", reason_text


def _duplicate_of(target: Target, duplicate_of: Target | None) -> Target:
    if duplicate_of is None:
        raise ApplicationError("结论为“重复”时请选择与之重复的靶点", field="duplicate_of")
    if duplicate_of.pk == target.pk:
        raise ApplicationError("靶点不能与自身重复", field="duplicate_of")
    if duplicate_of.is_void or duplicate_of.batch.unit_id != target.batch.unit_id:
        raise ApplicationError("重复的靶点应为同一乡镇的有效靶点", field="duplicate_of")
    if duplicate_of.duplicate_of_id == target.pk:
        raise ApplicationError(
            f"靶点{duplicate_of.code}已登记为与本靶点重复，不能互为重复", field="duplicate_of"
        )
    return duplicate_of


def _counts(plant_count: int | None, found_area_m2: float | None) -> tuple[int, float]:
    if plant_count is None:
        raise ApplicationError("请填写株数", field="plant_count")
    if not 1 <= plant_count <= MAX_PLANTS:
        raise ApplicationError("株数至少为 1", field="plant_count")
    if found_area_m2 is None:
        raise ApplicationError("请填写核实面积（平方米）", field="found_area_m2")
    if not 0 < found_area_m2 <= MAX_AREA_M2:
        raise ApplicationError("核实面积应大于 0、不超过 1000 万平方米", field="found_area_m2")
    return plant_count, float(found_area_m2)


def _finding_choices(species: str, species_name: str, stage: str, setting: str) -> None:
    # Checked before any file is stored; finding_record checks them again.
    for value, choices, field, label in (
        (species, FindingSpecies, "species", "植物种类"),
        (stage, GrowthStage, "stage", "生长期"),
        (setting, Setting, "setting", "种植场所"),
    ):
        if value not in choices.values:
            raise ApplicationError(f"请选择{label}", field=field)
    if species == FindingSpecies.OTHER and not species_name.strip():
        raise ApplicationError("植物种类为“其他”时请填写名称", field="species_name")


def known_finding(target: Target) -> Finding | None:
    """The finding known before the batch date that the target matches (靶点吻合), if any."""
    link = (
        TargetLink.objects.filter(
            target=target,
            kind=LinkKind.FINDING,
            known_before=True,
            finding__isnull=False,
            finding__voided_at__isnull=True,
        )
        .select_related("finding")
        .order_by("distance_m")
        .first()
    )
    return link.finding if link else None


def _finding_geometry(target: Target, arrival: _Arrival) -> BaseGeometry | dict[str, Any]:
    geom = shape(target.geometry)
    if geom.geom_type != "Point" or arrival.lon is None or arrival.lat is None:
        return target.geometry
    boundary = UnitBoundary.objects.filter(unit=target.unit).first()
    spot = Point(arrival.lon, arrival.lat)
    if boundary is not None and shape(boundary.geometry).covers(spot):
        return spot
    return target.geometry


def _created_here(target: Target, finding: Finding | None) -> bool:
    return (
        finding is not None
        and finding.source == FindingSource.TARGET
        and finding.source_ref == target.code
    )


def _release_finding(target: Target, actor: Any) -> None:
    """Before a re-submission: the finding an earlier verification created is voided."""
    finding = target.finding
    if not _created_here(target, finding) or finding.is_void:
        return
    if finding.status != FindingStatus.OPEN or finding.eradications.exists():
        raise ApplicationError(
            "该靶点此前登记的发现点已登记铲除，不能重新核查；请在发现点页面处理",
            field="result",
        )
    void(instance=finding, reason=f"靶点{target.code}退回后重新核查", actor=_actor(actor))


@transaction.atomic
def target_verify(
    *,
    target: Target,
    result: str,
    verifiers: Sequence[Person],
    verified_at: datetime,
    photos: TargetPhotos,
    arrival_lon: float | None = None,
    arrival_lat: float | None = None,
    arrival_accuracy_m: float | None = None,
    arrival_source: str = "",
    reason: str = "",
    reason_text: str = "",
    duplicate_of: Target | None = None,
    police_present: bool = False,
    plant_count: int | None = None,
    found_area_m2: float | None = None,
    species: str = "",
    species_name: str = "",
    stage: str = "",
    setting: str = "",
    link_known: bool = True,
    note: str = "",
    actor: Any,
) -> Target:
    """Record the verification of one target; it then waits for review (待审核)."""
    _require(actor, TARGET_VERIFY, target, "核查")
    current = (
        Target.objects.select_for_update(of=("self",))
        .select_related("batch", "unit")
        .get(pk=target.pk)
    )
    if current.is_void:
        raise ApplicationError("该靶点已作废")
    if current.status not in OPEN:
        raise ApplicationError(
            f"该靶点{current.get_status_display()}，不能再次提交核查", field="result"
        )
    if result not in VerifyResult.values:
        raise ApplicationError("请选择核查结论", field="result")
    people = _verifiers(current, verifiers)
    if verified_at > timezone.now() + FUTURE_SLACK:
        raise ApplicationError("核查时间不能晚于现在", field="verified_at")
    if timezone.localdate(verified_at) < current.issued_on:
        raise ApplicationError("核查时间早于靶点下发日期", field="verified_at")
    reason, reason_text = _reason(result, reason, reason_text)
    duplicate = _duplicate_of(current, duplicate_of) if result == VerifyResult.DUPLICATE else None
    counts = _counts(plant_count, found_area_m2) if result in FINDING_RESULTS else None
    # Linking the locally known finding records no new one: its species and stage stand.
    known = known_finding(current) if counts is not None and link_known else None
    if counts is not None and known is None:
        _finding_choices(species, species_name, stage, setting)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"备注不能超过 {NOTE_MAX} 个字", field="note")
    checked = _checked_photos(photos, complete=result != VerifyResult.UNREACHABLE)
    arrival = _arrival(
        current,
        lon=arrival_lon,
        lat=arrival_lat,
        accuracy_m=arrival_accuracy_m,
        source=arrival_source,
        photos=checked,
        required=result != VerifyResult.UNREACHABLE,
    )
    before = {
        **snapshot(current),
        "verifiers": sorted(p.name for p in current.verifiers.all()),
        "photos": current.photos.count(),
    }
    if current.status == TargetStatus.RETURNED:
        _release_finding(current, actor)
    current.photos.all().delete()  # the earlier submission's, kept in the audit chain
    stored = []
    for seq, photo in enumerate(checked, start=1):
        evidence = evidence_store(
            file=photo.checked,
            kind=EvidenceKind.TARGET_PHOTO,
            actor=_actor(actor),
            original_name=photo_name(
                code=current.code,
                seq=seq,
                content_type="image/png" if photo.checked.extension == ".png" else "image/jpeg",
            ),
        )
        stored.append(
            TargetPhoto.objects.create(
                target=current,
                evidence=evidence,
                role=photo.role,
                seq=seq,
                claimed_lon=photo.lon,
                claimed_lat=photo.lat,
                taken_at=photo.taken_at,
            )
        )
    finding: Finding | None = None
    if counts is not None:
        if known is not None:
            finding = known
        else:
            may_record = actor is None or can(actor, FINDING_RECORD, current.unit)
            finding = finding_record(
                unit=current.unit,
                geometry=_finding_geometry(current, arrival),
                species=species,
                species_name=species_name,
                stage=stage,
                setting=setting,
                source=FindingSource.TARGET,
                source_ref=current.code,
                found_at=verified_at,
                found_by=people,
                plant_count=counts[0],
                area_m2=counts[1],
                campaign=current.batch.campaign,
                self_removed=result == VerifyResult.SELF_REMOVED,
                known_locally=current.locally_known,
                place=f"靶点{current.code}",
                note=note,
                photos=[(p.name, p.data) for p in checked],
                # A police verifier holds target.verify but not finding.record: the finding is
                # the verification's, whose audit event names the actor.
                actor=actor if may_record else None,
            )
    current.result = result
    current.reason = reason
    current.reason_text = reason_text
    current.verified_at = verified_at
    current.police_present = bool(police_present)
    current.arrival_lon = arrival.lon
    current.arrival_lat = arrival.lat
    current.arrival_accuracy_m = arrival.accuracy_m
    current.arrival_source = arrival.source
    current.distance_m = arrival.distance_m
    current.plant_count = counts[0] if counts else None
    current.found_area_m2 = counts[1] if counts else None
    current.finding = finding
    current.duplicate_of = duplicate
    current.note = note
    current.status = TargetStatus.SUBMITTED
    current.submitted_by = _actor(actor)
    current.submitted_at = timezone.now()
    current.reviewed_by = None
    current.reviewed_at = None
    current.full_clean()
    current.save()
    current.verifiers.set(people)
    audit_record(
        actor=actor,
        action="verify",
        instance=current,
        before=before,
        after={
            **snapshot(current),
            "verifiers": sorted(p.name for p in people),
            "photos": [f"{photo_name(code=current.code, seq=p.seq)}:{p.role}" for p in stored],
            "finding_linked": finding is not None and not _created_here(current, finding),
        },
    )
    target.refresh_from_db()
    return current


# --- review -----------------------------------------------------------------------------------


@transaction.atomic
def target_review(*, target: Target, approve: bool, reason: str = "", actor: Any) -> Target:
    """Approve a submitted verification, or send it back with a reason (退回)."""
    _require(actor, TARGET_REVIEW, target, "审核")
    current = (
        Target.objects.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
    )
    if current.status != TargetStatus.SUBMITTED:
        raise ApplicationError(f"该靶点{current.get_status_display()}，没有待审核的核查结果")
    verifier_ids = set(current.verifiers.values_list("pk", flat=True))
    if actor is not None and (
        (actor.person_id and actor.person_id in verifier_ids)
        or (current.submitted_by_id and current.submitted_by_id == actor.pk)
    ):
        raise ApplicationError("审核人不能是该靶点的核查人或提交人", field="approve")
    reason = (reason or "").strip()
    if len(reason) > RETURN_MAX:
        raise ApplicationError(f"退回原因不能超过 {RETURN_MAX} 个字", field="reason")
    if not approve and not reason:
        raise ApplicationError("退回时请填写原因", field="reason")
    before = snapshot(current)
    current.reviewed_by = _actor(actor)
    current.reviewed_at = timezone.now()
    if approve:
        current.status = TargetStatus.APPROVED
        current.return_reason = ""
    else:
        current.status = TargetStatus.RETURNED
        current.return_reason = reason
    current.save()
    audit_record(
        actor=actor,
        action="approve" if approve else "return",
        instance=current,
        before=before,
        after=snapshot(current),
    )
    target.refresh_from_db()
    return current
