"""Geo file pages: import (upload → preview → commit) and export of plots and zones.

Thin views: parse, check permission, call one service or selector. Reading and converting
files lives in `geo.readers`, saving in `geo.services.geo_import_preview`, building export
files in `geo.downloads` / `geo.exports` / `geo.writers`, the staged uploads in `geo.uploads`
(on `core.uploads`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zerocrop.core.downloads import download_response
from zerocrop.core.errors import ApplicationError
from zerocrop.core.export_jobs import export_respond
from zerocrop.core.uploads import StagedUpload
from zerocrop.geo import attributes, exports, selectors, services, uploads
from zerocrop.geo.downloads import PLOTS_EXPORT, zones_download
from zerocrop.geo.features import GeoFileError, GeoPreview
from zerocrop.geo.filters import filtered_plots
from zerocrop.geo.forms_files import (
    PLOT_LEVELS,
    GeoUploadForm,
    ImportTargetForm,
    is_admin_kind,
)
from zerocrop.org.capabilities import UNIT_MANAGE, ZONE_IMPORT, can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit
from zerocrop.org.selectors import unit_list

NO_IMPORT_RIGHT = "只有镇管理员和村干部可以导入地块"
UPLOAD_GONE = "上传的文件已过期、已导入或不属于本次登录，请重新上传。"


# --------------------------------------------------------------------------- shared helpers


def importable_units(user: Any) -> list[AdminUnit]:
    """Villages/communities the user may manage; town admins also get their town (zones)."""
    units = unit_list(user=user, levels=[UnitLevel.TOWN, *PLOT_LEVELS]).order_by(
        "level", "sort_order", "name"
    )
    villages = [u for u in units if u.level in PLOT_LEVELS and can(user, UNIT_MANAGE, u)]
    if not villages:
        return []
    towns = [u for u in units if u.level == UnitLevel.TOWN and can(user, UNIT_MANAGE, u)]
    return [*(towns if can(user, ZONE_IMPORT) else []), *villages]


# --------------------------------------------------------------------------- import

TARGET_FIELDS = ("token", "unit", "kind", "risk", attributes.CODE_FIELD, attributes.NAME_FIELD)


def _columns(preview: GeoPreview, form: ImportTargetForm | None = None) -> attributes.Columns:
    """The file's columns with the form's choice (its data, or its initial) or the guesses."""
    chosen = None if form is None else (form.data if form.is_bound else form.initial)
    return attributes.choose_columns(preview.features, chosen=chosen)


def _mapped(preview: GeoPreview, columns: attributes.Columns) -> GeoPreview:
    """The preview whose features carry the code and name from the chosen columns."""
    features = attributes.apply_columns(
        preview.features, code_column=columns.code, name_column=columns.name
    )
    return replace(preview, features=features)


def _chosen_unit(form: ImportTargetForm, units: list[AdminUnit]) -> AdminUnit | None:
    value = form.data.get("unit") if form.is_bound else form.initial.get("unit")
    return next((u for u in units if str(u.pk) == str(value or "")), None)


def _import_rights(request: HttpRequest) -> list[AdminUnit]:
    units = importable_units(request.user)
    if not units:
        raise PermissionDenied(NO_IMPORT_RIGHT)
    return units


def _render_preview(
    request: HttpRequest,
    *,
    stored: StagedUpload,
    preview: GeoPreview,
    form: ImportTargetForm,
    units: list[AdminUnit],
    status: int = 200,
) -> HttpResponse:
    boundaries = list(
        selectors.boundary_list(user=request.user).filter(unit__in=[u.pk for u in units])
    )
    columns = _columns(preview, form)
    preview = _mapped(preview, columns)
    unit = _chosen_unit(form, units)
    village = unit.name if unit is not None and unit.level in PLOT_LEVELS else None
    file_notes = attributes.file_notes(
        preview.features,
        columns=columns,
        unit_name=village,
        known=[u.name for u in units if u.level in PLOT_LEVELS],
    )
    rows = exports.preview_rows(preview)
    if village:
        for row in rows:  # what an unnamed plot will be called
            if not row["name"] and row["polygonal"]:
                index = int(str(row["number"])) - 1
                row["auto_name"] = attributes.default_plot_name(unit_name=village, index=index)
    polygons = sum(1 for f in preview.features if exports.is_polygonal(f.geometry))
    rejected = set(preview.rejected)
    min_lon, min_lat, max_lon, max_lat = preview.bbox
    context = {
        "upload": stored,
        "preview": preview,
        "form": form,
        "polygon_count": polygons,
        "skipped_count": len(preview.features) - polygons,
        "geometry_types": exports.preview_geometry_types(preview),
        "notes": [w for w in preview.warnings if w not in rejected],
        "file_notes": file_notes,
        "columns": columns,
        "rows": rows,
        "rows_truncated": len(preview.features) > exports.PREVIEW_TABLE_ROWS,
        "map_truncated": len(preview.features) > exports.PREVIEW_MAP_FEATURES,
        "bbox": preview.bbox,
        # Importing the same file twice makes duplicate plots: say so before it happens.
        "already_imported": selectors.plot_list(user=request.user)
        .filter(source=stored.original_name)
        .count(),
        "config": {
            "features": exports.preview_map_data(preview),
            "boundaries": exports.boundary_map_data(boundaries),
            "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
            "basemap": settings.ZEROCROP_BASEMAP_URL,
            "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
        },
    }
    return render(request, "geo/import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
def geo_import(request: HttpRequest) -> HttpResponse:
    """Upload a geo file and show what it holds (nothing is saved yet)."""
    units = _import_rights(request)
    form = GeoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored, preview = uploads.save_and_read(
                request.session, form.cleaned_data["file"], crs=form.cleaned_data["source_crs"]
            )
        except GeoFileError as exc:
            form.add_error("file", str(exc))
        else:
            plot_units = [u for u in units if u.level in PLOT_LEVELS]
            boundaries = list(
                selectors.boundary_list(user=request.user).filter(
                    unit__in=[u.pk for u in plot_units]
                )
            )
            columns = _columns(preview)
            initial: dict[str, Any] = {
                "token": stored.token,
                "code_column": columns.code or "",
                "name_column": columns.name or "",
            }
            suggested = exports.suggest_unit_id(preview, boundaries)
            if not suggested and columns.unit:
                named = attributes.unit_named_in(
                    preview.features, column=columns.unit, names=[u.name for u in plot_units]
                )
                suggested = next((str(u.pk) for u in plot_units if u.name == named), None)
            if suggested:
                initial["unit"] = suggested
            target = ImportTargetForm(
                initial=initial,
                units=units,
                allow_zones=can(request.user, ZONE_IMPORT),
                columns=columns.names,
            )
            return _render_preview(
                request, stored=stored, preview=preview, form=target, units=units
            )
    status = 400 if form.errors else 200
    return render(request, "geo/import_upload.html", {"form": form}, status=status)


@require_POST
def geo_import_commit(request: HttpRequest) -> HttpResponse:
    """Save every polygon of the previewed file into the chosen unit, all or nothing."""
    units = _import_rights(request)
    posted_unit = request.POST.get("unit", "")
    if posted_unit and posted_unit not in {str(u.pk) for u in units}:
        raise PermissionDenied("无权导入到该单位")
    allow_zones = can(request.user, ZONE_IMPORT)
    if is_admin_kind(request.POST.get("kind", "")) and not allow_zones:
        raise PermissionDenied("只有镇管理员可以导入区域")
    token = request.POST.get("token", "")
    stored = uploads.load_upload(request.session, token)
    if stored is None:
        messages.error(request, UPLOAD_GONE)
        return redirect("geo-import")
    try:
        preview = uploads.read_upload(request.session, stored)
    except GeoFileError as exc:
        messages.error(request, str(exc))
        return redirect("geo-import")
    names = _columns(preview).names
    if request.POST.get("action") == "refresh":
        # The user chose other columns or another unit: show the preview again, save nothing.
        initial = {f: request.POST.get(f, "") for f in TARGET_FIELDS if f in request.POST}
        form = ImportTargetForm(
            initial=initial, units=units, allow_zones=allow_zones, columns=names
        )
        return _render_preview(request, stored=stored, preview=preview, form=form, units=units)
    form = ImportTargetForm(request.POST, units=units, allow_zones=allow_zones, columns=names)
    if form.is_valid():
        columns = _columns(preview, form)
        mapped = _mapped(preview, columns)
        problems = (
            attributes.code_problems(mapped.features, column=columns.code) if columns.code else []
        )
        try:
            if problems:
                raise ApplicationError("；".join(problems))
            result = services.geo_import_preview(
                preview=mapped,
                unit=form.cleaned_data["target_unit"],
                kind=form.cleaned_data["kind"],
                risk=form.cleaned_data["risk"],
                source=stored.original_name,
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            uploads.delete_upload(request.session, token)
            messages.success(request, str(result))
            if result.zones or result.boundary is not None:
                return redirect("geo-map")
            return redirect(f"{reverse('plot-list')}?unit={result.unit.pk}")
    return _render_preview(
        request, stored=stored, preview=preview, form=form, units=units, status=400
    )


# --------------------------------------------------------------------------- export


@require_GET
def plots_export(request: HttpRequest) -> HttpResponse:
    """The plot ledger as listed (same filters, same scope) as GeoJSON, KML or Excel.

    A large ledger is built by a background job (see `core.export_jobs`).
    """
    fmt = request.GET.get("format", "")
    if fmt not in exports.PLOT_FORMATS:
        return HttpResponseBadRequest("导出格式须为 geojson、kml 或 xlsx。")
    _, plots = filtered_plots(user=request.user, data=request.GET)
    return export_respond(
        request,
        kind=PLOTS_EXPORT,
        params={"format": fmt, "query": request.GET.urlencode()},
        count=plots.count(),
    )


@require_GET
def zones_export(request: HttpRequest) -> HttpResponse:
    """The zones the user can see (their units and the units above) as GeoJSON or KML."""
    fmt = request.GET.get("format", "")
    if fmt not in exports.ZONE_FORMATS:
        return HttpResponseBadRequest("导出格式须为 geojson 或 kml。")
    return download_response(request, zones_download(user=request.user, fmt=fmt))
