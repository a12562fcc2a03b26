"""Pages of sampling (潜在区域抽测): list, new design, design page, draw, round, results."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zerocrop.campaigns.context_processors import request_top_campaign
from zerocrop.campaigns.selectors import campaign_list
from zerocrop.core.clock import now_on_the_clock
from zerocrop.core.downloads import export_response
from zerocrop.core.errors import ApplicationError
from zerocrop.core.forms import add_application_error
from zerocrop.core.responses import geojson_response
from zerocrop.geo.selectors import zone_list
from zerocrop.monitoring import sampling, sampling_strata, selectors_sampling, services_sampling
from zerocrop.monitoring.capabilities import SAMPLING_CHECK, SAMPLING_DESIGN
from zerocrop.monitoring.forms_sampling import CellResultForm, DrawForm, RoundForm, SamplingNewForm
from zerocrop.org.capabilities import can
from zerocrop.org.selectors import person_list
from zerocrop.patrols.selectors import parse_uuid

STRATUM_COLOURS = {
    sampling_strata.FLAGGED: "#6f42c1",
    sampling_strata.KEY: "#d63384",
    sampling_strata.TRADITIONAL: "#fd7e14",
    sampling_strata.POTENTIAL: "#0d6efd",
    sampling_strata.GENERAL: "#20c997",
}


def _require_design(request: HttpRequest, unit: Any = None) -> None:
    if not can(request.user, SAMPLING_DESIGN, unit):
        raise PermissionDenied("无权制定抽测方案")


def sampling_list(request: HttpRequest) -> HttpResponse:
    _require_design(request)
    designs = list(selectors_sampling.designs_visible(user=request.user))
    return render(request, "monitoring/sampling_list.html", {"designs": designs})


def _town_campaigns(request: HttpRequest) -> list[Any]:
    """Campaigns of the towns where the user may design a sample."""
    return [
        c.pk
        for c in campaign_list(user=request.user).select_related("unit")
        if can(request.user, SAMPLING_DESIGN, c.unit)
    ]


def _allocation_rows(priors: dict, allocation: dict) -> list[dict[str, Any]]:
    return [
        {
            "stratum": h,
            "colour": STRATUM_COLOURS.get(h, "#adb5bd"),
            "N": p["N"],
            "S": p["S"],
            "mean": p.get("mean", 0),
            "source": p.get("source", ""),
            "n": allocation.get(h, 0) if allocation else None,
        }
        for h, p in priors.items()
    ]


@require_http_methods(["GET", "POST"])
def sampling_new(request: HttpRequest) -> HttpResponse:
    _require_design(request)
    campaigns = campaign_list(user=request.user).filter(pk__in=_town_campaigns(request))
    top = request_top_campaign(request)
    wanted = parse_uuid(request.POST.get("campaign")) or getattr(top, "pk", None)
    campaign = (campaigns.filter(pk=wanted).first() if wanted else None) or campaigns.first()
    zones = zone_list(user=request.user)
    if campaign is not None:
        zones = zones.filter(unit__path__startswith=campaign.unit.path)
    form = SamplingNewForm(
        request.POST or None,
        campaigns=campaigns,
        zones=zones.order_by("kind", "name"),
        initial={"campaign": getattr(campaign, "pk", None)},
    )
    preview: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = data["campaign"]
        chosen = [] if data.get("whole_town") else list(data["zones"])
        rel = data.get("relative_precision_pct")
        try:
            plan = services_sampling.frame_plan(
                town=campaign.unit, zones=chosen, cell_size_m=data["cell_size_m"]
            )
            priors = services_sampling.design_priors(
                frame=plan.frame, campaign=campaign, overrides=data["priors_text"]
            )
            allocation = services_sampling.design_allocation(
                priors=priors,
                n=data.get("n"),
                target_se=data.get("target_se"),
                relative_precision=rel / 100 if rel is not None else None,
            )
            if request.POST.get("action") == "save":
                frame = services_sampling.frame_build(
                    campaign=campaign,
                    name=data["name"],
                    zones=chosen,
                    cell_size_m=data["cell_size_m"],
                    plan=plan,
                    actor=request.user,
                )
                design = services_sampling.design_create(
                    frame=frame,
                    name=data["name"],
                    n=data.get("n"),
                    target_se=data.get("target_se"),
                    relative_precision=rel / 100 if rel is not None else None,
                    prior_overrides=data["priors_text"],
                    actor=request.user,
                )
                return redirect("sampling-detail", design_id=design.pk)
            preview = {
                "cells": len(plan.frame.cells),
                "area_m2": plan.outline_area_m2,
                "n": allocation.n,
                "rows": _allocation_rows(priors, allocation.allocation),
            }
        except ApplicationError as exc:
            add_application_error(
                form,
                exc,
                field_map={
                    "priors": "priors_text",
                    "strata": "priors_text",
                    "relative_precision": "relative_precision_pct",
                    "polygons": "zones",
                    "allocation": "n",
                    "minimum": "n",
                },
            )
    return render(
        request,
        "monitoring/sampling_new.html",
        {
            "form": form,
            "preview": preview,
            "campaign": campaign,
            "strata_rule": sampling_strata.STRATA_RULE,
        },
    )


def _design_for_admin(request: HttpRequest, design_id: Any) -> Any:
    design = selectors_sampling.design_get(user=request.user, design_id=design_id)
    _require_design(request, design.frame.unit)
    return design


def _town_people(request: HttpRequest, design: Any) -> Any:
    return person_list(user=request.user).filter(unit__path__startswith=design.frame.unit.path)


def _method(quantity: sampling.QuantityEstimate) -> str:
    label = sampling.METHOD_LABELS.get(quantity.method, quantity.method)
    return f"{label}（自由度 {quantity.df}）" if quantity.method == "t" else label


def _estimate_context(request: HttpRequest, design: Any) -> dict[str, Any]:
    progress = selectors_sampling.design_progress(design=design)
    estimate = None
    error = ""
    if progress.complete:
        try:
            estimate = selectors_sampling.design_estimate(design=design)
        except ApplicationError as exc:
            error = exc.message
    return {
        "progress": progress,
        "estimate": estimate,
        "estimate_error": error,
        "summary": sampling.summary_zh(estimate) if estimate else "",
        "census": selectors_sampling.census(user=request.user, design=design),
        "strata_rows": [
            (s, s.upper_bound_if_zero * 100 if s.upper_bound_if_zero is not None else None)
            for s in (estimate.strata if estimate else ())
        ],
        "area_method": _method(estimate.area_m2) if estimate else "",
        "plants_method": _method(estimate.plants) if estimate else "",
        "bound_pct": estimate.upper_bound_if_zero * 100
        if estimate and estimate.upper_bound_if_zero is not None
        else None,
    }


def _team(design: Any) -> list[Any]:
    """The 抽测 round's people (every task of the round is assigned to the whole team)."""
    if not design.survey_round_id:
        return []
    first = design.survey_round.cells.order_by("code").first()
    return list(first.assignees.all()) if first else []


def _detail_context(request: HttpRequest, design: Any, **extra: Any) -> dict[str, Any]:
    results = selectors_sampling.results_of(design=design)
    cells = list(selectors_sampling.drawn_cells(design=design).order_by("code"))
    team = _team(design)
    planted = [c for c in cells if results.get(c.code) and results[c.code].plants]
    findings = selectors_sampling.findings_in_cells(user=request.user, design=design, cells=planted)
    rows = [
        {
            "cell": c,
            "result": results.get(c.code),
            "findings": findings.get(c.code, []),
            "colour": STRATUM_COLOURS.get(c.stratum, "#adb5bd"),
        }
        for c in cells
    ]
    return {
        "design": design,
        "frame": design.frame,
        "allocation_rows": _allocation_rows(design.priors, design.allocation),
        "rows": rows,
        "team": team,
        "draw_form": extra.pop("draw_form", None) or DrawForm(),
        "round_form": extra.pop("round_form", None)
        or RoundForm(people=_town_people(request, design)),
        "now": now_on_the_clock(),
        "config": {
            "cells": reverse("sampling-cells", args=[design.pk]),
            "basemap": settings.ZEROCROP_BASEMAP_URL,
            "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
            "colours": STRATUM_COLOURS,
        },
        "colours": STRATUM_COLOURS,
        **_estimate_context(request, design),
        **extra,
    }


def sampling_detail(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    return render(request, "monitoring/sampling_detail.html", _detail_context(request, design))


@require_POST
def sampling_draw(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            services_sampling.design_draw(
                design=design, seed=form.cleaned_data.get("seed"), actor=request.user
            )
            return redirect("sampling-detail", design_id=design.pk)
        except ApplicationError as exc:
            add_application_error(form, exc)
    return render(
        request,
        "monitoring/sampling_detail.html",
        _detail_context(request, design, draw_form=form),
        status=400,
    )


@require_POST
def sampling_round(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    form = RoundForm(request.POST, people=_town_people(request, design))
    if form.is_valid():
        try:
            services_sampling.sampling_round_create(
                design=design, team=form.cleaned_data["team"], actor=request.user
            )
            return redirect("sampling-detail", design_id=design.pk)
        except ApplicationError as exc:
            add_application_error(form, exc)
    return render(
        request,
        "monitoring/sampling_detail.html",
        _detail_context(request, design, round_form=form),
        status=400,
    )


def sampling_estimate(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    return render(
        request,
        "monitoring/sampling_estimate.html",
        {"design": design, **_estimate_context(request, design)},
    )


def sampling_cells(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    return geojson_response(request, selectors_sampling.cells_geojson(design=design))


def sampling_design_json(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    if design.selection is None:
        raise PermissionDenied("方案尚未抽取，没有设计文件")
    return export_response(
        request,
        data=selectors_sampling.design_json_bytes(design=design),
        filename=f"抽测设计-{design.name}.json",
        ascii_name="sample-design.json",
        content_type="application/json",
        file_format="json",
        count=design.selection["n"],
        what=f"抽测设计 {design.name}",
    )


def sampling_results_csv(request: HttpRequest, design_id: Any) -> HttpResponse:
    design = _design_for_admin(request, design_id)
    progress = selectors_sampling.design_progress(design=design)
    return export_response(
        request,
        data=selectors_sampling.results_csv_bytes(design=design),
        filename=f"抽测结果-{design.name}.csv",
        ascii_name="sample-results.csv",
        content_type="text/csv; charset=utf-8",
        file_format="csv",
        count=progress.checked,
        what=f"抽测结果 {design.name}",
    )


@require_http_methods(["GET", "POST"])
def sampling_result(request: HttpRequest, design_id: Any, cell_id: Any) -> HttpResponse:
    design, cell, on_team = selectors_sampling.result_cell_get(
        user=request.user, design_id=design_id, cell_id=cell_id
    )
    # A team member checks cells outside their own village: the assignment is the grant.
    may_check = can(request.user, SAMPLING_CHECK, None if on_team else cell.unit)
    if not (may_check or can(request.user, SAMPLING_DESIGN, cell.unit)):
        raise PermissionDenied("无权登记抽测结果")
    existing = selectors_sampling.results_of(design=design).get(cell.code)
    people = selectors_sampling.result_people(user=request.user, design=design)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "area_m2": existing.area_m2,
            "plants": existing.plants,
            "checked_at": existing.checked_at,
            "checked_by": list(existing.checked_by.all()),
            "note": existing.note,
        }
    elif request.user.person_id:
        initial["checked_by"] = [request.user.person_id]
    form = CellResultForm(request.POST or None, people=people, initial=initial)
    back = request.POST.get("back") == "detail" and can(
        request.user, SAMPLING_DESIGN, design.frame.unit
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_sampling.cell_result_record(
                design=design,
                cell=cell,
                area_m2=data["area_m2"],
                plants=data["plants"],
                checked_at=data["checked_at"],
                checked_by=list(data["checked_by"]),
                note=data.get("note") or "",
                actor=request.user,
            )
            if back:
                return redirect(f"{reverse('sampling-detail', args=[design.pk])}#cell-{cell.code}")
            return redirect(f"{reverse('sampling-result', args=[design.pk, cell.pk])}?saved=1")
        except ApplicationError as exc:
            add_application_error(form, exc)
    return render(
        request,
        "monitoring/sampling_result.html",
        {
            "design": design,
            "cell": cell,
            "form": form,
            "result": existing,
            "saved": request.GET.get("saved") == "1" and existing is not None,
            "may_design": can(request.user, SAMPLING_DESIGN, design.frame.unit),
            # Where to walk: the cell on a small map.
            "map_config": {
                "basemap": settings.ZEROCROP_BASEMAP_URL,
                "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
                "geometry": cell.geometry,
                "code": cell.code,
            },
        },
        status=400 if request.method == "POST" else 200,
    )
