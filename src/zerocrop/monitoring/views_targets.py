"""Pages of targets on the ground: the list and map, a target's page, verifying, review."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zerocrop.core.audit_labels import audit_action_label
from zerocrop.core.clock import now_on_the_clock, today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.forms import add_application_error
from zerocrop.core.models import AuditEvent
from zerocrop.core.redirects import safe_next
from zerocrop.findings.capabilities import PHOTO_ORIGINALS
from zerocrop.monitoring import rules, services_targets, states
from zerocrop.monitoring.capabilities import TARGET_IMPORT, TARGET_REVIEW, TARGET_VERIFY
from zerocrop.monitoring.choices import TargetStatus
from zerocrop.monitoring.forms_targets import (
    OVERDUE,
    AssignForm,
    BulkAssignForm,
    ReviewForm,
    TargetFilterForm,
    VerifyForm,
)
from zerocrop.monitoring.models import Target
from zerocrop.monitoring.selectors import (
    batches_visible,
    target_get,
    targets_by_urgency,
    targets_visible,
)
from zerocrop.org.capabilities import UNIT_MANAGE, can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import Person
from zerocrop.org.selectors import person_list, villages_and_communities

LIST_MAX = 500
OPEN = (TargetStatus.PENDING, TargetStatus.RETURNED)
ACTIONS = {
    "verify": "提交核查结果",
    "approve": "审核通过",
    "return": "退回重新核查",
    "assign": "分派核查人员",
    "unassign": "收回分派",
}


def shown_state(target: Target, day: Any) -> states.ShownState:
    return states.target_state(status=target.status, due_on=target.due_on, today=day)


def _filtered(request: HttpRequest, form: TargetFilterForm, day: Any) -> QuerySet[Target]:
    targets = targets_visible(user=request.user)
    if not form.is_valid():
        return targets
    data = form.cleaned_data
    if data.get("batch"):
        targets = targets.filter(batch_id=data["batch"])
    if data.get("unit"):
        targets = targets.filter(unit_id=data["unit"])
    status = data.get("status")
    if status == OVERDUE:
        targets = targets.filter(status__in=OPEN, due_on__lt=day)
    elif status:
        targets = targets.filter(status=status)
    if data.get("result"):
        targets = targets.filter(result=data["result"])
    if data.get("known"):
        targets = targets.filter(locally_known=data["known"] == "yes")
    return targets


def _oversees_town(user: Any) -> bool:
    """The town admin, and the leader and police of the town, see the overdue box."""
    unit = getattr(user, "unit", None)
    return can(user, TARGET_IMPORT) or (
        unit is not None and unit.level in (UnitLevel.TOWN, UnitLevel.COUNTY)
    )


def escalation(*, user: Any, day: Any) -> tuple[int, list[tuple[str, int]]]:
    """Overdue targets still to verify, by village (the town admin's box)."""
    overdue = targets_visible(user=user).filter(status__in=OPEN, due_on__lt=day)
    counts = Counter(overdue.values_list("unit__name", flat=True))
    return sum(counts.values()), sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def target_list(request: HttpRequest) -> HttpResponse:
    day = today()
    form = TargetFilterForm(
        request.GET or None,
        batches=batches_visible(user=request.user),
        units=villages_and_communities(user=request.user),
    )
    targets = _filtered(request, form, day).prefetch_related("assignees")
    total = targets.count()
    shown = targets_by_urgency(targets, today=day)[:LIST_MAX]
    rows = [(t, shown_state(t, day)) for t in shown]
    points = [
        {
            "lon": t.lon,
            "lat": t.lat,
            "label": f"{t.code} · {state.label}",
            "state": state.key,
            "url": reverse("target-detail", args=[t.pk]),
        }
        for t, state in rows
    ]
    overdue_total, overdue_by_unit = (
        escalation(user=request.user, day=day) if _oversees_town(request.user) else (0, [])
    )
    may_assign = any(can(request.user, c) for c in (TARGET_IMPORT, UNIT_MANAGE))
    return render(
        request,
        "monitoring/target_list.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "overdue_total": overdue_total,
            "overdue_by_unit": overdue_by_unit,
            "assign_form": BulkAssignForm(people=_town_people(request.user))
            if may_assign
            else None,
            "config": {
                "basemap": settings.ZEROCROP_BASEMAP_URL,
                "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
                "points": points,
            },
        },
    )


def _may_assign(user: Any, target: Target) -> bool:
    return any(can(user, c, target.unit) for c in (TARGET_IMPORT, UNIT_MANAGE))


def _eligible_people(user: Any, target: Target) -> QuerySet[Person]:
    """People who may verify the target: its unit and below, above it, the town's staff."""
    parts = [p for p in target.unit.path.split("/") if p]
    above = ["".join(f"{p}/" for p in parts[:i]) for i in range(1, len(parts))]
    return person_list(user=user).filter(
        Q(unit__path__startswith=target.unit.path)
        | Q(unit__path__in=above)
        | Q(unit__level__in=[UnitLevel.TOWN, UnitLevel.OFFICE]),
        unit__path__startswith=target.batch.unit.path,
    )


def _town_people(user: Any) -> QuerySet[Person]:
    return person_list(user=user)


@require_POST
def target_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the targets ticked on the list to the chosen people."""
    back = safe_next(request, reverse("target-list"))
    form = BulkAssignForm(request.POST, people=_town_people(request.user))
    if not form.is_valid():
        messages.error(request, "请勾选靶点并选择核查人员")
        return redirect(back)
    ids = [i for i in form.cleaned_data["targets"].split(",") if i]
    try:
        chosen = list(targets_visible(user=request.user).filter(pk__in=ids))
    except (ValueError, DjangoValidationError):
        chosen = []
    if not ids or len(chosen) != len(set(ids)):
        raise PermissionDenied("部分靶点不存在或无权分派")
    if any(not _may_assign(request.user, t) for t in chosen):
        raise PermissionDenied("部分靶点不存在或无权分派")
    persons = list(form.cleaned_data["persons"])
    try:
        count = services_targets.targets_assign(targets=chosen, persons=persons, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {count} 个靶点分派给{'、'.join(p.name for p in persons)}")
    return redirect(back)


def _may_review(user: Any, target: Target) -> bool:
    if target.status != TargetStatus.SUBMITTED or not can(user, TARGET_REVIEW, target.unit):
        return False
    verifiers = set(target.verifiers.values_list("pk", flat=True))
    return not (user.person_id and user.person_id in verifiers) and (
        target.submitted_by_id != user.pk
    )


def timeline(target: Target) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        object_type=Target._meta.label_lower, object_id=str(target.pk)
    ).order_by("seq")
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": ACTIONS.get(e.action) or audit_action_label(e.action),
            "seq": e.seq,
            "reason": (e.after or {}).get("return_reason", "") if e.action == "return" else "",
        }
        for e in events
    ]


def target_detail(request: HttpRequest, target_id: str) -> HttpResponse:
    target = target_get(user=request.user, target_id=target_id)
    day = today()
    may_assign = _may_assign(request.user, target)
    assign_form = (
        AssignForm(people=_eligible_people(request.user, target), village=target.unit)
        if may_assign and target.status in OPEN  # once submitted, the reviewer's turn
        else None
    )
    photos = [
        (
            p,
            services_targets.photo_name(
                code=target.code, seq=p.seq, content_type=p.evidence.content_type
            ),
        )
        for p in target.photos.select_related("evidence")
    ]
    links = list(target.links.select_related("other_target", "plot", "finding"))
    # The linked plots on the map too: the ledger's own record next to the target.
    near_plots = [
        {"type": "Feature", "geometry": link.plot.geometry, "properties": {"name": link.plot.name}}
        for link in links
        if link.plot is not None and link.plot.geometry
    ]
    return render(
        request,
        "monitoring/target_detail.html",
        {
            "target": target,
            "state": shown_state(target, day),
            "attributes": list((target.attributes or {}).items()),
            "links": links,
            "near_plots": near_plots,
            "duplicates": target.duplicates.filter(voided_at__isnull=True),
            "assignees": target.assignees.select_related("unit"),
            "assign_form": assign_form,
            "verifiers": target.verifiers.select_related("unit"),
            "far_arrival": (target.distance_m or 0) > rules.ARRIVAL_WARN_M,
            "arrival_warn_m": rules.ARRIVAL_WARN_M,
            "photos": photos,
            "photo_originals": can(request.user, PHOTO_ORIGINALS, target.unit),
            "may_verify": target.status in OPEN and can(request.user, TARGET_VERIFY, target.unit),
            "may_review": _may_review(request.user, target),
            "timeline": timeline(target),
            "config": {
                "basemap": settings.ZEROCROP_BASEMAP_URL,
                "attribution": settings.ZEROCROP_BASEMAP_ATTRIBUTION,
                "geometry": target.geometry,
                "code": target.code,
                "plots": near_plots,
                "arrival": (
                    [target.arrival_lon, target.arrival_lat]
                    if target.arrival_lon is not None and target.arrival_lat is not None
                    else None
                ),
            },
        },
    )


@require_POST
def target_assign(request: HttpRequest, target_id: str) -> HttpResponse:
    target = target_get(user=request.user, target_id=target_id)
    if not _may_assign(request.user, target):
        raise PermissionDenied("无权分派该靶点的核查人员")
    form = AssignForm(request.POST, people=_eligible_people(request.user, target))
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("target-detail", target_id=target.pk)
    persons = list(form.cleaned_data["persons"])
    try:
        if request.POST.get("action") == "unassign":
            services_targets.targets_unassign(targets=[target], persons=persons, actor=request.user)
            messages.success(request, f"已收回{'、'.join(p.name for p in persons)}的核查任务")
        else:
            services_targets.targets_assign(targets=[target], persons=persons, actor=request.user)
            messages.success(request, f"已分派给{'、'.join(p.name for p in persons)}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("target-detail", target_id=target.pk)


def _earlier(target: Target) -> dict[str, Any]:
    """The sent-back verification's values, to correct rather than type again (not photos)."""
    values: dict[str, Any] = {
        name: getattr(target, name)
        for name in (
            "result",
            "reason",
            "reason_text",
            "verified_at",
            "police_present",
            "arrival_source",
            "arrival_lon",
            "arrival_lat",
            "arrival_accuracy_m",
            "plant_count",
            "found_area_m2",
            "note",
        )
    }
    values["verifiers"] = list(target.verifiers.values_list("pk", flat=True))
    values["duplicate_of"] = target.duplicate_of_id
    if target.finding is not None:
        values.update(
            species=target.finding.species,
            species_name=target.finding.species_name,
            stage=target.finding.stage,
            setting=target.finding.setting,
        )
    return values


@require_http_methods(["GET", "POST"])
def target_verify(request: HttpRequest, target_id: str) -> HttpResponse:
    target = target_get(user=request.user, target_id=target_id)
    if not can(request.user, TARGET_VERIFY, target.unit):
        raise PermissionDenied("无权核查该靶点")
    if target.status not in OPEN:
        messages.info(request, f"该靶点{target.get_status_display()}，不能再次提交核查")
        return redirect("target-detail", target_id=target.pk)
    known = services_targets.known_finding(target)
    people = _eligible_people(request.user, target)
    others = (
        targets_visible(user=request.user)
        .filter(batch__unit=target.batch.unit)
        .exclude(pk=target.pk)
    )
    initial: dict[str, Any] = {"verified_at": now_on_the_clock(), "link_known": True}
    if request.user.person_id:
        initial["verifiers"] = [request.user.person_id]
    if target.status == TargetStatus.RETURNED and target.result:
        initial.update(_earlier(target))
    form = VerifyForm(
        request.POST or None, request.FILES or None, people=people, others=others, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_targets.target_verify(
                target=target,
                result=data["result"],
                verifiers=list(data["verifiers"]),
                verified_at=data["verified_at"],
                photos=form.photos(),
                arrival_lon=data.get("arrival_lon"),
                arrival_lat=data.get("arrival_lat"),
                arrival_accuracy_m=data.get("arrival_accuracy_m"),
                arrival_source=data.get("arrival_source") or "",
                reason=data.get("reason") or "",
                reason_text=data.get("reason_text") or "",
                duplicate_of=data.get("duplicate_of"),
                police_present=bool(data.get("police_present")),
                plant_count=data.get("plant_count"),
                found_area_m2=data.get("found_area_m2"),
                species=data.get("species") or "",
                species_name=data.get("species_name") or "",
                stage=data.get("stage") or "",
                setting=data.get("setting") or "",
                link_known=bool(data.get("link_known")) and known is not None,
                note=data.get("note") or "",
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc, field_map={"photos": None})
        else:
            messages.success(request, f"已提交靶点{target.code}的核查结果，等待审核")
            return redirect("target-detail", target_id=target.pk)
    return render(
        request,
        "monitoring/target_verify.html",
        {
            "target": target,
            "form": form,
            "known": known,
            "state": shown_state(target, today()),
            "config": {"lon": target.lon, "lat": target.lat},
            # A long phone form: name the fields to correct at its top, and that the browser
            # dropped the chosen photos.
            "error_labels": [str(f.label) for f in form.visible_fields() if f.errors],
            "photos_dropped": bool(request.FILES),
        },
    )


@require_POST
def target_review(request: HttpRequest, target_id: str) -> HttpResponse:
    target = target_get(user=request.user, target_id=target_id)
    if not can(request.user, TARGET_REVIEW, target.unit):
        raise PermissionDenied("无权审核该靶点的核查结果")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择通过或退回")
        return redirect("target-detail", target_id=target.pk)
    approve = form.cleaned_data["approve"] == "1"
    try:
        services_targets.target_review(
            target=target,
            approve=approve,
            reason=form.cleaned_data.get("reason") or "",
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核通过" if approve else "已退回重新核查")
    return redirect("target-detail", target_id=target.pk)
