from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zerocrop.campaigns.context_processors import request_top_campaign
from zerocrop.campaigns.selectors import campaign_list
from zerocrop.core.clock import now_on_the_clock, today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.export_jobs import export_respond
from zerocrop.core.forms import VoidForm, add_application_error
from zerocrop.findings import rules, selectors, selectors_persons, services
from zerocrop.findings.capabilities import FINDING_ERADICATE, FINDING_RECORD, STATUTE_VERIFY
from zerocrop.findings.choices import FindingStatus, PhotoPhase
from zerocrop.findings.evidence import photo_checks, sees_photo_originals
from zerocrop.findings.forms import (
    EradicateForm,
    FindingEditForm,
    FindingFilterForm,
    FindingForm,
    PoliceFieldsForm,
    RecheckForm,
    StatuteVerificationForm,
)
from zerocrop.findings.ledger import FINDING_EXPORT
from zerocrop.findings.visibility import sees_legal_route, sees_police_fields
from zerocrop.geo.models import UnitBoundary
from zerocrop.org.capabilities import can
from zerocrop.org.selectors import person_list, villages_and_communities


def _map_base() -> dict[str, Any]:
    return {
        "basemap": settings.ZEROCROP_BASEMAP_URL,
        "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
    }


def _boundaries(units: Any) -> list[dict[str, Any]]:
    return [b.geometry for b in UnitBoundary.objects.filter(unit__in=list(units))]


def finding_list(request: HttpRequest) -> HttpResponse:
    villages = villages_and_communities(user=request.user)
    form = FindingFilterForm(request.GET or None, units=villages)
    params: dict[str, str] = {}
    if form.is_valid():
        params = {k: v for k, v in form.cleaned_data.items() if v}
    day = today()
    findings = selectors.finding_list(
        user=request.user,
        unit_id=params.get("unit"),
        species=params.get("species", ""),
        state=params.get("state", ""),
        source=params.get("source", ""),
        today=day,
    ).prefetch_related("photos")
    if request.GET.get("export") == "xlsx":
        return export_respond(request, kind=FINDING_EXPORT, params=params, count=findings.count())
    shown = list(findings.select_related("grower")[:500])
    police = sees_police_fields(request.user)
    repeat = (
        selectors_persons.repeat_planting_ids(
            [f for f in shown if sees_police_fields(request.user, f)]
        )
        if police
        else set()
    )
    rows = [(f, selectors.finding_state(f, today=day), f.pk in repeat) for f in shown]
    points = [
        {
            "lon": f.lon,
            "lat": f.lat,
            "label": str(f),
            "state": state.value,
            "url": reverse("finding-detail", args=[f.pk]),
        }
        for f, state, _ in rows
    ]
    return render(
        request,
        "findings/finding_list.html",
        {
            "form": form,
            "rows": rows,
            "total": findings.count(),
            "can_record": can(request.user, FINDING_RECORD),
            "export_query": request.GET.copy().urlencode(),
            "config": {**_map_base(), "points": points},
        },
    )


def _growers(request: HttpRequest) -> Any:
    return selectors_persons.key_person_list(user=request.user)


def _record_choices(request: HttpRequest) -> tuple[Any, Any, Any]:
    villages = [
        u
        for u in villages_and_communities(user=request.user)
        if can(request.user, FINDING_RECORD, u)
    ]
    if not villages:
        raise PermissionDenied("无权登记发现点")
    units = villages_and_communities(user=request.user).filter(pk__in=[u.pk for u in villages])
    return units, campaign_list(user=request.user), person_list(user=request.user)


def finding_create(request: HttpRequest) -> HttpResponse:
    units, campaigns, people = _record_choices(request)
    police = sees_police_fields(request.user)
    top = request_top_campaign(request)
    initial: dict[str, Any] = {
        "unit": units.first().pk if units.count() == 1 else None,
        "campaign": top.pk if top else None,
        "found_at": now_on_the_clock(),
    }
    if request.user.person_id:
        initial["found_by"] = [request.user.person_id]
    form = FindingForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        campaigns=campaigns,
        people=people,
        initial=initial,
    )
    police_form = (
        PoliceFieldsForm(request.POST or None, growers=_growers(request), prefix="police")
        if police
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (police_form is None or police_form.is_valid())
    ):
        data = form.cleaned_data
        extra = police_form.cleaned_data if police_form is not None else {}
        try:
            finding = services.finding_record(
                unit=data["unit"],
                campaign=data.get("campaign"),
                geometry=data.get("outline")
                or {"type": "Point", "coordinates": [data["lon"], data["lat"]]},
                source_crs=data["source_crs"],
                place=data.get("place") or "",
                species=data["species"],
                species_name=data.get("species_name") or "",
                stage=data["stage"],
                setting=data["setting"],
                sprouted=bool(data.get("sprouted")),
                counting_method=data["counting_method"],
                plant_count=data.get("plant_count"),
                area_m2=data.get("area_m2"),
                quadrats=data.get("quadrats") or [],
                source=data["source"],
                source_ref=data.get("source_ref") or "",
                found_at=data["found_at"],
                found_by=list(data["found_by"]),
                resisted=bool(data.get("resisted")),
                self_removed=bool(data.get("self_removed")),
                reported_at=data.get("reported_at"),
                report_receiver=data.get("report_receiver") or "",
                note=data.get("note") or "",
                photos=[(p.name, p) for p in data.get("photos") or []],
                actor=request.user,
                **_police_kwargs(extra),
            )
        except ApplicationError as exc:
            add_application_error(form, exc, field_map={"location": None})
        else:
            messages.success(request, f"已登记发现点：{finding}")
            return redirect("finding-detail", finding_id=finding.pk)
    return render(
        request,
        "findings/finding_form.html",
        {
            "form": form,
            "police_form": police_form,
            "config": {**_map_base(), "boundaries": _boundaries(units)},
        },
    )


def _police_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    if not data:
        return {}
    return {
        "grower": data.get("grower"),
        "grower_unowned": bool(data.get("grower_unowned")),
        "prior_handled": bool(data.get("prior_handled")),
        "prior_handling": data.get("prior_handling") or "",
    }


def finding_detail(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    day = today()
    state = selectors.finding_state(finding, today=day)
    police = sees_police_fields(request.user, finding)
    photos = photo_checks(finding=finding, photos=list(finding.photos.all()))
    police_form = None
    if police:
        police_form = PoliceFieldsForm(
            growers=_growers(request),
            prefix="police",
            initial={
                "grower": finding.grower_id,
                "grower_unowned": finding.grower_unowned,
                "prior_handled": finding.prior_handled,
                "prior_handling": finding.prior_handling,
            },
        )
    deadlines = rules.deadlines()
    return render(
        request,
        "findings/finding_detail.html",
        {
            "finding": finding,
            "state": state,
            "police": police,
            "police_form": police_form,
            "photo_originals": sees_photo_originals(request.user, finding.unit),
            "repeat_planting": police and selectors_persons.is_repeat_planting(finding),
            "cases": selectors_persons.cases_of_finding(user=request.user, finding=finding),
            "sees_cases": selectors_persons.sees_cases(request.user),
            "found_photos": [p for p in photos if p.phase == PhotoPhase.FOUND],
            "eradications": [
                (e, [p for p in photos if p.eradication_id == e.pk])
                for e in finding.eradications.all()
            ],
            "rechecks": [
                (r, [p for p in photos if p.recheck_id == r.pk]) for r in finding.rechecks.all()
            ],
            "timeline": selectors.finding_timeline(finding=finding),
            "eradicate_by": deadlines.eradicate_by(timezone.localtime(finding.open_since).date()),
            "recheck_by": (
                deadlines.recheck_by(timezone.localtime(finding.eradicated_at).date())
                if finding.eradicated_at
                else None
            ),
            "can_eradicate": not finding.is_void
            and finding.status == FindingStatus.OPEN
            and can(request.user, FINDING_ERADICATE, finding.unit),
            "can_recheck": not finding.is_void
            and finding.status == FindingStatus.ERADICATED
            and can(request.user, FINDING_ERADICATE, finding.unit),
            "can_void": not finding.is_void and can(request.user, FINDING_RECORD, finding.unit),
            "can_edit": not finding.is_void and can(request.user, FINDING_RECORD, finding.unit),
            "void_form": VoidForm(),
            "config": {**_map_base(), "geometry": finding.geometry},
            "legal": (
                selectors.finding_legal_route(finding=finding)
                if sees_legal_route(request.user, finding)
                else None
            ),
            "can_verify_statutes": can(request.user, STATUTE_VERIFY),
        },
    )


def finding_eradicate(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    if not can(request.user, FINDING_ERADICATE, finding.unit):
        raise PermissionDenied("无权登记铲除")
    if finding.is_void:
        messages.error(request, "该发现点已作废，不能登记铲除")
        return redirect("finding-detail", finding_id=finding.pk)
    people = person_list(user=request.user)
    initial: dict[str, Any] = {
        "done_at": now_on_the_clock(),
        "plants_destroyed": finding.plant_count or None,
    }
    if request.user.person_id:
        initial["done_by"] = [request.user.person_id]
    form = EradicateForm(
        request.POST or None, request.FILES or None, people=people, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_eradicate(
                finding=finding,
                done_at=data["done_at"],
                method=data["method"],
                done_by=list(data["done_by"]),
                witnesses=list(data["witnesses"]),
                plants_destroyed=data["plants_destroyed"],
                destruction=data["destruction"],
                before_photos=[(p.name, p) for p in data["before_photos"]],
                after_photos=[(p.name, p) for p in data["after_photos"]],
                note=data.get("note") or "",
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已登记铲除")
            return redirect("finding-detail", finding_id=finding.pk)
    return render(
        request,
        "findings/action_form.html",
        {"finding": finding, "form": form, "title": "登记铲除", "submit": "保存铲除记录"},
    )


def finding_recheck(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    if not can(request.user, FINDING_ERADICATE, finding.unit):
        raise PermissionDenied("无权登记复查")
    if finding.is_void:
        messages.error(request, "该发现点已作废，不能登记复查")
        return redirect("finding-detail", finding_id=finding.pk)
    people = person_list(user=request.user)
    initial: dict[str, Any] = {"done_at": now_on_the_clock()}
    if request.user.person_id:
        initial["done_by"] = [request.user.person_id]
    form = RecheckForm(request.POST or None, request.FILES or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_recheck(
                finding=finding,
                done_at=data["done_at"],
                done_by=list(data["done_by"]),
                regrowth=bool(data.get("regrowth")),
                regrowth_plants=data.get("regrowth_plants") or 0,
                photos=[(p.name, p) for p in data["photos"]],
                note=data.get("note") or "",
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已登记复查")
            return redirect("finding-detail", finding_id=finding.pk)
    return render(
        request,
        "findings/action_form.html",
        {"finding": finding, "form": form, "title": "登记复查", "submit": "保存复查记录"},
    )


def finding_edit(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    if not can(request.user, FINDING_RECORD, finding.unit) or finding.is_void:
        raise PermissionDenied("无权修改该发现点")
    fields = list(FindingEditForm.base_fields)
    form = FindingEditForm(
        request.POST or None, initial={name: getattr(finding, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != getattr(finding, k)}
        try:
            if changes:
                services.finding_update(finding=finding, changes=changes, actor=request.user)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已保存修改" if changes else "没有修改")
            return redirect("finding-detail", finding_id=finding.pk)
    return render(
        request,
        "findings/action_form.html",
        {"finding": finding, "form": form, "title": "修改发现点", "submit": "保存修改"},
    )


@require_POST
def finding_police(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    if not sees_police_fields(request.user, finding):
        raise PermissionDenied("无权填写种植人信息")
    form = PoliceFieldsForm(request.POST, growers=_growers(request), prefix="police")
    if form.is_valid():
        try:
            services.finding_update(
                finding=finding, changes=_police_kwargs(form.cleaned_data), actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存种植人信息")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("finding-detail", finding_id=finding.pk)


@require_POST
def finding_void(request: HttpRequest, finding_id: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    if not can(request.user, FINDING_RECORD, finding.unit):
        raise PermissionDenied("无权作废发现点")
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.finding_void(
                finding=finding, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已作废")
    return redirect("finding-detail", finding_id=finding.pk)


# ---------------------------------------------------------------------------------------------
# Verified statutes (issue 10, "Legal route")


def statute_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, STATUTE_VERIFY):
        raise PermissionDenied("无权查看和核实条文表")
    rows = selectors.statute_rows()
    names = {r.shipped.key: r.shipped.statute for r in rows}
    initial_key = request.GET.get("row", "")
    form = StatuteVerificationForm(
        request.POST or None,
        rows=[r.shipped for r in rows],
        initial={"row_key": initial_key} if initial_key else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.statute_verify(
                row_key=data["row_key"],
                article=data["article"],
                excerpt=data["excerpt"],
                source=data["source"],
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已录入核实结果：{entry.row_key} {entry.article}")
            return redirect("statute-list")
    return render(
        request,
        "findings/statute_list.html",
        {
            "rows": rows,
            "form": form,
            "history": [
                (entry, names.get(entry.row_key, entry.row_key))
                for entry in selectors.statute_history()[:50]
            ],
        },
    )
