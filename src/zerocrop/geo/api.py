from __future__ import annotations

from typing import Any
from uuid import UUID

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from zerocrop.core.api_types import ModelText, Text
from zerocrop.core.errors import ApplicationError
from zerocrop.core.responses import geojson_response
from zerocrop.geo import selectors, services
from zerocrop.geo.mapdata import (
    MAX_OUTLINES,
    POINT_ZOOM_BELOW,
    clustered_points,
    feature_collection,
    parse_bbox,
)
from zerocrop.geo.models import Plot
from zerocrop.org.capabilities import UNIT_MANAGE, can
from zerocrop.org.selectors import unit_get

router = Router(tags=["地块与区域"])

PROPERTY_COLUMNS = ("id", "code", "name", "kind", "risk", "unit__name", "responsible__name")
BBOX_COLUMNS = ("min_lon", "min_lat", "max_lon", "max_lat")
GEOMETRY_TEXT = Cast("geometry", output_field=TextField())

BboxText = Text(max_length=200, label="视野范围")
ChoiceText = Text(max_length=32, label="筛选条件")
SearchText = Text(max_length=100, label="查询内容")
PlotName = ModelText(Plot, "name")
PlotCode = ModelText(Plot, "code")
PlotKindText = ModelText(Plot, "kind")
PlotRiskText = ModelText(Plot, "risk")


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        return parse_bbox(text)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="bbox") from exc


@router.get("/plots", summary="视野内的地块（按缩放级别简化）")
def plots_geojson(
    request: HttpRequest,
    bbox: BboxText | None = None,
    zoom: int = 16,
    kind: ChoiceText = "",
    risk: ChoiceText = "",
) -> HttpResponse:
    plots = selectors.plot_list(user=request.user, bbox=_bbox(bbox), kind=kind, risk=risk)
    if zoom < POINT_ZOOM_BELOW or plots.count() > MAX_OUTLINES:
        # Clusters and points come from the bbox columns alone: no outline is read.
        values = list(plots.values_list(*PROPERTY_COLUMNS, *BBOX_COLUMNS))
        width = len(PROPERTY_COLUMNS)
        rows = [_plot_properties(v[:width]) for v in values]
        bounds = np.array([v[width:] for v in values], dtype=float).reshape(-1, 4)
        return geojson_response(request, clustered_points(rows, bounds, zoom=zoom))
    # The outline is read as its stored GeoJSON text (no json.loads per plot) and parsed in
    # bulk by feature_collection.
    rows = [
        {**_plot_properties(v[:-1]), "geometry": v[-1]}
        for v in plots.annotate(geometry_text=GEOMETRY_TEXT).values_list(
            *PROPERTY_COLUMNS, "geometry_text"
        )
    ]
    return geojson_response(request, feature_collection(rows, zoom=zoom))


def _plot_properties(values: tuple[Any, ...]) -> dict[str, Any]:
    pk, code, name, kind, risk, unit, responsible = values
    return {
        "id": str(pk),
        "code": code,
        "name": name,
        "kind": kind,
        "risk": risk,
        "unit": unit,
        "responsible": responsible,
    }


@router.get("/zones", summary="视野内的重点、传统、潜在区域")
def zones_geojson(
    request: HttpRequest, bbox: BboxText | None = None, zoom: int = 16
) -> HttpResponse:
    rows = [
        {"id": str(z["id"]), "name": z["name"], "kind": z["kind"], "geometry": z["geometry"]}
        for z in selectors.zone_list(user=request.user, bbox=_bbox(bbox)).values(
            "id", "name", "kind", "geometry"
        )
    ]
    return geojson_response(request, feature_collection(rows, zoom=zoom, as_points=False))


@router.get("/boundaries", summary="村（社区）边界")
def boundaries_geojson(
    request: HttpRequest, bbox: BboxText | None = None, zoom: int = 16
) -> HttpResponse:
    rows = [
        {
            "id": str(b["unit_id"]),
            "name": b["unit__name"],
            "level": b["unit__level"],
            "geometry": b["geometry"],
        }
        for b in selectors.boundary_list(user=request.user, bbox=_bbox(bbox)).values(
            "unit_id", "unit__name", "unit__level", "geometry"
        )
    ]
    return geojson_response(request, feature_collection(rows, zoom=zoom, as_points=False))


class PlotSearchOut(Schema):
    id: UUID
    code: str
    name: str
    unit: str
    responsible: str | None
    bbox: list[float]


@router.get("/plots/search", response=list[PlotSearchOut], summary="按名称、编号或责任人查找地块")
def plots_search(request: HttpRequest, q: SearchText) -> list[dict[str, Any]]:
    plots = selectors.plot_list(user=request.user, query=q.strip())[:20] if q.strip() else []
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "unit": p.unit.name,
            "responsible": p.responsible.name if p.responsible else None,
            "bbox": [p.min_lon, p.min_lat, p.max_lon, p.max_lat],
        }
        for p in plots
    ]


class PlotIn(Schema):
    unit_id: UUID = Field(title="单位")
    name: PlotName
    kind: PlotKindText
    risk: PlotRiskText
    geometry: dict[str, Any] = Field(title="地块边界")
    code: PlotCode = ""


class GeometryIn(Schema):
    geometry: dict[str, Any] = Field(title="地块边界")


class PlotOut(Schema):
    id: UUID
    name: str
    area_m2: float


@router.post("/plots", response={201: PlotOut}, summary="新建地块（地图上绘制）")
def plot_create(request: HttpRequest, payload: PlotIn) -> Status:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    if not can(request.user, UNIT_MANAGE, unit):
        raise PermissionDenied("无权在该单位新建地块")
    plot = services.plot_create(
        unit=unit,
        name=payload.name,
        kind=payload.kind,
        risk=payload.risk,
        geometry=payload.geometry,
        code=payload.code,
        source="地图绘制",
        actor=request.user,
    )
    return Status(201, plot)


@router.put("/plots/{plot_id}/geometry", response=PlotOut, summary="修改地块边界")
def plot_geometry(request: HttpRequest, plot_id: UUID, payload: GeometryIn) -> Any:
    plot = selectors.plot_get(user=request.user, plot_id=plot_id)
    if not can(request.user, UNIT_MANAGE, plot.unit):
        raise PermissionDenied("无权修改该地块")
    return services.plot_update(plot=plot, geometry=payload.geometry, actor=request.user)
