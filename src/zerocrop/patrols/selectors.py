from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, F, FloatField, QuerySet, Sum
from django.http import Http404

from zerocrop.campaigns.selectors import campaign_list
from zerocrop.core.jobs_models import Job
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.org.models import AdminUnit
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import PatrolPhoto, PatrolRecord, SurveyRound, TaskCell
from zerocrop.patrols.services import RECOMPUTE_COVERAGE
from zerocrop.patrols.states import Progress, progress_from_counts


def round_list(*, user: Any) -> QuerySet[SurveyRound]:
    return SurveyRound.objects.filter(campaign__in=campaign_list(user=user)).select_related(
        "campaign", "window"
    )


def round_get(*, user: Any, round_id: Any) -> SurveyRound:
    try:
        return round_list(user=user).get(pk=round_id)
    except (SurveyRound.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("不存在或无权查看") from exc


def parse_uuid(value: Any) -> UUID | None:
    """A UUID from a query string or form value, None when it is not one (never an error)."""
    try:
        return UUID(str(value))
    except ValueError:
        return None


def unit_choice(units: Iterable[AdminUnit], value: Any) -> AdminUnit | None:
    """The unit among ``units`` that ``value`` (e.g. ``?unit=``) names, else None."""
    wanted = parse_uuid(value) if value else None
    return next((u for u in units if u.pk == wanted), None)


def cell_list(*, user: Any, survey_round: SurveyRound) -> QuerySet[TaskCell]:
    return visible_to(survey_round.cells.select_related("unit", "plot", "zone"), user)


def cell_get(*, user: Any, cell_id: Any) -> TaskCell:
    return get_visible_or_404(
        TaskCell.objects.select_related("round", "round__campaign", "unit"), user, pk=cell_id
    )


@dataclass
class UnitProgress:
    unit: AdminUnit
    progress: Progress
    counts: dict[str, int]


def round_progress(*, user: Any, survey_round: SurveyRound) -> tuple[Progress, list[UnitProgress]]:
    """Surveyed and validated shares, for the round and per unit (unreachable left out)."""
    rows = (
        cell_list(user=user, survey_round=survey_round)
        .values("unit", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_unit: dict[Any, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for row in rows:
        per_unit.setdefault(row["unit"], {})[row["state"]] = row["n"]
        totals[row["state"]] = totals.get(row["state"], 0) + row["n"]
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=per_unit)}
    by_unit = [
        UnitProgress(units[pk], progress_from_counts(counts), counts)
        for pk, counts in per_unit.items()
    ]
    by_unit.sort(key=lambda r: (r.unit.sort_order, r.unit.name))
    return progress_from_counts(totals), by_unit


@dataclass
class DeadCorner:
    cell: TaskCell
    days_left: int
    assignees: list[str]

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def dead_corners(
    *, user: Any, survey_round: SurveyRound, today: date, unit_id: Any = None
) -> list[DeadCorner]:
    """Cells not yet covered (not surveyed or validated, not unreachable), overdue first."""
    cells = cell_list(user=user, survey_round=survey_round).filter(
        state__in=[CellState.READY, CellState.ASSIGNED, CellState.INVALIDATED]
    )
    if unit_id:
        cells = cells.filter(unit_id=unit_id)
    days_left = (survey_round.ends_on - today).days
    corners = [
        DeadCorner(cell, days_left, [p.name for p in cell.assignees.all()])
        for cell in cells.prefetch_related("assignees")
    ]
    corners.sort(
        key=lambda c: (
            c.cell.state != CellState.INVALIDATED,
            c.cell.state != CellState.READY,
            c.cell.covered_fraction,
            c.cell.unit.sort_order,
            c.cell.code,
        )
    )
    return corners


def patrol_list(*, user: Any, survey_round: SurveyRound | None = None) -> QuerySet[PatrolRecord]:
    records = visible_to(PatrolRecord.objects.select_related("unit", "round"), user)
    if survey_round is not None:
        records = records.filter(round=survey_round)
    return records.prefetch_related("people")


@dataclass(frozen=True)
class NamedWalker:
    """A person named as walker on a patrol record, and who named them if not themselves."""

    name: str
    named_by: str = ""


def _walkers(record: PatrolRecord) -> list[NamedWalker]:
    uploader = record.created_by
    return [
        NamedWalker(
            p.name,
            ""
            if uploader is None or uploader.person_id == p.pk
            else (uploader.display_name or uploader.get_username()),
        )
        for p in record.people.all()
    ]


def patrol_walkers(*, record: PatrolRecord) -> list[NamedWalker]:
    return _walkers(record)


def round_walkers(*, user: Any, survey_round: SurveyRound) -> dict[Any, list[NamedWalker]]:
    """Per unit, the people the round's patrol records name (for the reviewer to see)."""
    by_unit: dict[Any, list[NamedWalker]] = {}
    records = patrol_list(user=user, survey_round=survey_round).select_related("created_by")
    for record in records:
        walkers = by_unit.setdefault(record.unit_id, [])
        walkers.extend(w for w in _walkers(record) if w not in walkers)
    return by_unit


def last_survey_of_plot(*, plot: Any) -> TaskCell | None:
    """The most recent surveyed or validated task of a plot, across rounds."""
    return (
        TaskCell.objects.filter(plot=plot, state__in=[CellState.SURVEYED, CellState.VALIDATED])
        .select_related("round")
        .order_by("-surveyed_at")
        .first()
    )


def patrol_get(*, user: Any, record_id: Any) -> PatrolRecord:
    return get_visible_or_404(
        PatrolRecord.objects.select_related("unit", "round", "created_by"), user, pk=record_id
    )


def photo_get(*, user: Any, photo_id: Any) -> PatrolPhoto:
    return get_visible_or_404(
        PatrolPhoto.objects.select_related("record"), user, unit_field="record__unit", pk=photo_id
    )


def campaign_round_progress(*, user: Any, campaign: Any) -> list[tuple[SurveyRound, Progress]]:
    """Each survey round of a campaign with its progress in the user's scope, newest first."""
    return [
        (r, round_progress(user=user, survey_round=r)[0])
        for r in round_list(user=user).filter(campaign=campaign)
    ]


def my_open_cells(*, user: Any) -> list[tuple[SurveyRound, list[TaskCell]]]:
    """The cells assigned to the user's person that still need walking, by round."""
    if not user.person_id:
        return []
    cells = (
        TaskCell.objects.filter(
            assignees=user.person_id,
            round__in=round_list(user=user).filter(status="active"),
            state__in=[CellState.ASSIGNED, CellState.INVALIDATED],
        )
        .select_related("round__campaign", "unit", "plot", "zone")
        .order_by("round__ends_on", "-state", "code")
    )
    by_round: dict[Any, list[TaskCell]] = {}
    rounds: dict[Any, SurveyRound] = {}
    for cell in cells:
        rounds[cell.round_id] = cell.round
        by_round.setdefault(cell.round_id, []).append(cell)
    return [(rounds[key], items) for key, items in by_round.items()]


def patrol_coverage_job(*, record: PatrolRecord) -> Job | None:
    """The latest coverage job started by this record (None for a record without a track)."""
    return (
        Job.objects.filter(kind=RECOMPUTE_COVERAGE, params__record=str(record.pk))
        .order_by("-created_at")
        .first()
    )


def campaign_cells(*, user: Any, campaign: Any, unit: Any = None) -> QuerySet[TaskCell]:
    """The task cells of a campaign's rounds that the user may see (below `unit` if given)."""
    cells = visible_to(
        TaskCell.objects.filter(round__in=round_list(user=user).filter(campaign=campaign)), user
    )
    if unit is not None:
        cells = cells.filter(unit__path__startswith=unit.path)
    return cells


def campaign_area_coverage(*, user: Any, campaign: Any, unit: Any = None) -> tuple[float, float]:
    """(covered m², assigned m²) over the campaign's cells, unreachable cells left out."""
    totals = (
        campaign_cells(user=user, campaign=campaign, unit=unit)
        .exclude(state=CellState.UNREACHABLE)
        .aggregate(
            assigned=Sum("area_m2"),
            covered=Sum(F("area_m2") * F("covered_fraction"), output_field=FloatField()),
        )
    )
    return float(totals["covered"] or 0), float(totals["assigned"] or 0)


def campaign_cell_progress(*, user: Any, campaign: Any, unit: Any = None) -> Progress:
    """Cell counts over all the campaign's rounds, as each round's progress counts them."""
    rows = (
        campaign_cells(user=user, campaign=campaign, unit=unit)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return progress_from_counts({row["state"]: row["n"] for row in rows})
