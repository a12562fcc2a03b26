from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router

from zerocrop.core.errors import ApplicationError
from zerocrop.core.responses import geojson_response
from zerocrop.geo.mapdata import feature_collection
from zerocrop.patrols import selectors
from zerocrop.patrols.choices import CellState

router = Router(tags=["踏查"])

DEAD_STATES = [CellState.READY, CellState.ASSIGNED, CellState.INVALIDATED]


@router.get("/rounds/{round_id}/cells", summary="踏查任务（含未覆盖部分）")
def cells_geojson(
    request: HttpRequest, round_id: UUID, zoom: int = 16, dead_only: bool = False, unit: str = ""
) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    cells = selectors.cell_list(user=request.user, survey_round=survey_round)
    if dead_only:
        cells = cells.filter(state__in=DEAD_STATES)
    if unit:
        unit_id = selectors.parse_uuid(unit)
        if unit_id is None:
            raise ApplicationError("村（社区）编号无效", field="unit")
        cells = cells.filter(unit_id=unit_id)
    rows = []
    gaps = []
    for cell in cells.values(
        "id", "code", "state", "covered_fraction", "geometry", "uncovered", "unit__name"
    ):
        rows.append(
            {
                "id": str(cell["id"]),
                "code": cell["code"],
                "state": cell["state"],
                "fraction": cell["covered_fraction"],
                "unit": cell["unit__name"],
                "geometry": cell["geometry"],
            }
        )
        if cell["uncovered"] and cell["state"] in DEAD_STATES:
            gaps.append(
                {"id": str(cell["id"]), "code": cell["code"], "geometry": cell["uncovered"]}
            )
    return geojson_response(
        request,
        {
            "cells": feature_collection(rows, zoom=zoom, as_points=False),
            "uncovered": feature_collection(gaps, zoom=zoom, as_points=False),
        },
    )


@router.get("/rounds/{round_id}/tracks", summary="本轮踏查轨迹")
def tracks_geojson(request: HttpRequest, round_id: UUID) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    features = [
        {
            "type": "Feature",
            "geometry": record.track,
            "properties": {
                "unit": record.unit.name,
                "started_at": record.started_at.isoformat(),
                "people": [p.name for p in record.people.all()],
                "cleaning": record.cleaning_summary.text,
                "warnings": record.warnings,
            },
        }
        for record in selectors.patrol_list(user=request.user, survey_round=survey_round)
        if record.track
    ]
    return geojson_response(request, {"type": "FeatureCollection", "features": features})
