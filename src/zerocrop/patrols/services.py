from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from shapely.geometry import MultiLineString, mapping, shape

from zerocrop.campaigns.models import Campaign, CriticalWindow
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.bulk import prepared_insert
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_check, evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.exif import PhotoClaim, read_claim
from zerocrop.core.files import Upload
from zerocrop.core.jobs import job_enqueue
from zerocrop.geo.choices import ZoneKind
from zerocrop.geo.crs import haversine_m, length_m
from zerocrop.geo.models import Plot, UnitBoundary, Zone
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols import rules, states, track_checks
from zerocrop.patrols.cells import (
    MAX_CELLS_PER_ROUND,
    clip_to_units,
    split_zone,
    too_many_cells_message,
    unique_codes,
)
from zerocrop.patrols.choices import CellKind, CellState
from zerocrop.patrols.coverage import Target, compute_coverage
from zerocrop.patrols.models import PatrolPhoto, PatrolRecord, SurveyRound, TaskCell
from zerocrop.patrols.tracks import CleanedTracks, Fix, clean_tracks, cleaning_summary

GRID_ZONE_KINDS = (ZoneKind.KEY, ZoneKind.TRADITIONAL)
PHOTO_TZ = ZoneInfo("Asia/Shanghai")  # phones write EXIF times in local time, without a zone
RECOMPUTE_COVERAGE = "patrols.recompute_coverage"


def _next_state(cell: TaskCell, action: str, *, choice: str | None = None) -> str:
    """The table's answer for this cell, or a TransitionError that names the cell."""
    try:
        return states.next_state(action, cell.state, choice=choice)
    except states.TransitionError as exc:
        raise states.TransitionError(f"任务 {cell.code}：{exc}") from exc


def round_create(
    *,
    campaign: Campaign,
    window: CriticalWindow,
    name: str,
    units: Sequence[AdminUnit],
    zones: Sequence[Zone] | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    cell_size_m: int = rules.DEFAULT_CELL_SIZE_M,
    threshold: float = rules.DEFAULT_THRESHOLD,
    radius_m: float = rules.DEFAULT_RADIUS_M,
    radius_by_kind: dict[str, float] | None = None,
    actor: Any = None,
) -> SurveyRound:
    """Create a round and its task cells: every plot of the units, and grid cells of the zones.

    The cells are computed and their rows prepared before the transaction: on SQLite a write
    transaction locks the whole database, so it holds only the inserts (19 000 cells: under
    1 s of lock, against the whole 12 s computation before).
    """
    if window.campaign_id != campaign.pk:
        raise ApplicationError("关键时期不属于该行动", field="window")
    if not units:
        raise ApplicationError("请至少选择一个村（社区）", field="units")
    for field, rule, value in (
        ("threshold", rules.THRESHOLD, threshold),
        ("cell_size_m", rules.CELL_SIZE_M, cell_size_m),
        ("radius_m", rules.RADIUS_M, radius_m),
    ):
        if value not in rule:
            raise ApplicationError(rule.message, field=field)
    outside = [u.name for u in units if not u.is_within(campaign.unit)]
    if outside:
        raise ApplicationError(f"{'、'.join(outside)}不属于{campaign.unit.name}", field="units")
    starts_on = starts_on or window.starts_on
    ends_on = ends_on or window.ends_on
    if ends_on < starts_on:
        raise ApplicationError("截止日期早于开始日期", field="ends_on")
    if zones is None:
        zones = list(_zones_touching(units))
    survey_round = SurveyRound(
        campaign=campaign,
        window=window,
        name=name.strip() or f"{campaign.name}{window}踏查",
        starts_on=starts_on,
        ends_on=ends_on,
        cell_size_m=cell_size_m,
        threshold=threshold,
        radius_m=radius_m,
        radius_by_kind={**rules.DEFAULT_RADIUS_BY_KIND, **(radius_by_kind or {})},
    )
    survey_round.full_clean()
    cells = _plot_cells(survey_round, units) + _grid_cells(survey_round, units, zones)
    if not cells:
        raise ApplicationError("所选范围内没有地块，也没有可分格的重点或传统区域")
    if len(cells) > MAX_CELLS_PER_ROUND:
        raise ApplicationError(
            too_many_cells_message(len(cells), MAX_CELLS_PER_ROUND), field="cell_size_m"
        )
    for cell, code in zip(cells, unique_codes([c.code for c in cells]), strict=True):
        cell.code = code
    insert = prepared_insert(TaskCell, cells)
    with transaction.atomic():
        survey_round.save(force_insert=True)
        survey_round.units.set(units)
        survey_round.zones.set(zones)
        insert.run()
        audit_record(
            actor=actor,
            action="create",
            instance=survey_round,
            after={**snapshot(survey_round), "cells": len(cells)},
        )
    return survey_round


def _zones_touching(units: Sequence[AdminUnit]) -> Iterable[Zone]:
    outlines = [shape(b.geometry) for b in UnitBoundary.objects.filter(unit__in=units)]
    if not outlines:
        return []
    area = shapely.union_all(outlines)
    zones = Zone.objects.filter(kind__in=GRID_ZONE_KINDS)
    return [z for z in zones if shape(z.geometry).intersects(area)]


def _plot_cells(survey_round: SurveyRound, units: Sequence[AdminUnit]) -> list[TaskCell]:
    within = Q()
    for unit in units:
        within |= Q(unit__path__startswith=unit.path)
    plots = list(
        Plot.objects.filter(within, voided_at__isnull=True)
        .select_related("unit")
        .order_by("unit__path", "code", "created_at", "pk")
    )
    # Codes are unique within a village, not across a township: qualify a shared one.
    units_of_code: dict[str, set[Any]] = {}
    for plot in plots:
        units_of_code.setdefault(plot.code, set()).add(plot.unit_id)
    cells = []
    for plot in plots:
        code = plot.code or f"地块-{plot.pk.hex[:8]}"
        if plot.code and len(units_of_code[plot.code]) > 1:
            code = f"{plot.unit.name}-{plot.code}"
        cells.append(
            TaskCell(
                round=survey_round,
                unit=plot.unit,
                kind=CellKind.PLOT,
                code=code,
                plot=plot,
                radius_m=survey_round.radius_by_kind.get(plot.kind, survey_round.radius_m),
                geometry=plot.geometry,
                min_lon=plot.min_lon,
                min_lat=plot.min_lat,
                max_lon=plot.max_lon,
                max_lat=plot.max_lat,
                area_m2=plot.area_m2,
            )
        )
    return cells


def _grid_cells(
    survey_round: SurveyRound, units: Sequence[AdminUnit], zones: Sequence[Zone]
) -> list[TaskCell]:
    """Grid cells of the zones, each clipped to and owned by one of the round's units."""
    boundaries = [(b.unit, shape(b.geometry)) for b in UnitBoundary.objects.filter(unit__in=units)]
    grid = [
        (zone, cell)
        for zone in zones
        for cell in split_zone(
            zone.code or zone.pk.hex[:8], shape(zone.geometry), size_m=survey_round.cell_size_m
        )
    ]
    zone_of = {id(cell): zone for zone, cell in grid}
    parts = clip_to_units([cell for _zone, cell in grid], [outline for _u, outline in boundaries])
    cells = []
    for part in parts:
        unit = boundaries[part.unit_index][0]
        min_lon, min_lat, max_lon, max_lat = part.bounds
        cells.append(
            TaskCell(
                round=survey_round,
                unit=unit,
                kind=CellKind.GRID,
                code=part.cell.id
                if len(boundaries) == 1
                else f"{part.cell.id}-{unit.sort_order:02d}",
                zone=zone_of[id(part.cell)],
                radius_m=survey_round.radius_m,
                geometry=mapping(part.geometry),
                min_lon=min_lon,
                min_lat=min_lat,
                max_lon=max_lon,
                max_lat=max_lat,
                area_m2=part.area_m2,
            )
        )
    return cells


@transaction.atomic
def cells_assign(
    *, cells: Sequence[TaskCell], people: Sequence[Person], team: str = "", actor: Any = None
) -> int:
    if not people:
        raise ApplicationError("请选择分包人员", field="people")
    for cell in cells:
        state = _next_state(cell, "assign")
        town = cell.round.campaign.unit
        foreign = [p.name for p in people if not p.unit.is_within(town)]
        if foreign:
            raise ApplicationError(f"{'、'.join(foreign)}不属于{town.name}")
        before = snapshot(cell)
        cell.state = state
        cell.team = team.strip()
        cell.save(update_fields=["state", "team", "updated_at"])
        cell.assignees.set(people)
        after = {**snapshot(cell), "assignees": [p.name for p in people]}
        audit_record(actor=actor, action="assign", instance=cell, before=before, after=after)
    return len(cells)


@transaction.atomic
def cells_unassign(*, cells: Sequence[TaskCell], actor: Any = None) -> int:
    """Take assigned cells back from their people: ready again, nobody named, no team."""
    for cell in cells:
        state = _next_state(cell, "unassign")
        before = {**snapshot(cell), "assignees": [p.name for p in cell.assignees.all()]}
        cell.state = state
        cell.team = ""
        cell.save(update_fields=["state", "team", "updated_at"])
        cell.assignees.clear()
        after = {**snapshot(cell), "assignees": []}
        audit_record(actor=actor, action="unassign", instance=cell, before=before, after=after)
    return len(cells)


def _set_state(
    cell: TaskCell, action: str, *, actor: Any, choice: str | None = None, **fields: Any
) -> TaskCell:
    state = _next_state(cell, action, choice=choice)
    before = snapshot(cell)
    cell.state = state
    for key, value in fields.items():
        setattr(cell, key, value)
    cell.save()
    audit_record(actor=actor, action=action, instance=cell, before=before, after=snapshot(cell))
    return cell


@transaction.atomic
def cell_validate(*, cell: TaskCell, reviewer: Any) -> TaskCell:
    records = PatrolRecord.objects.filter(round=cell.round, unit=cell.unit)
    surveyors = set(cell.assignees.values_list("pk", flat=True))
    surveyors |= set(records.values_list("people", flat=True))
    surveyors |= set(records.values_list("created_by__person", flat=True))
    uploaders = set(records.values_list("created_by", flat=True)) - {None}
    states.check_cross_validation(
        reviewer_user_id=reviewer.pk,
        reviewer_person_id=reviewer.person_id,
        surveyor_ids=surveyors - {None},
        uploader_ids=uploaders,
    )
    return _set_state(
        cell,
        "validate",
        actor=reviewer,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
        reason="",
    )


@transaction.atomic
def cell_invalidate(*, cell: TaskCell, reviewer: Any, reason: str) -> TaskCell:
    if not reason.strip():
        raise ApplicationError("退回必须写明原因", field="reason")
    return _set_state(
        cell,
        "invalidate",
        actor=reviewer,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
        reason=reason.strip(),
        covered_fraction=0,
    )


@transaction.atomic
def cell_mark_unreachable(*, cell: TaskCell, reason: str, actor: Any = None) -> TaskCell:
    if not reason.strip():
        raise ApplicationError("标记无法到达必须写明原因", field="reason")
    return _set_state(cell, "unreachable", actor=actor, reason=reason.strip())


@transaction.atomic
def cell_reopen(*, cell: TaskCell, actor: Any = None) -> TaskCell:
    state = CellState.ASSIGNED if cell.assignees.exists() else CellState.READY
    return _set_state(cell, "reopen", actor=actor, choice=state, reason="")


def _lines_geojson(cleaned: CleanedTracks) -> dict[str, Any] | None:
    if not cleaned.lines:
        return None
    return mapping(
        MultiLineString([[(round(x, 7), round(y, 7)) for x, y in line] for line in cleaned.lines])
    )


@transaction.atomic
def patrol_record_create(
    *,
    unit: AdminUnit,
    people: Sequence[Person],
    started_at: datetime,
    ended_at: datetime,
    result: str,
    survey_round: SurveyRound | None = None,
    note: str = "",
    tracks: Sequence[Sequence[Fix]] = (),
    track_source: str = "",
    track_bytes: bytes | None = None,
    photos: Sequence[tuple[str, Upload]] = (),
    warnings: Sequence[str] = (),
    cleaned: CleanedTracks | None = None,
    actor: Any = None,
) -> PatrolRecord:
    """Record a patrol. `warnings` are what the uploader was shown and confirmed (kept on the
    record); `cleaned` is `clean_tracks(tracks)` when the caller has it already.

    The same track file (SHA-256) of the same person in the same round is refused with
    `DuplicateTrack`, which names the first record.
    """
    if not people:
        raise ApplicationError("请填写踏查人员", field="people")
    if len(note.strip()) > rules.NOTE_MAX_CHARS:
        raise ApplicationError(rules.NOTE_TOO_LONG, field="note")
    if ended_at < started_at:
        raise ApplicationError("结束时间早于开始时间", field="ended_at")
    if ended_at > timezone.now() + timedelta(minutes=10):
        raise ApplicationError("结束时间不能晚于现在", field="ended_at")
    if survey_round is not None and not unit.is_within(survey_round.campaign.unit):
        raise ApplicationError(f"{unit.name}不在该踏查轮次的乡镇内", field="unit")
    # Every file is checked before any is stored: a bad one leaves no file behind.
    checked = [
        (name, evidence_check(kind=EvidenceKind.PATROL_PHOTO, name=name, data=data))
        for name, data in photos
    ]
    track = (
        evidence_check(kind=EvidenceKind.TRACK_FILE, name=track_source, data=track_bytes)
        if track_bytes
        else None
    )
    if track is not None:
        first = patrol_duplicate(survey_round=survey_round, people=people, sha256=track.sha256)
        if first is not None:
            raise DuplicateTrack(first)
    cleaned = cleaned if cleaned is not None else clean_tracks(tracks)
    record = PatrolRecord(
        round=survey_round,
        unit=unit,
        started_at=started_at,
        ended_at=ended_at,
        result=result,
        note=note.strip(),
        track=_lines_geojson(cleaned),
        track_points=cleaned.report.points_out,
        track_source=_file_label(track_source, PatrolRecord._meta.get_field("track_source")),
        track_sha256=track.sha256 if track is not None else "",
        cleaning=asdict(cleaned.report),
        warnings=[str(w) for w in warnings],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if record.track:
        geom = shape(record.track)
        record.min_lon, record.min_lat, record.max_lon, record.max_lat = geom.bounds
        record.track_length_m = round(length_m(geom), 1)
    record.full_clean()
    if track is not None:
        record.track_file = evidence_store(
            file=track, kind=EvidenceKind.TRACK_FILE, actor=actor, original_name=track_source
        )
    record.save()
    record.people.set(people)
    for name, file in checked:
        photo = PatrolPhoto(record=record, caption=name[:200])
        _apply_claim(photo, read_claim(file.file), record)
        photo.evidence = evidence_store(
            file=file, kind=EvidenceKind.PATROL_PHOTO, actor=actor, original_name=name
        )
        photo.save()
    audit_record(
        actor=actor,
        action="create",
        instance=record,
        after={
            **snapshot(record),
            "track": f"{record.track_points} 点",
            "cleaning": cleaning_summary(record.cleaning).text,
            "people": [p.name for p in people],
        },
    )
    if survey_round is not None and record.track:
        # Coverage is computed by a job after this transaction commits, so no other write
        # waits for it behind the audit-chain lock.
        job_enqueue(
            kind=RECOMPUTE_COVERAGE,
            params={
                "round": str(survey_round.pk),
                "record": str(record.pk),
                "bbox": [record.min_lon, record.min_lat, record.max_lon, record.max_lat],
            },
            actor=actor,
            unit=unit,
        )
    return record


class DuplicateTrack(ApplicationError):
    """The same track file was already recorded for this person in this round."""

    default_code = "duplicate_track"
    http_status = 409

    def __init__(self, record: PatrolRecord) -> None:
        when = timezone.localtime(record.created_at)
        super().__init__(
            f"该轨迹已记录：同一文件已于 {when:%Y-%m-%d %H:%M} 登记为"
            f"{record.unit.name}的踏查记录，不再重复登记",
            field="track",
        )
        self.record = record


def patrol_duplicate(
    *, survey_round: SurveyRound | None, people: Sequence[Person], sha256: str
) -> PatrolRecord | None:
    """The first record of this round naming one of `people` whose track file has `sha256`."""
    return (
        PatrolRecord.objects.filter(
            Q(track_sha256=sha256) | Q(track_file__sha256=sha256),
            round=survey_round,
            people__in=list(people),
        )
        .select_related("unit")
        .order_by("created_at")
        .first()
    )


@dataclass(frozen=True)
class TrackCheck:
    """What the upload must confirm before the patrol is recorded (nothing: `warnings` empty)."""

    warnings: list[str]
    touched: int  # tasks of `whose` the cleaned track passes within sight of
    whose: str  # 所选踏查人员 or 本轮 (when the people have no task in the round)
    cleaned: CleanedTracks


def _unit_outline(survey_round: SurveyRound, unit: AdminUnit) -> Any:
    boundary = UnitBoundary.objects.filter(unit=unit).first()
    if boundary is not None:
        return shape(boundary.geometry)
    box = survey_round.cells.filter(unit=unit).aggregate(
        a=Min("min_lon"), b=Min("min_lat"), c=Max("max_lon"), d=Max("max_lat")
    )
    return None if box["a"] is None else shapely.box(box["a"], box["b"], box["c"], box["d"])


def patrol_track_check(
    *,
    survey_round: SurveyRound,
    unit: AdminUnit,
    people: Sequence[Person],
    started_at: datetime,
    ended_at: datetime,
    tracks: Sequence[Sequence[Fix]],
    actor: Any = None,
) -> TrackCheck:
    """Where the track lies against the chosen village and the round's dates.

    Raises ApplicationError when the track is out of place and passes none of the tasks of the
    people (or of the uploader); otherwise the warnings, with how many tasks it passes, are for
    the uploader to confirm.
    """
    cleaned = clean_tracks(tracks)
    warnings: list[str] = []
    if cleaned.lines:
        outline = _unit_outline(survey_round, unit)
        if outline is not None:
            where = track_checks.placement(cleaned.lines, outline)
            if where.is_outside:
                warnings.append(track_checks.outside_village_warning(where, unit.name))
    window = track_checks.outside_window_warning(
        started_on=timezone.localtime(started_at).date(),
        ended_on=timezone.localtime(ended_at).date(),
        starts_on=survey_round.starts_on,
        ends_on=survey_round.ends_on,
    )
    if window:
        warnings.append(window)
    touched, whose = _tasks_touched(survey_round, cleaned, people, actor)
    if warnings and touched == 0:
        raise ApplicationError(
            f"{'；'.join(warnings)}；且轨迹未经过{whose}的任何踏查任务，不能登记。"
            "请检查所选村（社区）、日期和轨迹文件",
            field="track",
            code="track_off_task",
        )
    if warnings:
        warnings.append(f"轨迹经过{whose}的踏查任务 {touched} 个")
    return TrackCheck(warnings=warnings, touched=touched, whose=whose, cleaned=cleaned)


def _tasks_touched(
    survey_round: SurveyRound, cleaned: CleanedTracks, people: Sequence[Person], actor: Any
) -> tuple[int, str]:
    ids = {p.pk for p in people}
    if getattr(actor, "person_id", None):
        ids.add(actor.person_id)
    cells = survey_round.cells.filter(assignees__in=ids).distinct()
    whose = "所选踏查人员"
    if not cells.exists():
        cells, whose = survey_round.cells.all(), "本轮"
    if not cleaned.lines:
        return 0, whose
    bbox = shapely.MultiLineString(cleaned.lines).bounds
    lon_pad, lat_pad = bbox_pad_deg(_largest_radius_m(survey_round), bbox)
    near = list(
        cells.filter(
            max_lon__gte=bbox[0] - lon_pad,
            min_lon__lte=bbox[2] + lon_pad,
            max_lat__gte=bbox[1] - lat_pad,
            min_lat__lte=bbox[3] + lat_pad,
        ).only("geometry", "radius_m")
    )
    targets = [(shape(c.geometry), c.radius_m) for c in near]
    return len(track_checks.touching(cleaned.lines, targets)), whose


def _file_label(name: str, field: Any) -> str:
    """An uploaded file's name cut to the column, keeping its extension."""
    if len(name) <= field.max_length:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[: field.max_length - 1] + "…"
    return f"{stem[: field.max_length - len(extension) - 2]}….{extension}"


PHOTO_MAX_DISTANCE_M = 500
PHOTO_MAX_TIME_GAP = timedelta(minutes=10)


def _apply_claim(photo: PatrolPhoto, claim: PhotoClaim, record: PatrolRecord) -> None:
    """Keep the EXIF claim and say where it disagrees with the patrol's time or track."""
    problems = []
    if claim.taken_at is not None:
        photo.exif_taken_at = claim.taken_at.replace(tzinfo=PHOTO_TZ)
        early = record.started_at - PHOTO_MAX_TIME_GAP
        late = record.ended_at + PHOTO_MAX_TIME_GAP
        if not early <= photo.exif_taken_at <= late:
            problems.append("拍摄时间不在踏查时段内")
    if claim.lon is not None and claim.lat is not None:
        photo.exif_lon, photo.exif_lat = claim.lon, claim.lat
        if record.track:
            vertices = shapely.get_coordinates(shape(record.track))
            distance = float(
                haversine_m(claim.lon, claim.lat, vertices[:, 0], vertices[:, 1]).min()
            )
            if distance > PHOTO_MAX_DISTANCE_M:
                problems.append(f"拍摄位置距轨迹 {distance:.0f} 米")
    photo.exif_software = claim.software
    if claim.software and any(s in claim.software for s in ("Photoshop", "GIMP", "美图", "醒图")):
        problems.append(f"经 {claim.software} 处理")
    photo.mismatch = "；".join(problems)


def _round_tracks(
    survey_round: SurveyRound, since: datetime | None = None
) -> list[list[tuple[float, float]]]:
    records = PatrolRecord.objects.filter(round=survey_round, track__isnull=False)
    if since is not None:
        records = records.filter(started_at__gt=since)
    lines: list[list[tuple[float, float]]] = []
    for track in records.values_list("track", flat=True):
        lines.extend([tuple(p) for p in line] for line in track["coordinates"])
    return lines


# Metres in one degree: of latitude at its shortest (the equator), of longitude at the equator.
_M_PER_DEG_LAT_MIN = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


def bbox_pad_deg(radius_m: float, bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    """Degrees of longitude and latitude that cover ``radius_m`` everywhere in ``bbox``."""
    radius_m *= 1.05  # margin for the spheroid and for rounding of the stored bounds
    lat_pad = radius_m / _M_PER_DEG_LAT_MIN
    far_lat = min(89.0, max(abs(bbox[1]), abs(bbox[3])) + lat_pad)
    lon_pad = radius_m / (_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(far_lat)))
    return lon_pad, lat_pad


def _largest_radius_m(survey_round: SurveyRound) -> float:
    per_cell = survey_round.cells.aggregate(largest=Max("radius_m"))["largest"] or 0.0
    per_kind = [float(v) for v in (survey_round.radius_by_kind or {}).values()]
    return max([survey_round.radius_m, per_cell, *per_kind])


@dataclass(frozen=True)
class _CellUpdate:
    pk: Any
    seen: tuple[str, datetime | None]  # (state, reviewed_at) the computation was based on
    fraction: float
    uncovered: dict[str, Any] | None


def round_recompute_coverage(
    *,
    survey_round: SurveyRound,
    bbox: tuple[float, float, float, float] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> int:
    """Update covered fractions; cells reaching the threshold become surveyed (count returned).

    Idempotent: the fractions depend only on the round's stored tracks. The computation reads
    without a transaction; the results are written in one short transaction at the end, and a
    cell whose state changed meanwhile is left for the next run.
    """
    report = progress or (lambda pct, message: None)
    cells = survey_round.cells.exclude(state__in=[CellState.VALIDATED, CellState.UNREACHABLE])
    if bbox is not None:
        lon_pad, lat_pad = bbox_pad_deg(_largest_radius_m(survey_round), bbox)
        cells = cells.filter(
            max_lon__gte=bbox[0] - lon_pad,
            min_lon__lte=bbox[2] + lon_pad,
            max_lat__gte=bbox[1] - lat_pad,
            min_lat__lte=bbox[3] + lat_pad,
        )
    cells = list(cells)
    if not cells:
        report(100, "附近没有需要更新的踏查任务")
        return 0
    report(5, f"读取轨迹，待计算任务 {len(cells)} 个")
    all_tracks = _round_tracks(survey_round)
    groups: dict[datetime | None, list[TaskCell]] = {}
    for cell in cells:
        # A cell sent back by a reviewer must be walked again: only later patrols count.
        since = cell.reviewed_at if cell.state == CellState.INVALIDATED else None
        groups.setdefault(since, []).append(cell)
    updates: list[_CellUpdate] = []
    for since, group in groups.items():
        tracks = all_tracks if since is None else _round_tracks(survey_round, since)
        results = compute_coverage(
            [Target(str(c.pk), shape(c.geometry), c.radius_m) for c in group],
            tracks,
            radius_m=survey_round.radius_m,
            with_uncovered=True,
            uncovered_below=survey_round.threshold,
        )
        by_id = {r.id: r for r in results}
        for cell in group:
            result = by_id[str(cell.pk)]
            # Only a partly walked cell has a meaningful "uncovered part"; an untouched cell is
            # shown whole by its state.
            uncovered = (
                mapping(result.uncovered)
                if result.fraction > 0
                and result.uncovered is not None
                and not result.uncovered.is_empty
                else None
            )
            updates.append(
                _CellUpdate(
                    cell.pk, (cell.state, cell.reviewed_at), round(result.fraction, 4), uncovered
                )
            )
        report(5 + 85 * len(updates) / len(cells), f"已计算 {len(updates)}/{len(cells)} 个任务")
    newly = _write_coverage(survey_round=survey_round, updates=updates)
    report(100, f"覆盖率已更新，新完成踏查任务 {newly} 个")
    return newly


@transaction.atomic
def _write_coverage(*, survey_round: SurveyRound, updates: Sequence[_CellUpdate]) -> int:
    current = {
        c.pk: c for c in TaskCell.objects.select_for_update().filter(pk__in=[u.pk for u in updates])
    }
    newly = 0
    now = timezone.now()
    for update in updates:
        cell = current.get(update.pk)
        if cell is None or (cell.state, cell.reviewed_at) != update.seen:
            continue
        cell.covered_fraction = update.fraction
        cell.uncovered = update.uncovered
        fields = ["covered_fraction", "uncovered", "updated_at"]
        if update.fraction >= survey_round.threshold and states.allows("survey", cell.state):
            before = snapshot(cell)
            cell.state = states.next_state("survey", cell.state)
            cell.surveyed_at = now
            cell.uncovered = None
            fields += ["state", "surveyed_at"]
            newly += 1
            cell.save(update_fields=fields)
            audit_record(
                actor=None, action="survey", instance=cell, before=before, after=snapshot(cell)
            )
        else:
            cell.save(update_fields=fields)
    return newly
