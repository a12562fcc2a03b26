"""A synced target verification through `target_verify`, as the verification form does it."""

from __future__ import annotations

from zerocrop.field.api_schemas import TargetVerificationPayload
from zerocrop.field.apply_common import RecordFiles, persons
from zerocrop.field.models import SyncRecord
from zerocrop.monitoring import services_targets
from zerocrop.monitoring.choices import PhotoRole
from zerocrop.monitoring.models import Target


def apply_target_verification(
    *, record: SyncRecord, payload: TargetVerificationPayload, files: RecordFiles
) -> Target:
    target = Target.objects.select_related("batch", "unit").get(pk=payload.target_id)
    duplicate = (
        Target.objects.select_related("batch").filter(pk=payload.duplicate_of).first()
        if payload.duplicate_of
        else None
    )
    arrival = payload.arrival
    return services_targets.target_verify(
        target=target,
        result=payload.result,
        verifiers=persons(payload.verifiers, field="verifiers", label="核查人"),
        verified_at=payload.verified_at,
        photos=files.with_roles(*PhotoRole.values),
        arrival_lon=arrival.lon if arrival else None,
        arrival_lat=arrival.lat if arrival else None,
        arrival_accuracy_m=arrival.acc if arrival else None,
        arrival_source=arrival.source if arrival else "",
        reason=payload.reason,
        reason_text=payload.reason_text,
        duplicate_of=duplicate,
        police_present=payload.police_present,
        plant_count=payload.plant_count,
        found_area_m2=payload.found_area_m2,
        species=payload.species,
        species_name=payload.species_name,
        stage=payload.stage,
        setting=payload.setting,
        link_known=services_targets.known_finding(target) is not None,
        note=payload.note,
        actor=record.user,
    )
