from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zerocrop.core.errors import ApplicationError
from zerocrop.core.forms import VoidForm
from zerocrop.core.redirects import safe_next
from zerocrop.core.units import SQUARE_METRES_PER_MU
from zerocrop.geo import attributes, selectors, services
from zerocrop.geo.choices import RISK_COLOURS, PlotKind, RiskClass
from zerocrop.geo.filters import filtered_plots
from zerocrop.geo.forms import AssignForm
from zerocrop.org.capabilities import UNIT_MANAGE, can
from zerocrop.org.selectors import person_list, villages_and_communities


def map_page(request: HttpRequest) -> HttpResponse:
    boundaries = selectors.boundary_list(user=request.user)
    extent = None
    if boundaries.exists():
        from django.db.models import Max, Min

        agg = boundaries.aggregate(Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat"))
        extent = [
            agg["min_lat__min"],
            agg["min_lon__min"],
            agg["max_lat__max"],
            agg["max_lon__max"],
        ]
    config = {
        "extent": extent,
        "basemap": settings.ZEROCROP_BASEMAP_URL,
        "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
        "riskColours": RISK_COLOURS,
        "riskLabels": dict(RiskClass.choices),
        "kindLabels": dict(PlotKind.choices),
        "squareMetresPerMu": SQUARE_METRES_PER_MU,
        "units": [
            {"id": str(u.pk), "name": u.name}
            for u in villages_and_communities(user=request.user)
            if can(request.user, UNIT_MANAGE, u)
        ],
    }
    return render(
        request,
        "geo/map.html",
        {
            "config": config,
            "is_demo": selectors.plot_list(user=request.user).filter(is_demo=True).exists(),
        },
    )


def plot_list(request: HttpRequest) -> HttpResponse:
    form, plots = filtered_plots(user=request.user, data=request.GET)
    page = Paginator(plots, 50).get_page(request.GET.get("page"))
    people = person_list(user=request.user)
    villages = list(villages_and_communities(user=request.user))
    village = next((u for u in villages if str(u.pk) == request.GET.get("unit")), None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "geo/plot_list.html",
        {
            "form": form,
            "page": page,
            "total": plots.count(),
            "assign_form": AssignForm(people=people, village=village),
            "query": query.urlencode(),
            "can_import": any(can(request.user, UNIT_MANAGE, u) for u in villages),
        },
    )


@require_POST
def plots_assign(request: HttpRequest) -> HttpResponse:
    people = person_list(user=request.user)
    form = AssignForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, "请选择地块和责任人")
        return redirect("plot-list")
    try:
        ids = {UUID(i) for i in form.cleaned_data["plots"].split(",") if i.strip()}
    except ValueError:
        ids = set()
    if not ids:
        messages.error(request, "没有选中有效的地块，未作任何修改")
        return redirect("plot-list")
    plots = list(selectors.plot_list(user=request.user).filter(pk__in=ids))
    if len(plots) != len(ids):
        messages.error(request, "部分地块不存在或无权操作，未作任何修改")
        return redirect("plot-list")
    if any(not can(request.user, UNIT_MANAGE, p.unit) for p in plots):
        raise PermissionDenied("无权为这些地块指定责任人")
    responsible = form.cleaned_data["responsible"]  # None clears the responsible person
    try:
        count = services.plots_assign_responsible(
            plots=plots, responsible=responsible, actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        who = responsible.name if responsible else "无人（已取消包保）"
        messages.success(request, f"已将 {count} 个地块的包保责任人设为{who}")
    return redirect(safe_next(request, reverse("plot-list")))


def plot_detail(request: HttpRequest, plot_id: str) -> HttpResponse:
    plot = selectors.plot_get(user=request.user, plot_id=plot_id, with_voider=True)
    return render(
        request,
        "geo/plot_detail.html",
        {
            "plot": plot,
            "history": plot.history.all(),
            "source_attributes": [
                (key, attributes.value_text(value) if value is not None else None)
                for key, value in (plot.source_attributes or {}).items()
            ],
            "config": {
                "plot": plot.geometry,
                "risk": plot.risk,
                "riskColours": RISK_COLOURS,
                "basemap": settings.ZEROCROP_BASEMAP_URL,
                "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
            },
        },
    )


@require_POST
def plot_void(request: HttpRequest, plot_id: str) -> HttpResponse:
    plot = selectors.plot_get(user=request.user, plot_id=plot_id)
    if not can(request.user, UNIT_MANAGE, plot.unit):
        raise PermissionDenied("无权作废该地块")
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["reason"]))
        return redirect("plot-detail", plot_id=plot.pk)
    try:
        services.plot_void(plot=plot, reason=form.cleaned_data["reason"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已作废地块：{plot}（不再出现在台账和地图中）")
    return redirect("plot-detail", plot_id=plot.pk)
