from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zerocrop.campaigns.context_processors import request_top_campaign, show_campaign
from zerocrop.campaigns.selectors import campaign_list
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence_views import evidence_response
from zerocrop.core.export_jobs import export_respond
from zerocrop.core.forms import add_application_error
from zerocrop.core.jobs import job_kind_label
from zerocrop.core.jobs_models import JobStatus
from zerocrop.core.redirects import safe_next
from zerocrop.geo.features import GeoFileError
from zerocrop.org.capabilities import FIELDWORK, ROUND_CREATE, UNIT_MANAGE, can
from zerocrop.org.ordering import units_tree_sorted
from zerocrop.org.selectors import person_list, unit_list, villages_and_communities
from zerocrop.patrols import rules, selectors, services
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.forms import AssignForm, PatrolForm, ReasonForm, RoundForm
from zerocrop.patrols.ledger import DEAD_CORNER_EXPORT
from zerocrop.patrols.track_files import tracks_from_upload
from zerocrop.patrols.track_staging import (
    track_release,
    track_stage,
    track_upload,
    warnings_digest,
)


def _villages(request: HttpRequest, survey_round: Any = None) -> Any:
    units = villages_and_communities(user=request.user)
    if survey_round is not None:
        units = units.filter(pk__in=survey_round.units.all())
    return units


def _chosen_campaign(request: HttpRequest, campaigns: Any) -> Any:
    """The campaign asked for by ?campaign= (or the posted form), if the user may see it."""
    wanted = selectors.parse_uuid(request.POST.get("campaign") or request.GET.get("campaign"))
    return campaigns.filter(pk=wanted).first() if wanted else None


def round_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaign_list(user=request.user)
    chosen = _chosen_campaign(request, campaigns)
    if chosen is not None:
        show_campaign(request, chosen)
    found = selectors.round_list(user=request.user).select_related("campaign__unit")
    if chosen is not None:
        found = found.filter(campaign=chosen)
    rounds = [(r, selectors.round_progress(user=request.user, survey_round=r)[0]) for r in found]
    return render(
        request,
        "patrols/round_list.html",
        {
            "rounds": rounds,
            "can_create": can(request.user, ROUND_CREATE),
            "campaigns": list(campaigns) if campaigns.count() > 1 else [],
            "chosen": chosen,
            "page_campaign": request_top_campaign(request),
        },
    )


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, ROUND_CREATE):
        raise PermissionDenied("只有镇管理员可以创建踏查轮次")
    campaigns = campaign_list(user=request.user)
    # Defaults to the campaign of the page the user came from (the top bar's).
    campaign = _chosen_campaign(request, campaigns) or request_top_campaign(request)
    if campaign is None:
        messages.error(request, "请先创建行动")
        return redirect("campaign-list")
    show_campaign(request, campaign)
    posted = None
    if request.method == "POST":
        posted = request.POST.copy()
        posted.setdefault("campaign", str(campaign.pk))  # a post to ?campaign= names it there
    form = RoundForm(
        posted,
        campaigns=campaigns,
        campaign=campaign,
        windows=campaign.critical_windows.all(),
        units=_villages(request).filter(path__startswith=campaign.unit.path),
    )
    past_warning = None
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        ends_on = data.get("ends_on") or data["window"].ends_on
        past_warning = rules.past_window_warning(ends_on=ends_on, today=today())
        if past_warning is None or data["confirm_past"]:
            created = _round_create(request, form, campaign=campaign)
            if created is not None:
                return created
            past_warning = None
    return render(
        request,
        "patrols/round_form.html",
        {"form": form, "campaign": campaign, "past_warning": past_warning},
    )


def _round_create(request: HttpRequest, form: RoundForm, *, campaign: Any) -> HttpResponse | None:
    """Create the round from a valid form: a redirect to it, or None with the form's errors."""
    data = form.cleaned_data
    try:
        survey_round = services.round_create(
            campaign=campaign,
            window=data["window"],
            name=data["name"] or "",
            units=list(data["units"]),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            cell_size_m=data["cell_size_m"],
            threshold=data["threshold_pct"] / 100,
            radius_m=data["radius_m"],
            actor=request.user,
        )
    except ApplicationError as exc:
        add_application_error(form, exc, field_map={"threshold": "threshold_pct"})
        return None
    messages.success(
        request, f"已创建「{survey_round.name}」，共 {survey_round.cells.count()} 个踏查任务"
    )
    return redirect("round-detail", round_id=survey_round.pk)


def _map_config(survey_round: Any) -> dict[str, Any]:
    return {
        "round": str(survey_round.pk),
        "basemap": settings.ZEROCROP_BASEMAP_URL,
        "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
        "threshold": survey_round.threshold,
    }


def round_detail(request: HttpRequest, round_id: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    total, by_unit = selectors.round_progress(user=request.user, survey_round=survey_round)
    return render(
        request,
        "patrols/round_detail.html",
        {
            "round": survey_round,
            "total": total,
            "by_unit": by_unit,
            "days_left": (survey_round.ends_on - today()).days,
            "patrols": selectors.patrol_list(user=request.user, survey_round=survey_round)[:20],
            "config": _map_config(survey_round),
        },
    )


@require_http_methods(["GET", "POST"])
def round_assign(request: HttpRequest, round_id: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    villages = units_tree_sorted(_villages(request, survey_round))
    unit = selectors.unit_choice(villages, request.GET.get("unit")) or next(iter(villages), None)
    unit_id = str(unit.pk) if unit else ""
    cells = selectors.cell_list(user=request.user, survey_round=survey_round).filter(unit=unit)
    people = person_list(user=request.user).filter(
        unit__path__startswith=survey_round.campaign.unit.path
    )
    form = AssignForm(request.POST or None, people=people, village=unit)
    if request.method == "POST" and form.is_valid():
        ids = [selectors.parse_uuid(i) for i in form.cleaned_data["cells"].split(",") if i]
        if None in ids:
            raise PermissionDenied("部分任务不存在或无权分配")
        chosen = list(
            selectors.cell_list(user=request.user, survey_round=survey_round).filter(pk__in=ids)
        )
        if len(chosen) != len(ids) or any(
            not can(request.user, UNIT_MANAGE, c.unit) for c in chosen
        ):
            raise PermissionDenied("部分任务不存在或无权分配")
        try:
            count = services.cells_assign(
                cells=chosen,
                people=list(form.cleaned_data["people"]),
                team=form.cleaned_data["team"],
                actor=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            names = "、".join(p.name for p in form.cleaned_data["people"])
            messages.success(request, f"已将 {count} 个任务分包给{names}")
        return redirect(f"{request.path}?unit={unit_id}")
    return render(
        request,
        "patrols/round_assign.html",
        {
            "round": survey_round,
            "villages": villages,
            "unit": unit,
            "unit_id": unit_id,
            "cells": cells.prefetch_related("assignees"),
            "form": form,
        },
    )


def _track_times(tracks: list, started_at: Any, ended_at: Any) -> tuple[Any, Any]:
    """Fill a missing start or end from the first and last fix times of the track."""
    times = [fix.time for track in tracks for fix in track if fix.time is not None]
    if not times:
        raise ApplicationError("轨迹文件中没有时间，请填写开始和结束时间", field="started_at")
    return started_at or min(times), ended_at or max(times)


@require_http_methods(["GET", "POST"])
def patrol_create(request: HttpRequest, round_id: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    villages = [u for u in _villages(request, survey_round) if can(request.user, FIELDWORK, u)]
    if not villages:
        raise PermissionDenied("无权登记踏查记录")
    people = person_list(user=request.user).filter(
        unit__path__startswith=survey_round.campaign.unit.path
    )
    initial: dict[str, Any] = {"unit": villages[0].pk}
    if request.user.person_id:
        initial["people"] = [request.user.person_id]
    form = PatrolForm(
        request.POST or None,
        request.FILES or None,
        units=unit_list(user=request.user).filter(pk__in=[u.pk for u in villages]),
        people=people,
        initial=initial,
    )
    context: dict[str, Any] = {"round": survey_round, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = None
        try:
            upload = track_upload(session=request.session, data=data)
            tracks, warnings = [], []
            if upload is not None:
                read = tracks_from_upload(upload.raw, name=upload.name, source_crs=upload.crs)
                tracks, warnings = read.tracks, read.warnings
            started_at, ended_at = data.get("started_at"), data.get("ended_at")
            if not (started_at and ended_at):
                started_at, ended_at = _track_times(tracks, started_at, ended_at)
            chosen = list(data["people"])
            check = None
            if upload is not None:
                first = services.patrol_duplicate(
                    survey_round=survey_round,
                    people=chosen,
                    sha256=hashlib.sha256(upload.raw).hexdigest(),
                )
                if first is not None:
                    raise services.DuplicateTrack(first)
                check = services.patrol_track_check(
                    survey_round=survey_round,
                    unit=data["unit"],
                    people=chosen,
                    started_at=started_at,
                    ended_at=ended_at,
                    tracks=tracks,
                    actor=request.user,
                )
                digest = warnings_digest(check.warnings)
                if check.warnings and request.POST.get("confirm") != digest:
                    bound = form.data.copy()
                    bound["track_token"] = track_stage(session=request.session, upload=upload)
                    form.data = bound
                    context["confirm"] = {
                        "digest": digest,
                        "warnings": check.warnings,
                        "track_name": upload.name,
                        "photos": len(upload.photos),
                    }
                    return render(request, "patrols/patrol_form.html", context)
            before = survey_round.cells.filter(state=CellState.SURVEYED).count()
            record = services.patrol_record_create(
                survey_round=survey_round,
                unit=data["unit"],
                people=chosen,
                started_at=started_at,
                ended_at=ended_at,
                result=data["result"],
                note=data.get("note") or "",
                tracks=tracks,
                track_source=upload.name if upload else "",
                track_bytes=upload.raw if upload else None,
                photos=upload.photos if upload else [(p.name, p) for p in data["photos"]],
                warnings=check.warnings if check else (),
                cleaned=check.cleaned if check else None,
                actor=request.user,
            )
        except services.DuplicateTrack as exc:
            track_release(session=request.session, upload=upload)
            context["duplicate"] = exc.record
            add_application_error(form, exc)
        except GeoFileError as exc:  # the track file itself was refused
            add_application_error(form, exc, field_map={None: "track"})
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            track_release(session=request.session, upload=upload)
            for warning in warnings:
                messages.warning(request, warning)
            km = record.track_length_m / 1000
            job = selectors.patrol_coverage_job(record=record)
            if job is None or job.status == JobStatus.DONE:
                newly = survey_round.cells.filter(state=CellState.SURVEYED).count() - before
                coverage = f"新完成踏查任务 {max(newly, 0)} 个"
            else:
                coverage = "覆盖率正在后台计算，可在踏查记录页查看进度"
            cleaning = f"（{record.cleaning_summary.text}）" if record.track else ""
            messages.success(
                request,
                f"已登记踏查记录：轨迹 {record.track_points} 点、{km:.1f} 公里"
                f"{cleaning}，{coverage}",
            )
            if record.warnings:
                messages.warning(request, "已记录登记时的提醒：" + "；".join(record.warnings))
            return redirect("round-detail", round_id=survey_round.pk)
    return render(request, "patrols/patrol_form.html", context)


def round_review(request: HttpRequest, round_id: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    cells = (
        selectors.cell_list(user=request.user, survey_round=survey_round)
        .filter(state__in=[CellState.SURVEYED, CellState.UNREACHABLE])
        .prefetch_related("assignees")
    )
    walkers = selectors.round_walkers(user=request.user, survey_round=survey_round)
    rows = [(cell, walkers.get(cell.unit_id, [])) for cell in cells]
    return render(request, "patrols/round_review.html", {"round": survey_round, "rows": rows})


@require_POST
def cell_action(request: HttpRequest, cell_id: str, action: str) -> HttpResponse:
    cell = selectors.cell_get(user=request.user, cell_id=cell_id)
    back = safe_next(request, reverse("round-review", kwargs={"round_id": cell.round_id}))
    needs_reason = action in {"invalidate", "unreachable"}
    reason = ""
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(form.errors["reason"]))
            return redirect(back)
        reason = form.cleaned_data["reason"]
    allowed = (
        can(request.user, FIELDWORK, cell.unit)
        if action in {"validate", "invalidate"}
        else can(request.user, UNIT_MANAGE, cell.unit)
    )
    if not allowed:
        raise PermissionDenied("无权进行此操作")
    try:
        if action == "validate":
            services.cell_validate(cell=cell, reviewer=request.user)
        elif action == "invalidate":
            services.cell_invalidate(cell=cell, reviewer=request.user, reason=reason)
        elif action == "unreachable":
            services.cell_mark_unreachable(cell=cell, reason=reason, actor=request.user)
        elif action == "reopen":
            services.cell_reopen(cell=cell, actor=request.user)
        else:
            raise PermissionDenied("未知操作")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"任务 {cell.code} 已更新")
    return redirect(back)


def dead_corner_report(request: HttpRequest, round_id: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    villages = units_tree_sorted(_villages(request, survey_round))
    unit = selectors.unit_choice(villages, request.GET.get("unit"))
    unit_id = str(unit.pk) if unit else None
    corners = selectors.dead_corners(
        user=request.user, survey_round=survey_round, today=today(), unit_id=unit_id
    )
    if request.GET.get("format") == "xlsx":
        return export_respond(
            request,
            kind=DEAD_CORNER_EXPORT,
            params={"round": str(survey_round.pk), "unit": unit_id or ""},
            count=len(corners),
        )
    return render(
        request,
        "patrols/dead_corners.html",
        {
            "round": survey_round,
            "corners": corners,
            "villages": villages,
            "unit_id": unit_id or "",
            "days_left": (survey_round.ends_on - today()).days,
            "config": {**_map_config(survey_round), "deadOnly": True, "unit": unit_id},
        },
    )


def patrol_detail(request: HttpRequest, record_id: str) -> HttpResponse:
    record = selectors.patrol_get(user=request.user, record_id=record_id)
    job = selectors.patrol_coverage_job(record=record)
    return render(
        request,
        "patrols/patrol_detail.html",
        {
            "record": record,
            "photos": record.photos.all(),
            "walkers": selectors.patrol_walkers(record=record),
            "job": job,
            "job_label": job_kind_label(job.kind) if job else "",
            "config": {
                "track": record.track,
                "basemap": settings.ZEROCROP_BASEMAP_URL,
                "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
            },
        },
    )


def photo_file(request: HttpRequest, photo_id: str) -> FileResponse:
    """The old address of a photo (the page links the evidence view now)."""
    photo = selectors.photo_get(user=request.user, photo_id=photo_id)
    return evidence_response(request, photo.evidence)


def my_tasks(request: HttpRequest) -> HttpResponse:
    """A grid worker's phone page: what is still to walk, sent-back cells first."""
    return render(
        request,
        "patrols/my_tasks.html",
        {"groups": selectors.my_open_cells(user=request.user), "today": today()},
    )
