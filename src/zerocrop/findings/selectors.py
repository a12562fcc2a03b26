"""Reads of findings, always scoped to the user's units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from zerocrop.core.audit_labels import audit_action_label
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.findings import discovery, rules
from zerocrop.findings.choices import FindingStatus
from zerocrop.findings.discovery import Discovery
from zerocrop.findings.legal import (
    SPECIES_LABELS,
    RouteSuggestion,
    StatuteRow,
    StatuteTable,
    StatuteTableError,
    default_table,
    suggest_route,
)
from zerocrop.findings.models import Eradication, Finding, FindingPhoto, Recheck
from zerocrop.findings.states import LABELS, State, state_of
from zerocrop.findings.statute_models import StatuteVerification
from zerocrop.org.models import AdminUnit


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


# ---------------------------------------------------------------------------------------------
# The legal route and the verified statutes (issue 10, "Legal route")


def statute_table() -> StatuteTable:
    """The shipped statute table with the latest in-app verification of each row applied."""
    table = default_table()
    latest: dict[str, StatuteVerification] = {}
    for entry in StatuteVerification.objects.order_by("entered_at", "created_at"):
        latest[entry.row_key] = entry
    for key, entry in latest.items():
        try:
            table = table.with_verified_article(
                key=key,
                article=entry.article,
                excerpt=entry.excerpt,
                source=entry.source,
                clauses_checked=False,  # the user checked the article, not our 款、项
            )
        except StatuteTableError:
            continue  # a row no longer shipped: its old verification applies to nothing
    return table


@dataclass(frozen=True)
class StatuteRowState:
    """One row of the table as shipped and as applied, with its latest in-app verification."""

    shipped: StatuteRow
    applied: StatuteRow
    entry: StatuteVerification | None


def statute_rows() -> list[StatuteRowState]:
    applied = statute_table()
    entries: dict[str, StatuteVerification] = {}
    for entry in StatuteVerification.objects.select_related("entered_by").order_by(
        "entered_at", "created_at"
    ):
        entries[entry.row_key] = entry
    return [
        StatuteRowState(shipped=row, applied=applied.row(row.key), entry=entries.get(row.key))
        for row in default_table().rows
    ]


def statute_history() -> QuerySet[StatuteVerification]:
    return StatuteVerification.objects.select_related("entered_by").order_by("-entered_at")


@dataclass(frozen=True)
class LegalRoute:
    """The suggested route of a finding, or why none can be given (`problem`, Chinese)."""

    suggestion: RouteSuggestion | None
    problem: str = ""


def finding_legal_route(*, finding: Finding, table: StatuteTable | None = None) -> LegalRoute:
    """`legal.suggest_route` on the finding's facts and date, with the verified statutes.

    For police and the town admin only: the caller checks `visibility.sees_police_fields`
    (the facts used include the police-only prior handling).
    """
    if finding.species not in SPECIES_LABELS:
        return LegalRoute(None, "该发现点不是罂粟或大麻，条文表不覆盖，请由公安机关依法认定。")
    area = finding.area_m2 if finding.area_m2 and finding.area_m2 > 0 else None
    try:
        suggestion = suggest_route(
            species=finding.species,
            plants=finding.plant_count,
            area_m2=area,
            unsprouted=not finding.sprouted,
            prior_handling=finding.prior_handled,
            resisted=finding.resisted,
            self_removed_before_maturity=finding.self_removed,
            on=timezone.localtime(finding.found_at).date(),
            table=table or statute_table(),
        )
    except ApplicationError as exc:
        return LegalRoute(None, f"无法给出建议：{exc.message}")
    return LegalRoute(suggestion)


# ---------------------------------------------------------------------------------------------
# 发现率: who found each site first (see findings.discovery)


@dataclass(frozen=True)
class UnitDiscovery:
    unit: AdminUnit
    figures: Discovery


def _discovery_rows(*, user: Any, campaign: Any, unit: Any) -> list[tuple[Any, str]]:
    findings = finding_list(user=user, campaign=campaign)
    if unit is not None:
        findings = findings.filter(unit__path__startswith=unit.path)
    return [
        (unit_id, discovery.first_finder(source, known))
        for unit_id, source, known in findings.values_list("unit_id", "source", "known_locally")
    ]


def discovery_total(*, user: Any, campaign: Any = None, unit: Any = None) -> Discovery:
    return discovery.discovery_total(
        source for _, source in _discovery_rows(user=user, campaign=campaign, unit=unit)
    )


def discovery_by_unit(*, user: Any, campaign: Any = None, unit: Any = None) -> list[UnitDiscovery]:
    """Each unit with sites, those with the most local misses first."""
    by_unit = discovery.discovery_by_unit(_discovery_rows(user=user, campaign=campaign, unit=unit))
    units = AdminUnit.objects.in_bulk(list(by_unit))
    rows = [UnitDiscovery(units[pk], figures) for pk, figures in by_unit.items() if pk in units]
    return sorted(rows, key=lambda r: (-r.figures.local_misses, r.unit.name))
