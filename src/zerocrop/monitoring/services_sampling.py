"""Writes of sampling (潜在区域抽测): frame, design, draw and lock, the 抽测 round, cell results.

The geometry and the statistics run in the pure `sampling` and `sampling_strata` modules,
before any write transaction opens (on SQLite a write locks the whole database).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from zerocrop.campaigns.models import Campaign, CriticalWindow
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.bulk import prepared_insert
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.findings.models import Finding
from zerocrop.geo.choices import RiskClass, ZoneKind
from zerocrop.geo.crs import area_m2
from zerocrop.geo.models import Plot, UnitBoundary, Zone
from zerocrop.monitoring import sampling, sampling_strata
from zerocrop.monitoring.sampling_models import (
    SAMPLING_NOTE_MAX,
    SampleCell,
    SampleCellResult,
    SampleDesign,
    SampleFrame,
)
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols import rules as patrol_rules
from zerocrop.patrols.choices import CellKind
from zerocrop.patrols.models import SurveyRound, TaskCell
from zerocrop.patrols.services import cells_assign

DEFAULT_CELL_SIZE_M = 200
MIN_CELL_SIZE_M = 50
MAX_CELL_SIZE_M = 2000
MAX_FRAME_CELLS = 12_000
ROUND_PREFIX = "抽测："
TEAM_LABEL = "抽测组"
ROUND_DAYS_WHEN_PAST = 14  # a round made after its window ends gets this many days
RISK_LABELS = {
    RiskClass.KEY: sampling_strata.KEY,
    RiskClass.TRADITIONAL: sampling_strata.TRADITIONAL,
    RiskClass.POTENTIAL: sampling_strata.POTENTIAL,
}
ZONE_LABELS = {
    ZoneKind.KEY: sampling_strata.KEY,
    ZoneKind.TRADITIONAL: sampling_strata.TRADITIONAL,
    ZoneKind.POTENTIAL: sampling_strata.POTENTIAL,
}


# --------------------------------------------------------------------------- frame


@dataclass(frozen=True)
class FramePlan:
    """A frame computed but not stored: its pure cells and each cell's village."""

    frame: sampling.Frame
    units: list[AdminUnit]
    outline_area_m2: float


def _villages(town: AdminUnit) -> list[tuple[AdminUnit, Any]]:
    boundaries = UnitBoundary.objects.filter(
        unit__path__startswith=town.path,
        unit__level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY],
    ).select_related("unit")
    return [(b.unit, shape(b.geometry)) for b in boundaries]


def _area_of(*, town: AdminUnit, zones: Sequence[Zone]) -> Any:
    if zones:
        outside = [
            z.name for z in zones if not z.unit.is_within(town) and not town.is_within(z.unit)
        ]
        if outside:
            raise ApplicationError(f"{'、'.join(outside)}不在{town.name}", field="zones")
        return shapely.union_all([shapely.make_valid(shape(z.geometry)) for z in zones])
    outlines = [outline for _unit, outline in _villages(town)]
    if not outlines:
        own = UnitBoundary.objects.filter(unit=town).first()
        if own is None:
            raise ApplicationError(
                f"{town.name}还没有村（社区）边界，无法按全镇划分网格；请先导入边界或选择区域。",
                field="zones",
            )
        outlines = [shape(own.geometry)]
    return shapely.union_all([shapely.make_valid(o) for o in outlines])


def _risk_layers(*, town: AdminUnit, bounds: tuple[float, float, float, float]) -> list:
    west, south, east, north = bounds
    near = Q(min_lon__lte=east, max_lon__gte=west, min_lat__lte=north, max_lat__gte=south)
    layers = []
    plots = Plot.objects.filter(near, unit__path__startswith=town.path, voided_at__isnull=True)
    for geometry, risk in plots.values_list("geometry", "risk"):
        if risk in RISK_LABELS:
            layers.append((shape(geometry), RISK_LABELS[risk]))
    for geometry, kind in Zone.objects.filter(near).values_list("geometry", "kind"):
        if kind in ZONE_LABELS:
            layers.append((shapely.make_valid(shape(geometry)), ZONE_LABELS[kind]))
    return layers


def frame_plan(*, town: AdminUnit, zones: Sequence[Zone], cell_size_m: int) -> FramePlan:
    """The cells, strata and villages of a frame over ``zones`` (none: the whole town)."""
    if not isinstance(cell_size_m, int) or not MIN_CELL_SIZE_M <= cell_size_m <= MAX_CELL_SIZE_M:
        raise ApplicationError(
            f"网格边长须在 {MIN_CELL_SIZE_M} 到 {MAX_CELL_SIZE_M} 米之间", field="cell_size_m"
        )
    area = _area_of(town=town, zones=zones)
    if area.is_empty:
        raise ApplicationError("所选区域没有面积，无法划分网格", field="zones")
    outline_area = area_m2(area)
    expected = sampling_strata.expected_cells(outline_area, cell_size_m)
    if expected > MAX_FRAME_CELLS:
        raise ApplicationError(
            f"按 {cell_size_m} 米边长约有 {expected} 个网格，超过抽样框上限 {MAX_FRAME_CELLS} 个；"
            "请加大网格边长或少选区域。",
            field="cell_size_m",
        )
    grid = sampling.grid_frame(polygons=[(area, sampling_strata.GENERAL)], cell_size_m=cell_size_m)
    if len(grid.cells) > MAX_FRAME_CELLS:
        raise ApplicationError(
            f"将生成 {len(grid.cells)} 个网格，超过抽样框上限 {MAX_FRAME_CELLS} 个；"
            "请加大网格边长或少选区域。",
            field="cell_size_m",
        )
    # Drone screening will pass its detector's flagged cell ids here (`flagged=`).
    frame = sampling_strata.assign_strata(grid, _risk_layers(town=town, bounds=area.bounds))
    villages = _villages(town)
    owner = sampling_strata.owners(frame.cells, [outline for _unit, outline in villages])
    units = [villages[i][0] if i is not None else town for i in owner]
    return FramePlan(frame=frame, units=units, outline_area_m2=outline_area)


def frame_build(
    *,
    campaign: Campaign,
    name: str,
    zones: Sequence[Zone] = (),
    cell_size_m: int = DEFAULT_CELL_SIZE_M,
    plan: FramePlan | None = None,
    actor: Any = None,
) -> SampleFrame:
    """Store a frame and its cells (computed first, outside the write transaction)."""
    town = campaign.unit
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写抽样框名称", field="name")
    plan = plan or frame_plan(town=town, zones=zones, cell_size_m=cell_size_m)
    frame = SampleFrame(
        unit=town,
        campaign=campaign,
        name=name[:100],
        version=plan.frame.version,
        cell_size_m=cell_size_m,
        whole_town=not zones,
        strata_rule=sampling_strata.STRATA_RULE,
        strata_sizes=plan.frame.strata_sizes(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    frame.full_clean()
    rows = []
    for cell, unit in zip(plan.frame.cells, plan.units, strict=True):
        min_lon, min_lat, max_lon, max_lat = shape(cell.geometry).bounds
        rows.append(
            SampleCell(
                frame=frame,
                code=cell.id,
                stratum=cell.stratum,
                unit=unit,
                geometry=cell.geometry,
                min_lon=min_lon,
                min_lat=min_lat,
                max_lon=max_lon,
                max_lat=max_lat,
                area_m2=cell.area_m2,
            )
        )
    insert = prepared_insert(SampleCell, rows)
    with transaction.atomic():
        frame.save(force_insert=True)
        frame.zones.set(zones)
        insert.run()
        audit_record(
            actor=actor,
            action="create",
            instance=frame,
            after={**snapshot(frame), "cells": len(rows), "zones": [z.name for z in zones]},
        )
    return frame


def pure_frame(frame: SampleFrame) -> sampling.Frame:
    """The stored frame as the pure module's Frame (its version equals ``frame.version``)."""
    cells = [
        sampling.FrameCell(id=code, stratum=stratum, geometry=geometry, area_m2=area)
        for code, stratum, geometry, area in frame.cells.order_by("code").values_list(
            "code", "stratum", "geometry", "area_m2"
        )
    ]
    return sampling.make_frame(cells)


# --------------------------------------------------------------------------- design


def prior_values(*, frame: sampling.Frame, town: AdminUnit, year: int) -> dict[str, float]:
    """Plants found per cell in the years before ``year`` (the priors' data)."""
    findings = Finding.objects.filter(
        unit__path__startswith=town.path, voided_at__isnull=True, found_at__year__lt=year
    ).values_list("geometry", "plant_count")
    points = [(shape(geometry), float(count)) for geometry, count in findings]
    return sampling_strata.cell_values(frame.cells, points)


def design_priors(
    *, frame: sampling.Frame, campaign: Campaign, overrides: dict[str, float] | None = None
) -> dict[str, dict]:
    for stratum, value in (overrides or {}).items():
        if stratum not in frame.strata_sizes():
            raise ApplicationError(f"抽样框中没有层“{stratum}”", field="priors")
        if not value >= 0:
            raise ApplicationError(f"层“{stratum}”的标准差不能为负数", field="priors")
    values = prior_values(frame=frame, town=campaign.unit, year=campaign.year)
    return sampling_strata.stratum_priors(frame, values, overrides=overrides)


def _strata(priors: dict[str, dict]) -> dict[str, sampling.StratumPrior]:
    return {
        h: sampling.StratumPrior(N=int(p["N"]), S=float(p["S"]), mean=float(p.get("mean", 0)))
        for h, p in priors.items()
    }


@dataclass(frozen=True)
class Allocation:
    n: int
    allocation: dict[str, int]
    priors: dict[str, dict]


def design_allocation(
    *,
    priors: dict[str, dict],
    n: int | None = None,
    target_se: float | None = None,
    relative_precision: float | None = None,
) -> Allocation:
    """n (typed, or from the wanted precision) and its Neyman allocation, ≥2 per stratum."""
    given = [v is not None for v in (n, target_se, relative_precision)]
    if sum(given) != 1:
        raise ApplicationError("请填写样本量，或目标标准误，或目标相对精度（三者选一）", field="n")
    strata = _strata(priors)
    if n is None:
        n = sampling.sample_size(
            strata=strata, target_se=target_se, relative_precision=relative_precision
        )
    allocation = sampling.neyman_allocation(n=n, strata=strata)
    return Allocation(n=n, allocation=allocation, priors=priors)


@transaction.atomic
def design_create(
    *,
    frame: SampleFrame,
    name: str,
    n: int | None = None,
    target_se: float | None = None,
    relative_precision: float | None = None,
    prior_overrides: dict[str, float] | None = None,
    actor: Any = None,
) -> SampleDesign:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写方案名称", field="name")
    priors = design_priors(
        frame=pure_frame(frame), campaign=frame.campaign, overrides=prior_overrides
    )
    plan = design_allocation(
        priors=priors, n=n, target_se=target_se, relative_precision=relative_precision
    )
    sources = sorted({p["source"] for p in priors.values()})
    design = SampleDesign(
        frame=frame,
        name=name[:100],
        n=plan.n,
        target_se_plants=target_se,
        relative_precision=relative_precision,
        priors=priors,
        prior_source="、".join(sources),
        allocation=plan.allocation,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    design.full_clean()
    design.save()
    audit_record(actor=actor, action="create", instance=design, after=snapshot(design))
    return design


def _refuse_locked(design: SampleDesign) -> None:
    if design.is_locked:
        raise ApplicationError(
            f"方案“{design.name}”已于 {timezone.localtime(design.locked_at):%Y-%m-%d %H:%M} "
            "抽取并锁定，不能再修改或重新抽取。",
            field="seed",
            code="design_locked",
        )


@transaction.atomic
def design_update(
    *, design: SampleDesign, name: str | None = None, n: int | None = None, actor: Any = None
) -> SampleDesign:
    """Rename or resize a design before its draw; a locked design does not change."""
    design = SampleDesign.objects.select_for_update().get(pk=design.pk)
    _refuse_locked(design)
    before = snapshot(design)
    if name is not None:
        if not name.strip():
            raise ApplicationError("请填写方案名称", field="name")
        design.name = name.strip()[:100]
    if n is not None:
        plan = design_allocation(priors=design.priors, n=n)
        design.n, design.allocation = plan.n, plan.allocation
        design.target_se_plants = design.relative_precision = None
    design.full_clean()
    design.save()
    audit_record(
        actor=actor, action="update", instance=design, before=before, after=snapshot(design)
    )
    return design


MAX_SEED = 2**63 - 1


@transaction.atomic
def design_draw(
    *, design: SampleDesign, seed: int | None = None, actor: Any = None
) -> SampleDesign:
    """Draw the cells (seed random unless given), store the selection and lock the design."""
    design = (
        SampleDesign.objects.select_for_update(of=("self",))
        .select_related("frame")
        .get(pk=design.pk)
    )
    _refuse_locked(design)
    if seed is None:
        seed = secrets.randbelow(2**31)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ApplicationError("随机种子须是 0 或正整数", field="seed")
    frame = pure_frame(design.frame)
    if frame.version != design.frame.version:
        raise ApplicationError("抽样框的网格与其版本号不符，不能抽取", field="seed")
    drawn = sampling.draw(frame=frame, allocation=design.allocation, seed=seed)
    before = snapshot(design)
    design.seed = seed
    design.selection = sampling.design_to_json(drawn)
    design.locked_at = timezone.now()
    design.locked_by = actor if getattr(actor, "pk", None) else None
    design.save()
    audit_record(actor=actor, action="draw", instance=design, before=before, after=snapshot(design))
    return design


def pure_design(design: SampleDesign) -> sampling.Design:
    if design.selection is None:
        raise ApplicationError("方案尚未抽取", field="design")
    return sampling.design_from_json(design.selection)


def drawn_codes(design: SampleDesign) -> list[str]:
    return [c["id"] for c in (design.selection or {}).get("cells", [])]


# --------------------------------------------------------------------------- the 抽测 round


def current_window(campaign: Campaign) -> CriticalWindow:
    """The campaign's window holding today, else the next one, else the last one."""
    windows = list(campaign.critical_windows.order_by("starts_on", "ends_on"))
    if not windows:
        raise ApplicationError(f"行动“{campaign.name}”没有关键时期，无法建立抽测轮次", field="team")
    day = today()
    for window in windows:
        if window.starts_on <= day <= window.ends_on:
            return window
    upcoming = [w for w in windows if w.starts_on > day]
    return upcoming[0] if upcoming else windows[-1]


def team_conflicts(
    *, design: SampleDesign, team: Sequence[Person]
) -> list[tuple[Person, list[str]]]:
    """Team members assigned, in the campaign's other rounds, tasks overlapping drawn cells."""
    codes = drawn_codes(design)
    cells = list(
        design.frame.cells.filter(code__in=codes).values_list(
            "code", "geometry", "min_lon", "min_lat", "max_lon", "max_lat"
        )
    )
    if not cells or not team:
        return []
    west = min(c[2] for c in cells)
    south = min(c[3] for c in cells)
    east = max(c[4] for c in cells)
    north = max(c[5] for c in cells)
    tasks = (
        TaskCell.objects.filter(
            round__campaign=design.frame.campaign,
            assignees__in=team,
            min_lon__lte=east,
            max_lon__gte=west,
            min_lat__lte=north,
            max_lat__gte=south,
        )
        .exclude(round_id=design.survey_round_id)
        .distinct()
        .prefetch_related("assignees")
    )
    tasks = list(tasks)
    pairs = sampling_strata.overlapping(
        [(code, geometry) for code, geometry, *_ in cells],
        [(str(t.pk), t.geometry) for t in tasks],
    )
    team_ids = {p.pk for p in team}
    task_of = {str(t.pk): t for t in tasks}
    found: dict[Any, set[str]] = {}
    for code, task_id in pairs:
        for person in task_of[task_id].assignees.all():
            if person.pk in team_ids:
                found.setdefault(person.pk, set()).add(code)
    people = {p.pk: p for p in team}
    return [(people[pk], sorted(found[pk])) for pk in sorted(found, key=lambda k: people[k].name)]


def _conflict_message(conflicts: list[tuple[Person, list[str]]]) -> str:
    parts = []
    for person, codes in conflicts:
        shown = "、".join(codes[:5]) + ("等" if len(codes) > 5 else "")
        parts.append(f"{person.name}（{shown}，共 {len(codes)} 个）")
    return (
        "抽测组须由不踏查这些网格的人员组成；以下人员在本行动其他轮次中负责与抽中网格重叠的任务："
        + "；".join(parts)
        + "。请换人。"
    )


def round_plan(*, design: SampleDesign) -> list[SampleCell]:
    return list(design.frame.cells.filter(code__in=drawn_codes(design)).select_related("unit"))


def sampling_round_create(
    *, design: SampleDesign, team: Sequence[Person], actor: Any = None
) -> SurveyRound:
    """The 抽测 round: one grid task per drawn cell, assigned to an independent team."""
    if not design.is_locked:
        raise ApplicationError("请先抽取并锁定方案，再建立抽测轮次", field="team")
    if design.survey_round_id:
        raise ApplicationError("本方案已建立抽测轮次", field="team")
    team = list(team)
    if not team:
        raise ApplicationError("请选择抽测组成员", field="team")
    campaign = design.frame.campaign
    foreign = [p.name for p in team if not p.unit.is_within(campaign.unit)]
    if foreign:
        raise ApplicationError(f"{'、'.join(foreign)}不属于{campaign.unit.name}", field="team")
    conflicts = team_conflicts(design=design, team=team)
    if conflicts:
        raise ApplicationError(_conflict_message(conflicts), field="team", code="team_conflict")
    window = current_window(campaign)
    starts_on, ends_on = window.starts_on, window.ends_on
    if ends_on < today():
        starts_on, ends_on = today(), today() + timedelta(days=ROUND_DAYS_WHEN_PAST)
    cell_size = min(max(design.frame.cell_size_m, 20), 2000)
    survey_round = SurveyRound(
        campaign=campaign,
        window=window,
        name=f"{ROUND_PREFIX}{design.name}"[:100],
        starts_on=starts_on,
        ends_on=ends_on,
        cell_size_m=cell_size,
        threshold=patrol_rules.DEFAULT_THRESHOLD,
        radius_m=patrol_rules.DEFAULT_RADIUS_M,
        radius_by_kind=dict(patrol_rules.DEFAULT_RADIUS_BY_KIND),
    )
    survey_round.full_clean()
    cells = round_plan(design=design)
    # Each task names the frame's zone holding most of it (none for a whole-town frame).
    zones = list(design.frame.zones.all())
    zone_index = sampling_strata.owners(
        [sampling.FrameCell(id=c.code, stratum=c.stratum, geometry=c.geometry) for c in cells],
        [shapely.make_valid(shape(z.geometry)) for z in zones],
    )
    tasks = [
        TaskCell(
            round=survey_round,
            unit=cell.unit,
            kind=CellKind.GRID,
            code=cell.code,
            zone=zones[index] if index is not None else None,
            radius_m=survey_round.radius_m,
            geometry=cell.geometry,
            min_lon=cell.min_lon,
            min_lat=cell.min_lat,
            max_lon=cell.max_lon,
            max_lat=cell.max_lat,
            area_m2=cell.area_m2,
        )
        for cell, index in zip(cells, zone_index, strict=True)
    ]
    units = sorted({cell.unit for cell in cells}, key=lambda u: u.path)
    with transaction.atomic():
        locked = SampleDesign.objects.select_for_update().get(pk=design.pk)
        if locked.survey_round_id:
            raise ApplicationError("本方案已建立抽测轮次", field="team")
        survey_round.save(force_insert=True)
        survey_round.units.set(units)
        survey_round.zones.set(zones)
        TaskCell.objects.bulk_create(tasks)
        audit_record(
            actor=actor,
            action="create",
            instance=survey_round,
            after={**snapshot(survey_round), "cells": len(tasks), "design": str(design.pk)},
        )
        cells_assign(cells=tasks, people=team, team=TEAM_LABEL, actor=actor)
        before = snapshot(locked)
        locked.survey_round = survey_round
        locked.save(update_fields=["survey_round", "updated_at"])
        audit_record(
            actor=actor,
            action="round",
            instance=locked,
            before=before,
            after={**snapshot(locked), "team": [p.name for p in team]},
        )
    design.survey_round = survey_round
    return survey_round


# --------------------------------------------------------------------------- results


def _number(value: Any, *, field: str, label: str, integer: bool = False) -> float | int:
    if value is None or value == "":
        raise ApplicationError(f"请填写{label}；没有发现种植请填 0", field=field)
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(f"{label}须是数字", field=field) from exc
    if integer and float(value) != number:
        raise ApplicationError(f"{label}须是整数", field=field)
    if number != number or number in (float("inf"), float("-inf")):
        raise ApplicationError(f"{label}须是有限的数字", field=field)
    if number < 0:
        raise ApplicationError(f"{label}不能为负数", field=field)
    return number


@transaction.atomic
def cell_result_record(
    *,
    design: SampleDesign,
    cell: SampleCell,
    area_m2: float,
    plants: int,
    checked_at: datetime,
    checked_by: Sequence[Person],
    note: str = "",
    actor: Any = None,
) -> SampleCellResult:
    """The complete check of one drawn cell (zeros included); a second entry corrects it."""
    if not design.is_locked:
        raise ApplicationError("方案尚未抽取，不能登记结果", field="cell")
    if cell.frame_id != design.frame_id or cell.code not in drawn_codes(design):
        raise ApplicationError(f"网格 {cell.code} 不是本方案抽中的网格", field="cell")
    area = float(_number(area_m2, field="area_m2", label="种植面积"))
    count = int(_number(plants, field="plants", label="株数", integer=True))
    if area > cell.area_m2 + 1:
        raise ApplicationError(
            f"种植面积 {area:g} 平方米超过网格面积 {cell.area_m2:.0f} 平方米", field="area_m2"
        )
    if (area > 0) != (count > 0):
        raise ApplicationError(
            "有种植面积就应有株数，有株数就应有面积；都没有请都填 0", field="plants"
        )
    people = list(checked_by)
    if not people:
        raise ApplicationError("请选择核查人", field="checked_by")
    town = design.frame.unit
    foreign = [p.name for p in people if not p.unit.is_within(town)]
    if foreign:
        raise ApplicationError(f"{'、'.join(foreign)}不属于{town.name}", field="checked_by")
    if checked_at is None:
        raise ApplicationError("请填写核查时间", field="checked_at")
    if checked_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError("核查时间不能晚于现在", field="checked_at")
    note = (note or "").strip()
    if len(note) > SAMPLING_NOTE_MAX:
        raise ApplicationError(f"备注不能超过 {SAMPLING_NOTE_MAX} 字", field="note")
    result = SampleCellResult.objects.filter(design=design, cell=cell).first()
    before = None
    if result is None:
        result = SampleCellResult(design=design, cell=cell)
    else:
        before = {**snapshot(result), "checked_by": [p.name for p in result.checked_by.all()]}
    result.area_m2 = area
    result.plants = count
    result.checked_at = checked_at
    result.note = note
    result.recorded_by = actor if getattr(actor, "pk", None) else None
    result.full_clean(exclude=["design", "cell"])
    result.save()
    result.checked_by.set(people)
    audit_record(
        actor=actor,
        action="update" if before else "create",
        instance=result,
        before=before,
        after={**snapshot(result), "checked_by": [p.name for p in people]},
    )
    return result
