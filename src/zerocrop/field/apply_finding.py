"""A synced finding and eradication through `finding_record` and `finding_eradicate`."""

from __future__ import annotations

from zerocrop.core.errors import ApplicationError
from zerocrop.field.api_schemas import EradicationPayload, FindingPayload
from zerocrop.field.apply_common import RecordFiles, persons, pointed
from zerocrop.field.choices import RecordKind
from zerocrop.field.models import SyncRecord
from zerocrop.findings import services as findings
from zerocrop.findings.choices import FindingSource
from zerocrop.findings.models import Eradication, Finding
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.models import PatrolRecord, SurveyRound


def _campaign(payload: FindingPayload) -> object | None:
    if payload.round_id:
        found = SurveyRound.objects.select_related("campaign").filter(pk=payload.round_id).first()
        if found is not None:
            return found.campaign
    patrol = pointed(payload.patrol_uuid, RecordKind.PATROL)
    if patrol is not None and patrol.object_id:
        record = PatrolRecord.objects.select_related("round__campaign").get(pk=patrol.object_id)
        if record.round is not None:
            return record.round.campaign
    return None


def apply_finding(*, record: SyncRecord, payload: FindingPayload, files: RecordFiles) -> Finding:
    return findings.finding_record(
        unit=AdminUnit.objects.get(pk=payload.unit_id),
        geometry={"type": "Point", "coordinates": [payload.lon, payload.lat]},
        source_crs=payload.crs,
        species=payload.species,
        species_name=payload.species_name,
        stage=payload.stage,
        setting=payload.setting,
        source=FindingSource.PATROL,
        found_at=payload.found_at,
        found_by=persons(payload.found_by, field="found_by", label="发现人"),
        plant_count=payload.plant_count,
        area_m2=payload.area_m2,
        place=payload.place,
        campaign=_campaign(payload),
        note=payload.note,
        photos=files.by_role("found", "photo"),
        actor=record.user,
    )


def eradicated_finding(payload: EradicationPayload) -> Finding:
    if payload.finding_id:
        return Finding.objects.select_related("unit").get(pk=payload.finding_id)
    source = pointed(payload.finding_uuid, RecordKind.FINDING)
    if source is None or source.object_id is None:
        raise ApplicationError("要铲除的发现点尚未入库", field="finding_uuid")
    return Finding.objects.select_related("unit").get(pk=source.object_id)


def apply_eradication(
    *, record: SyncRecord, payload: EradicationPayload, files: RecordFiles
) -> Eradication:
    return findings.finding_eradicate(
        finding=eradicated_finding(payload),
        done_at=payload.done_at,
        method=payload.method,
        done_by=persons(payload.done_by, field="done_by", label="铲除人员"),
        witnesses=persons(payload.witnesses, field="witnesses", label="见证人"),
        plants_destroyed=payload.plants_destroyed,
        destruction=payload.destruction,
        before_photos=files.by_role("before"),
        after_photos=files.by_role("after"),
        note=payload.note,
        actor=record.user,
    )
