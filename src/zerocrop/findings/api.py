"""Findings in the JSON API (read). Police-only facts are in the body only for police and admin."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.findings import selectors
from zerocrop.findings.models import Finding
from zerocrop.findings.visibility import sees_police_fields

router = Router(tags=["发现与铲除"])


def finding_body(finding: Finding, *, user: Any, day: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(finding.pk),
        "unit": finding.unit.name,
        "place": finding.place,
        "lon": finding.lon,
        "lat": finding.lat,
        "geometry": finding.geometry,
        "source_crs": finding.source_crs,
        "plot": str(finding.plot_id) if finding.plot_id else None,
        "species": finding.species,
        "species_label": finding.species_label,
        "plant_count": finding.plant_count,
        "counting_method": finding.counting_method,
        "quadrats": finding.quadrats,
        "area_m2": finding.area_m2,
        "sprouted": finding.sprouted,
        "stage": finding.stage,
        "setting": finding.setting,
        "source": finding.source,
        "source_ref": finding.source_ref,
        "resisted": finding.resisted,
        "self_removed": finding.self_removed,
        "found_at": timezone.localtime(finding.found_at).isoformat(),
        "state": selectors.finding_state(finding, today=day).value,
        "void": finding.is_void,
    }
    if sees_police_fields(user, finding):
        body["grower"] = (
            {"id": str(finding.grower_id), "name": finding.grower.name} if finding.grower else None
        )
        body["grower_unowned"] = finding.grower_unowned
        body["prior_handled"] = finding.prior_handled
        body["prior_handling"] = finding.prior_handling
    return body


@router.get("/", summary="发现点列表")
def finding_list(
    request: HttpRequest, unit: str = "", species: str = "", state: str = "", source: str = ""
) -> list[dict[str, Any]]:
    day = today()
    unit_id = selectors.parse_uuid(unit) if unit else None
    if unit and unit_id is None:
        raise ApplicationError("村（社区）编号无效", field="unit")
    findings = selectors.finding_list(
        user=request.user,
        unit_id=unit_id,
        species=species,
        state=state,
        source=source,
        today=day,
    ).select_related("grower")[:1000]
    return [finding_body(f, user=request.user, day=day) for f in findings]


@router.get("/{finding_id}", summary="发现点")
def finding_get(request: HttpRequest, finding_id: UUID) -> dict[str, Any]:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    return finding_body(finding, user=request.user, day=today())
