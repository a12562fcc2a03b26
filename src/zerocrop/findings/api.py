"""Findings in the JSON API. Police-only facts are in the body only for police and the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zerocrop.campaigns.selectors import campaign_get
from zerocrop.core.api_types import ModelText, Text
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.findings import selectors, services
from zerocrop.findings.models import Finding
from zerocrop.findings.selectors_persons import is_repeat_planting
from zerocrop.findings.visibility import sees_legal_route, sees_police_fields
from zerocrop.org.selectors import person_list, villages_and_communities

router = Router(tags=["发现与铲除"])

UnitText = Text(max_length=40, label="村（社区）")
ChoiceText = Text(max_length=32, label="筛选条件")


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
        body["repeat_planting"] = is_repeat_planting(finding)
    return body


@router.get("/", summary="发现点列表")
def finding_list(
    request: HttpRequest,
    unit: UnitText = "",
    species: ChoiceText = "",
    state: ChoiceText = "",
    source: ChoiceText = "",
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


@router.get("/{finding_id}", summary="发现点（民警和镇管理员另见处理途径建议）")
def finding_get(request: HttpRequest, finding_id: UUID) -> dict[str, Any]:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    body = finding_body(finding, user=request.user, day=today())
    if sees_legal_route(request.user, finding):
        body["legal_route"] = legal_route_body(selectors.finding_legal_route(finding=finding))
    return body


def legal_route_body(legal: selectors.LegalRoute) -> dict[str, Any]:
    """The suggestion (`RouteSuggestion.to_dict()`, see docs/legal-route.md), or why none."""
    if legal.suggestion is None:
        return {"route": None, "problem": legal.problem}
    return legal.suggestion.to_dict()


class QuadratIn(Schema):
    area_m2: float = Field(title="样方面积（平方米）")
    plants: int = Field(title="样方株数")


class FindingIn(Schema):
    """A finding without photos (photos are uploaded with the page's form)."""

    unit_id: UUID = Field(title="村（社区）")
    geometry: dict[str, Any] = Field(title="位置（GeoJSON 点或面）")
    source_crs: ModelText(Finding, "source_crs") = "wgs84"
    species: ModelText(Finding, "species")
    species_name: ModelText(Finding, "species_name") = ""
    stage: ModelText(Finding, "stage")
    setting: ModelText(Finding, "setting")
    source: ModelText(Finding, "source")
    source_ref: ModelText(Finding, "source_ref") = ""
    place: ModelText(Finding, "place") = ""
    found_at: datetime = Field(title="发现时间")
    found_by: list[UUID] = Field(title="发现人")
    counting_method: ModelText(Finding, "counting_method") = "exact"
    plant_count: int | None = Field(default=None, title="株数")
    quadrats: list[QuadratIn] = Field(default_factory=list, title="样方")
    area_m2: float | None = Field(default=None, title="面积（平方米）")
    sprouted: bool = True
    campaign_id: UUID | None = Field(default=None, title="行动")
    resisted: bool = False
    self_removed: bool = False
    note: ModelText(Finding, "note") = ""


@router.post("/", response={201: dict[str, Any]}, summary="登记发现点（不含照片）")
def finding_create(request: HttpRequest, payload: FindingIn) -> Status:
    unit = villages_and_communities(user=request.user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise ApplicationError("村（社区）不存在或无权查看", field="unit_id")
    people = list(person_list(user=request.user).filter(pk__in=payload.found_by))
    if len(people) != len(set(payload.found_by)):
        raise ApplicationError("发现人不存在或无权查看", field="found_by")
    campaign = None
    if payload.campaign_id is not None:
        try:
            campaign = campaign_get(user=request.user, campaign_id=payload.campaign_id)
        except Http404:
            raise ApplicationError("行动不存在或无权查看", field="campaign_id") from None
    finding = services.finding_record(
        unit=unit,
        geometry=payload.geometry,
        source_crs=payload.source_crs,
        species=payload.species,
        species_name=payload.species_name,
        stage=payload.stage,
        setting=payload.setting,
        source=payload.source,
        source_ref=payload.source_ref,
        place=payload.place,
        found_at=payload.found_at,
        found_by=people,
        counting_method=payload.counting_method,
        plant_count=payload.plant_count,
        quadrats=[q.dict() for q in payload.quadrats],
        area_m2=payload.area_m2,
        sprouted=payload.sprouted,
        campaign=campaign,
        resisted=payload.resisted,
        self_removed=payload.self_removed,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, finding_body(finding, user=request.user, day=today()))
