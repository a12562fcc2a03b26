"""Batch pages: the list, one batch, and the import (upload → preview → 确认导入).

Thin views: the file is staged by `core.uploads` (namespace "target_batch"), read by
`services_batches.batch_read_path` (bounded child process), planned and saved by the service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from shapely.geometry import mapping

from zerocrop.campaigns.models import Campaign
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_visible
from zerocrop.core.uploads import (
    StagedUpload,
    StagedUploadError,
    staged_delete,
    staged_get,
    staged_save,
)
from zerocrop.monitoring import columns, rules, services_batches
from zerocrop.monitoring.batch_files import ENCODING_LABELS
from zerocrop.monitoring.capabilities import TARGET_IMPORT
from zerocrop.monitoring.choices import BatchFormat, LinkKind, TargetStatus
from zerocrop.monitoring.forms_batches import BatchUploadForm, ColumnMapForm, map_initial
from zerocrop.monitoring.models import Target, TargetLink
from zerocrop.monitoring.selectors import batch_get, batches_visible, targets_visible
from zerocrop.monitoring.states import target_state
from zerocrop.org.capabilities import can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit

NAMESPACE = "target_batch"
NO_IMPORT_RIGHT = "只有镇管理员可以导入靶点批次"
UPLOAD_GONE = "上传的文件已过期、已导入或不属于本次登录，请重新上传。"
PREVIEW_ROWS = 20
MAP_FEATURES = 2000


def import_town(user: Any) -> AdminUnit:
    """The town a user imports into; PermissionDenied when they may not import."""
    if not can(user, TARGET_IMPORT):
        raise PermissionDenied(NO_IMPORT_RIGHT)
    unit = user.unit
    if unit is None and user.is_superuser:
        unit = AdminUnit.objects.filter(level=UnitLevel.TOWN).order_by("path").first()
    if unit is None or unit.level != UnitLevel.TOWN:
        raise PermissionDenied(NO_IMPORT_RIGHT)
    return unit


def _campaigns(town: AdminUnit) -> list[Campaign]:
    every = Campaign.objects.select_related("unit").order_by("-year", "name")
    return [c for c in every if town.path.startswith(c.unit.path)]


def _map_config(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "features": {"type": "FeatureCollection", "features": features[:MAP_FEATURES]},
        "basemap": settings.ZEROCROP_BASEMAP_URL,
        "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
    }


# --------------------------------------------------------------------------- list, detail


def _links(target: Target) -> list[str]:
    """What a target lies near, in words: 地块「房后1号地」（毛布拉格村，0 米，下发前已有）."""
    shown = []
    for link in target.links.all():
        gap = f"{link.distance_m:.0f} 米"
        known = "，下发前已有" if link.known_before else ""
        if link.kind == LinkKind.PLOT and link.plot:
            what = f"地块「{link.plot.name}」（{link.plot.unit.name}，{gap}{known}）"
        elif link.kind == LinkKind.FINDING and link.finding:
            found = timezone.localtime(link.finding.found_at)
            what = f"发现点 {found:%Y-%m-%d}（{link.finding.unit.name}，{gap}{known}）"
        elif link.kind == LinkKind.TARGET and link.other_target:
            other = link.other_target
            what = f"靶点「{other.code}」（批次「{other.batch.name}」，{gap}）"
        else:
            what = f"{link.get_kind_display()}（{gap}）"
        shown.append(what)
    return shown


@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = list(
        batches_visible(user=request.user).annotate(
            target_count=Count("targets", filter=Q(targets__voided_at=None), distinct=True)
        )
    )
    visible = targets_visible(user=request.user)
    mine = dict(
        visible.values_list("batch_id").annotate(n=Count("id")).values_list("batch_id", "n")
    )
    overdue = dict(
        visible.filter(due_on__lt=today(), status__in=[TargetStatus.PENDING, TargetStatus.RETURNED])
        .values_list("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    rows = [(b, mine.get(b.pk, 0), overdue.get(b.pk, 0)) for b in batches]
    return render(
        request,
        "monitoring/batch_list.html",
        {"rows": rows, "can_import": can(request.user, TARGET_IMPORT)},
    )


@require_GET
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = batch_get(user=request.user, batch_id=batch_id)
    targets = list(
        targets_visible(user=request.user)
        .filter(batch=batch)
        .prefetch_related(
            Prefetch(
                "links",
                queryset=TargetLink.objects.exclude(kind=LinkKind.MERGED).select_related(
                    "plot__unit", "finding__unit", "other_target__batch"
                ),
            )
        )
        .order_by("row_index", "code")
    )
    day = today()
    rows = [
        (t, target_state(status=t.status, due_on=t.due_on, today=day), _links(t)) for t in targets
    ]
    by_status: dict[str, int] = {}
    for _, state, _ in rows:
        by_status[state.label] = by_status.get(state.label, 0) + 1
    by_village: dict[str, int] = {}
    for target in targets:
        by_village[target.unit.name] = by_village.get(target.unit.name, 0) + 1
    features = [
        {
            "type": "Feature",
            "geometry": t.geometry,
            "properties": {
                "label": t.code,
                "state": state.key,
                "url": reverse("target-detail", args=[t.pk]),
            },
        }
        for t, state, _ in rows
    ]
    context = {
        "batch": batch,
        "rows": rows,
        "by_status": sorted(by_status.items()),
        "by_village": sorted(by_village.items(), key=lambda item: -item[1]),
        "known": sum(1 for t in targets if t.locally_known),
        "merged": sum(len(t.merged_codes) for t in targets),
        "file_visible": evidence_visible(user=request.user, evidence=batch.source_file),
        "may_export": can(request.user, TARGET_IMPORT, batch.unit),
        "encoding_label": ENCODING_LABELS.get(batch.encoding, batch.encoding),
        "column_labels": [(columns.FIELD_LABELS[k], v) for k, v in batch.column_map.items()],
        "config": _map_config(features),
    }
    return render(request, "monitoring/batch_detail.html", context)


# --------------------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def batch_import(request: HttpRequest) -> HttpResponse:
    """Upload the file with the batch's facts; it is read, then previewed (nothing saved)."""
    town = import_town(request.user)
    form = BatchUploadForm(request.POST or None, request.FILES or None, campaigns=_campaigns(town))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staged = staged_save(
                session=request.session,
                namespace=NAMESPACE,
                name=upload.name,
                data=upload,
                meta=form.meta(),
                max_bytes=services_batches.max_bytes(),
            )
        except StagedUploadError as exc:
            form.add_error("file", exc.message)
        else:
            try:
                services_batches.batch_read_path(
                    path=staged.path,
                    name=staged.original_name,
                    source_crs=staged.meta["source_crs"],
                )
            except ApplicationError as exc:
                staged_delete(session=request.session, namespace=NAMESPACE, token=staged.token)
                form.add_error("file", exc.message)
            else:
                url = reverse("batch-import-preview")
                return redirect(f"{url}?token={staged.token}")
    status = 400 if form.errors else 200
    return render(request, "monitoring/batch_import.html", {"form": form}, status=status)


def _staged(request: HttpRequest, token: str) -> StagedUpload | None:
    return staged_get(session=request.session, namespace=NAMESPACE, token=token)


def _preview_rows(plan: services_batches.BatchPlan) -> list[dict[str, Any]]:
    units = {t.row.index: t for t in plan.targets}
    merged_into = {m.index: t.row.code for t in plan.targets for m, _ in t.merged}
    rows = []
    for row in plan.mapped.rows[:PREVIEW_ROWS]:
        planned = units.get(row.index)
        rows.append(
            {
                "line": row.line,
                "cells": [(c, row.cells.get(c, "")) for c in plan.table.columns],
                "unit": planned.unit.name if planned else "",
                "outside": planned.outside if planned else False,
                "merged_into": merged_into.get(row.index, ""),
                "error": row.error,
            }
        )
    return rows


def _preview_features(plan: services_batches.BatchPlan) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": mapping(t.row.geometry),
            "properties": {
                "label": t.row.code,
                "state": "outside" if t.outside else ("merged" if t.merged else "ok"),
                "url": "",
            },
        }
        for t in plan.targets
    ]


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _render_preview(
    request: HttpRequest,
    *,
    town: AdminUnit,
    staged: StagedUpload,
    form: ColumnMapForm,
    table: Any,
    column_map: dict[str, str],
    distance_m: float | None,
    status: int = 200,
) -> HttpResponse:
    meta = staged.meta
    plan = services_batches.batch_plan(
        town=town,
        table=table,
        column_map=column_map,
        source_crs=meta["source_crs"],
        distance_m=distance_m,
        issuer=meta["issuer"],
        doc_number=meta["doc_number"],
    )
    context = {
        "staged": staged,
        "meta": meta,
        "issued_on": _date(meta["issued_on"]),
        "due_on": _date(meta["due_on"]),
        "form": form,
        "table": table,
        "format_label": BatchFormat(table.file_format).label,
        "encoding_label": ENCODING_LABELS.get(table.encoding, table.encoding),
        "plan": plan,
        "refusal": plan.refusal(),
        "rows": _preview_rows(plan),
        "rows_truncated": len(plan.mapped.rows) > PREVIEW_ROWS,
        "bad_rows": plan.bad_rows[:200],
        "merges": [(t.row, m, gap) for t in plan.targets for m, gap in t.merged][:200],
        "config": _map_config(_preview_features(plan)),
    }
    return render(request, "monitoring/batch_import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
def batch_import_preview(request: HttpRequest) -> HttpResponse:
    """The column map (guessed, changeable), counts, bad rows, merges, a map; then 确认导入."""
    town = import_town(request.user)
    token = request.POST.get("token") or request.GET.get("token", "")
    staged = _staged(request, token)
    if staged is None:
        messages.error(request, UPLOAD_GONE)
        return redirect("batch-import")
    meta = staged.meta
    try:
        table = services_batches.batch_read_path(
            path=staged.path, name=staged.original_name, source_crs=meta["source_crs"]
        )
    except ApplicationError as exc:
        staged_delete(session=request.session, namespace=NAMESPACE, token=token)
        messages.error(request, exc.message)
        return redirect("batch-import")
    if request.method == "GET":
        guess = columns.guess_columns(table.columns)
        form = ColumnMapForm(
            initial={"token": token, "distance_m": rules.match_distance_m()} | map_initial(guess),
            columns=table.columns,
        )
        return _render_preview(
            request,
            town=town,
            staged=staged,
            form=form,
            table=table,
            column_map=guess,
            distance_m=None,
        )
    form = ColumnMapForm(request.POST, columns=table.columns)
    if not form.is_valid():
        fallback = columns.guess_columns(table.columns)
        return _render_preview(
            request,
            town=town,
            staged=staged,
            form=form,
            table=table,
            column_map=fallback,
            distance_m=None,
            status=400,
        )
    column_map = form.column_map()
    distance = form.cleaned_data["distance_m"]
    if request.POST.get("action") != "import":
        return _render_preview(
            request,
            town=town,
            staged=staged,
            form=form,
            table=table,
            column_map=column_map,
            distance_m=distance,
        )
    campaign = next((c for c in _campaigns(town) if str(c.pk) == meta["campaign"]), None)
    try:
        batch = services_batches.batch_import(
            town=town,
            table=table,
            column_map=column_map,
            file_bytes=staged.read_bytes(),
            original_name=staged.original_name,
            name=meta["name"],
            issuer=meta["issuer"],
            issuer_level=meta["issuer_level"],
            doc_number=meta["doc_number"],
            issued_on=date.fromisoformat(meta["issued_on"]),
            due_on=date.fromisoformat(meta["due_on"]),
            imagery_date=_date(meta["imagery_date"]),
            source_crs=meta["source_crs"],
            campaign=campaign,
            distance_m=distance,
            actor=request.user,
        )
    except services_batches.BatchAlreadyImported as exc:
        staged_delete(session=request.session, namespace=NAMESPACE, token=token)
        link = reverse("batch-detail", args=[exc.batch.pk])
        messages.warning(request, format_html('{} <a href="{}">查看该批次</a>', exc.message, link))
        return redirect("batch-detail", batch_id=exc.batch.pk)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _render_preview(
            request,
            town=town,
            staged=staged,
            form=form,
            table=table,
            column_map=column_map,
            distance_m=distance,
            status=400,
        )
    staged_delete(session=request.session, namespace=NAMESPACE, token=token)
    messages.success(request, f"已导入批次「{batch.name}」：{batch.targets.count()} 个靶点。")
    return redirect("batch-detail", batch_id=batch.pk)


@require_POST
def batch_import_cancel(request: HttpRequest) -> HttpResponse:
    staged_delete(session=request.session, namespace=NAMESPACE, token=request.POST.get("token", ""))
    return redirect("batch-list")
