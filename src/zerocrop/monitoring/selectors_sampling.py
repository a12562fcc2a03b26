"""Reads of sampling, always scoped: a design is seen in its town, a cell in its village."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from shapely.geometry import shape

from zerocrop.core.clock import today
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.findings.selectors import finding_list, totals
from zerocrop.geo.selectors import bbox_q
from zerocrop.monitoring import sampling
from zerocrop.monitoring.sampling_models import (
    SampleCell,
    SampleCellResult,
    SampleDesign,
    SampleFrame,
)
from zerocrop.monitoring.services_sampling import drawn_codes, pure_design
from zerocrop.org.models import Person
from zerocrop.org.selectors import person_list
from zerocrop.patrols.models import TaskCell

BOOTSTRAP_REPS = 2000  # the CLI's defaults, so `zerocrop sample-estimate` gives the same numbers
BOOTSTRAP_SEED = 0


def frames_visible(*, user: Any) -> QuerySet[SampleFrame]:
    return visible_to(SampleFrame.objects.select_related("unit", "campaign"), user)


def designs_visible(*, user: Any) -> QuerySet[SampleDesign]:
    return visible_to(
        SampleDesign.objects.select_related(
            "frame__unit", "frame__campaign", "survey_round", "locked_by"
        ).annotate(checked=Count("results")),
        user,
        unit_field="frame__unit",
    )


def design_get(*, user: Any, design_id: Any) -> SampleDesign:
    return get_visible_or_404(
        designs_visible(user=user), user, unit_field="frame__unit", pk=design_id
    )


def drawn_cells(*, design: SampleDesign) -> QuerySet[SampleCell]:
    return design.frame.cells.filter(code__in=drawn_codes(design)).select_related("unit")


def team_codes(*, user: Any, design: SampleDesign) -> set[str]:
    """Codes of the design's 抽测 tasks assigned to the user's person (the team may come from
    other villages: that is the point of an independent team)."""
    if not getattr(user, "person_id", None) or not design.survey_round_id:
        return set()
    return set(
        TaskCell.objects.filter(
            round_id=design.survey_round_id, assignees=user.person_id
        ).values_list("code", flat=True)
    )


def result_people(*, user: Any, design: SampleDesign) -> QuerySet[Person]:
    """Who may be named as a cell's checkers: people in the user's scope and the team."""
    scoped = person_list(user=user).filter(unit__path__startswith=design.frame.unit.path)
    if not design.survey_round_id:
        return scoped
    team = TaskCell.assignees.through.objects.filter(
        taskcell__round_id=design.survey_round_id
    ).values("person_id")
    return Person.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=team)).select_related(
        "unit"
    )


def result_cell_get(
    *, user: Any, design_id: Any, cell_id: Any
) -> tuple[SampleDesign, SampleCell, bool]:
    """A drawn cell of a design for entering its result, and whether the user is on its team.

    The cell must lie in the user's scope (a village cadre reaches the cells of the village)
    or be one of the user's own 抽测 tasks; anything else is 404."""
    try:
        design = SampleDesign.objects.select_related("frame__unit", "frame__campaign").get(
            pk=design_id
        )
        cell = SampleCell.objects.select_related("unit").get(frame=design.frame, pk=cell_id)
    except (SampleDesign.DoesNotExist, SampleCell.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("不存在或无权查看") from exc
    if cell.code not in drawn_codes(design):
        raise Http404("不存在或无权查看")
    on_team = cell.code in team_codes(user=user, design=design)
    if not on_team and not visible_to(SampleCell.objects.filter(pk=cell.pk), user).exists():
        raise Http404("不存在或无权查看")
    return design, cell, on_team


def results_of(*, design: SampleDesign) -> dict[str, SampleCellResult]:
    rows = (
        SampleCellResult.objects.filter(design=design)
        .select_related("cell", "recorded_by")
        .prefetch_related("checked_by")
    )
    return {r.cell.code: r for r in rows}


def visible_result_cells(*, user: Any, design: SampleDesign) -> QuerySet[SampleCell]:
    """The drawn cells of a design in the user's scope or on the user's team (the round
    page's panel)."""
    drawn = drawn_cells(design=design)
    scoped = visible_to(drawn, user).values("pk")
    return drawn.filter(Q(pk__in=scoped) | Q(code__in=team_codes(user=user, design=design)))


@dataclass(frozen=True)
class Progress:
    checked: int
    drawn: int

    @property
    def complete(self) -> bool:
        return self.drawn > 0 and self.checked >= self.drawn

    @property
    def pct(self) -> float:
        return round(100 * self.checked / self.drawn, 1) if self.drawn else 0.0


def design_progress(*, design: SampleDesign) -> Progress:
    codes = drawn_codes(design)
    checked = SampleCellResult.objects.filter(design=design, cell__code__in=codes).count()
    return Progress(checked=checked, drawn=len(codes))


def pure_results(*, design: SampleDesign) -> list[sampling.CellResult]:
    return [
        sampling.CellResult(id=code, area_m2=float(area), plants=float(plants))
        for code, area, plants in SampleCellResult.objects.filter(design=design)
        .order_by("cell__code")
        .values_list("cell__code", "area_m2", "plants")
    ]


def design_estimate(*, design: SampleDesign) -> sampling.Estimate | None:
    """The estimate, only once every drawn cell has its result (None before)."""
    if not design.is_locked or not design_progress(design=design).complete:
        return None
    return sampling.estimate(
        design=pure_design(design),
        results=pure_results(design=design),
        bootstrap=BOOTSTRAP_REPS,
        seed=BOOTSTRAP_SEED,
    )


@dataclass(frozen=True)
class Census:
    """The campaign's own findings: what was found, never mixed with the estimate."""

    sites: int
    plants: int
    area_m2: float


def census(*, user: Any, design: SampleDesign) -> Census:
    campaign = design.frame.campaign
    found = totals(user=user, campaign=campaign, today=today())
    area = finding_list(user=user, campaign=campaign).aggregate(total=Sum("area_m2"))["total"]
    return Census(sites=found.sites, plants=found.plants, area_m2=float(area or 0))


def design_json_bytes(*, design: SampleDesign) -> bytes:
    """The design file, as `zerocrop sample-design --json` prints it."""
    return (json.dumps(design.selection, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _exact(value: float) -> str:
    """The number as short as it reads back exactly (":g" keeps only six digits)."""
    text = f"{value:.15g}"
    return text if float(text) == value else repr(value)


def results_csv_bytes(*, design: SampleDesign) -> bytes:
    """``id,area_m2,plants``: one row per checked cell, for `zerocrop sample-estimate`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "area_m2", "plants"])
    for result in pure_results(design=design):
        writer.writerow([result.id, _exact(result.area_m2), f"{int(result.plants)}"])
    return out.getvalue().encode("utf-8")


def cells_geojson(*, design: SampleDesign) -> dict[str, Any]:
    """Every cell of the frame with its stratum, drawn flag and result (for the map)."""
    drawn = set(drawn_codes(design))
    results = {
        code: (area, plants)
        for code, area, plants in SampleCellResult.objects.filter(design=design).values_list(
            "cell__code", "area_m2", "plants"
        )
    }
    features = []
    for code, stratum, geometry, unit_name in design.frame.cells.values_list(
        "code", "stratum", "geometry", "unit__name"
    ):
        result = results.get(code)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "stratum": stratum,
                    "unit": unit_name,
                    "drawn": code in drawn,
                    "checked": result is not None,
                    "plants": result[1] if result else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def findings_in_cells(*, user: Any, design: SampleDesign, cells: list[Any]) -> dict[str, list]:
    """The campaign's findings lying in each given cell, by cell code: whether a planted cell's
    finding has been recorded."""
    found: dict[str, list] = {}
    campaign_findings = finding_list(user=user, campaign=design.frame.campaign)
    for cell in cells:
        box = (cell.min_lon, cell.min_lat, cell.max_lon, cell.max_lat)
        outline = shape(cell.geometry)
        near = campaign_findings.filter(bbox_q(box))
        inside = [f for f in near if outline.intersects(shape(f.geometry))]
        if inside:
            found[cell.code] = inside
    return found
