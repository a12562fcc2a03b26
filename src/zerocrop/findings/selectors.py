"""Reads of findings, always scoped to the user's units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from zerocrop.core.audit_labels import audit_action_label
from zerocrop.core.models import AuditEvent
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.findings import rules
from zerocrop.findings.choices import FindingStatus
from zerocrop.findings.models import Eradication, Finding, FindingPhoto, Recheck
from zerocrop.findings.states import LABELS, State, state_of


def parse_uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def state_q(state: str, *, today: date) -> Q:
    """The findings in a shown state on `today` (the SQL side of `states.state_of`)."""
    deadlines = rules.deadlines()
    # Overdue when today > open_since's date + N days, i.e. open_since < start of (today - N).
    open_cutoff = _start_of(today - timedelta(days=deadlines.eradicate_days))
    recheck_cutoff = _start_of(today - timedelta(days=deadlines.recheck_days) + timedelta(days=1))
    if state == State.OPEN:
        return Q(status=FindingStatus.OPEN, open_since__gte=open_cutoff)
    if state == State.OVERDUE:
        return Q(status=FindingStatus.OPEN, open_since__lt=open_cutoff)
    if state == State.ERADICATED:
        return Q(status=FindingStatus.ERADICATED, eradicated_at__gte=recheck_cutoff)
    if state == State.RECHECK_DUE:
        return Q(status=FindingStatus.ERADICATED, eradicated_at__lt=recheck_cutoff)
    if state == State.RECHECKED:
        return Q(status=FindingStatus.RECHECKED)
    return Q()


def finding_state(finding: Finding, *, today: date) -> State:
    return state_of(
        status=finding.status,
        open_since=timezone.localtime(finding.open_since).date(),
        eradicated_on=(
            timezone.localtime(finding.eradicated_at).date() if finding.eradicated_at else None
        ),
        today=today,
        deadlines=rules.deadlines(),
    )


def state_label(state: State) -> str:
    return LABELS[state]


def finding_list(
    *,
    user: Any,
    unit_id: Any = None,
    species: str = "",
    state: str = "",
    source: str = "",
    campaign: Any = None,
    plot: Any = None,
    today: date | None = None,
    include_void: bool = False,
) -> QuerySet[Finding]:
    findings = visible_to(Finding.objects.select_related("unit", "plot", "campaign"), user)
    if not include_void:
        findings = findings.filter(voided_at__isnull=True)
    if unit_id:
        findings = findings.filter(unit_id=unit_id)
    if species:
        findings = findings.filter(species=species)
    if source:
        findings = findings.filter(source=source)
    if campaign is not None:
        findings = findings.filter(campaign=campaign)
    if plot is not None:
        findings = findings.filter(plot=plot)
    if state:
        findings = findings.filter(state_q(state, today=today or timezone.localdate()))
    return findings


def finding_get(*, user: Any, finding_id: Any) -> Finding:
    findings = Finding.objects.select_related(
        "unit", "plot", "campaign", "grower", "created_by", "voided_by"
    ).prefetch_related(
        "found_by",
        Prefetch(
            "eradications",
            queryset=Eradication.objects.prefetch_related("done_by", "witnesses", "photos"),
        ),
        Prefetch("rechecks", queryset=Recheck.objects.prefetch_related("done_by", "photos")),
        Prefetch("photos", queryset=FindingPhoto.objects.select_related("evidence__created_by")),
    )
    return get_visible_or_404(findings, user, pk=finding_id)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    seq: int


def finding_timeline(*, finding: Finding) -> list[TimelineEntry]:
    """What was done to the finding, from the audit chain: when, who, what (never the values,
    which hold police-only facts)."""
    events = AuditEvent.objects.filter(
        object_type=Finding._meta.label_lower, object_id=str(finding.pk)
    ).order_by("seq")
    return [
        TimelineEntry(at=e.at, actor=e.actor_label, action=audit_action_label(e.action), seq=e.seq)
        for e in events
    ]


@dataclass(frozen=True)
class Totals:
    sites: int
    plants: int
    eradicated_sites: int
    eradicated_plants: int
    overdue: int
    recheck_due: int
    rechecked: int
    recheck_total: int


def totals(*, user: Any, campaign: Any = None, unit: Any = None, today: date) -> Totals:
    findings = finding_list(user=user, campaign=campaign, today=today)
    if unit is not None:
        findings = findings.filter(unit__path__startswith=unit.path)
    rows = list(findings.values("pk", "plant_count", "status"))
    destroyed = dict(
        Eradication.objects.filter(finding__in=findings)
        .values_list("finding")
        .annotate(total=Sum("plants_destroyed"))
        .values_list("finding", "total")
    )
    plants = sum(r["plant_count"] for r in rows)
    done = [r for r in rows if r["status"] != FindingStatus.OPEN]
    # A site's eradicated plants count at most its found plants (regrowth is not a new find).
    eradicated_plants = sum(min(destroyed.get(r["pk"], 0), r["plant_count"]) for r in rows)
    rechecked = findings.filter(pk__in=Recheck.objects.values("finding")).count()
    recheck_due = findings.filter(state_q(State.RECHECK_DUE, today=today)).count()
    return Totals(
        sites=len(rows),
        plants=plants,
        eradicated_sites=len(done),
        eradicated_plants=eradicated_plants,
        overdue=findings.filter(state_q(State.OVERDUE, today=today)).count(),
        recheck_due=recheck_due,
        rechecked=rechecked,
        recheck_total=rechecked + recheck_due,
    )


def rechecks_due(*, user: Any, campaign: Any = None, today: date) -> list[tuple[Finding, date]]:
    """Eradicated findings waiting for their re-check, with the date it is (was) due."""
    findings = finding_list(user=user, campaign=campaign).filter(status=FindingStatus.ERADICATED)
    deadlines = rules.deadlines()
    due = [
        (f, deadlines.recheck_by(timezone.localtime(f.eradicated_at).date()))
        for f in findings.order_by("eradicated_at")
        if f.eradicated_at
    ]
    return due
