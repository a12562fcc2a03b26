"""Importing a batch of upper-level targets (靶点): read, plan, and save all or nothing.

`batch_read*` parse a file in a bounded child process (`core.sandbox.run_bounded`); the plan
(`batch_plan`) only reads the database: where each row lies (village by boundary, else the
nearest plot's village, else the town), which rows merge, whether the file is a batch already
imported; `batch_import` stores the original file, the batch, its targets and their links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zerocrop.campaigns.models import Campaign
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.sandbox import SandboxError, run_bounded
from zerocrop.findings.models import Finding
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.geo.selectors import bbox_q
from zerocrop.monitoring import batch_files, columns, dedup, rules
from zerocrop.monitoring.batch_files import BatchTable
from zerocrop.monitoring.choices import LinkKind, TargetIssuer, TargetStatus
from zerocrop.monitoring.columns import Mapped, MappedRow
from zerocrop.monitoring.models import Target, TargetBatch, TargetLink
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit

PARSE_TIMEOUT_S = 30.0
PARSE_MEMORY_MB = 1024
KNOWN_NOTE_MAX = 300
OPEN_STATUSES = (TargetStatus.PENDING, TargetStatus.SUBMITTED, TargetStatus.RETURNED)
VILLAGE_LEVELS = (UnitLevel.VILLAGE, UnitLevel.COMMUNITY)  # a target's unit; never a grid
ALREADY_IMPORTED = "此文件是已导入的批次「{name}」（含本系统导出的核查反馈），未重复导入"


class BatchAlreadyImported(ApplicationError):
    """The file is a batch the town already has (same codes, or same issuer and 文号)."""

    default_code = "already_imported"

    def __init__(self, batch: TargetBatch) -> None:
        super().__init__(ALREADY_IMPORTED.format(name=batch.name))
        self.batch = batch


def max_bytes() -> int:
    return int(settings.ZEROCROP_TARGET_MAX_BYTES)


def _bounded(fn: Any, source: Any, **kwargs: Any) -> BatchTable:
    try:
        return run_bounded(
            fn, source, timeout_s=PARSE_TIMEOUT_S, memory_mb=PARSE_MEMORY_MB, **kwargs
        )
    except SandboxError as exc:
        raise ApplicationError(exc.message, field="file", code=exc.code) from None


def batch_read_path(*, path: Path, name: str, source_crs: str) -> BatchTable:
    """Read a staged batch file in a bounded child process; ApplicationError when refused."""
    _check_crs(source_crs)
    return _bounded(
        batch_files.read_batch_path,
        Path(path),
        name=name,
        source_crs=source_crs,
        max_bytes=max_bytes(),
    )


def batch_read_bytes(*, data: bytes, name: str, source_crs: str) -> BatchTable:
    _check_crs(source_crs)
    return _bounded(
        batch_files.read_batch, data, name=name, source_crs=source_crs, max_bytes=max_bytes()
    )


def _check_crs(source_crs: str) -> None:
    if source_crs not in batch_files.CRS_CHOICES:
        raise ApplicationError("坐标系须为 WGS84/CGCS2000 或 GCJ-02", field="source_crs")


# --------------------------------------------------------------------------- the plan


@dataclass
class PlannedTarget:
    row: MappedRow
    unit: AdminUnit
    outside: bool
    merged: list[tuple[MappedRow, float]] = field(default_factory=list)


@dataclass
class BatchPlan:
    table: BatchTable
    mapped: Mapped
    targets: list[PlannedTarget]
    fingerprint: str
    distance_m: float
    existing: TargetBatch | None = None

    @property
    def bad_rows(self) -> list[MappedRow]:
        return self.mapped.bad

    @property
    def points(self) -> int:
        return sum(1 for t in self.targets if t.row.geometry.geom_type == "Point")

    @property
    def polygons(self) -> int:
        return len(self.targets) - self.points

    @property
    def outside(self) -> int:
        return sum(1 for t in self.targets if t.outside)

    @property
    def merged(self) -> int:
        return sum(len(t.merged) for t in self.targets)

    def refusal(self) -> str:
        """Why the file cannot be imported with this map (Chinese), or ""."""
        if self.mapped.missing:
            return "无法导入：未指定" + "、".join(self.mapped.missing) + "，请在列对应中选择。"
        if not self.targets:
            reasons = "；".join(f"第{r.line}行{r.error}" for r in self.bad_rows[:3])
            return f"文件中没有可导入的靶点{('：' + reasons) if reasons else ''}。"
        return ""


class _Locator:
    """Which village of the town a position lies in (boundary, else nearest plot nearby)."""

    def __init__(self, town: AdminUnit, distance_m: float) -> None:
        self.town = town
        self.distance_m = distance_m
        boundaries = UnitBoundary.objects.filter(unit__path__startswith=town.path).select_related(
            "unit"
        )
        self.villages: list[tuple[AdminUnit, BaseGeometry]] = []
        self.town_shape: BaseGeometry | None = None
        for boundary in boundaries:
            if boundary.unit_id == town.pk:
                self.town_shape = shape(boundary.geometry)
            elif boundary.unit.level in VILLAGE_LEVELS:
                self.villages.append((boundary.unit, shape(boundary.geometry)))

    def locate(self, point: BaseGeometry) -> tuple[AdminUnit, bool]:
        for unit, outline in self.villages:
            if outline.covers(point):
                return unit, False
        near = dedup.expand_bbox(point.bounds, self.distance_m)
        best: tuple[float, AdminUnit] | None = None
        plots = Plot.objects.filter(
            bbox_q(near), unit__path__startswith=self.town.path, voided_at=None
        ).select_related("unit")
        for plot in plots:
            gap = dedup.distance_m(point, shape(plot.geometry))
            if gap <= self.distance_m and (best is None or gap < best[0]):
                best = (gap, plot.unit)
        if best is not None:
            return best[1], False
        inside_town = self.town_shape is not None and self.town_shape.covers(point)
        return self.town, not inside_town


def existing_batch(*, town: AdminUnit, fingerprint: str, issuer: str = "", doc_number: str = ""):
    """The town's live batch with these codes, or this issuer's same 文号 (None if none)."""
    same = Q(fingerprint=fingerprint)
    if issuer.strip() and doc_number.strip():
        same |= Q(issuer=issuer.strip(), doc_number=doc_number.strip())
    return TargetBatch.objects.filter(same, unit=town, voided_at=None).first()


def batch_plan(
    *,
    town: AdminUnit,
    table: BatchTable,
    column_map: Mapping[str, str],
    source_crs: str,
    distance_m: float | None = None,
    issuer: str = "",
    doc_number: str = "",
) -> BatchPlan:
    """What importing `table` with `column_map` would create (reads only)."""
    distance = rules.match_distance_m() if distance_m is None else float(distance_m)
    mapped = columns.map_rows(table, column_map, source_crs=source_crs)
    good = mapped.good
    sites = [
        dedup.Site(key=i, code=r.code, lon=r.point.x, lat=r.point.y) for i, r in enumerate(good)
    ]
    locator = _Locator(town, distance)
    targets: list[PlannedTarget] = []
    for group in dedup.merge_near(sites, distance):
        row = good[group.kept.key]
        unit, outside = locator.locate(row.point)
        targets.append(
            PlannedTarget(
                row=row,
                unit=unit,
                outside=outside,
                merged=[(good[site.key], gap) for site, gap in group.merged],
            )
        )
    codes = [r.code for r in good]
    fingerprint = dedup.fingerprint(codes)
    return BatchPlan(
        table=table,
        mapped=mapped,
        targets=targets,
        fingerprint=fingerprint,
        distance_m=distance,
        existing=existing_batch(
            town=town, fingerprint=fingerprint, issuer=issuer, doc_number=doc_number
        )
        if codes
        else None,
    )


# --------------------------------------------------------------------------- the import


def _text(value: str, label: str, field_name: str, max_length: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}", field=field_name)
    if len(value) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 个字", field=field_name)
    return value


def _known_note(links: Sequence[tuple[str, Any, float]]) -> str:
    parts = []
    for kind, record, gap in links:
        where = f"（相距 {gap:.0f} 米）"
        if kind == LinkKind.PLOT:
            label = record.name or record.code or "地块"
            parts.append(f"下发前已在地块台账：{record.unit.name} {label}{where}")
        else:
            found = timezone.localtime(record.found_at)
            parts.append(f"下发前已登记发现点：{record.unit.name} {found:%Y-%m-%d} 发现{where}")
    note = "；".join(parts)
    return note if len(note) <= KNOWN_NOTE_MAX else note[: KNOWN_NOTE_MAX - 1] + "…"


def _link(target: Target, *, actor: Any, **fields: Any) -> TargetLink:
    link = TargetLink.objects.create(target=target, **fields)
    audit_record(actor=actor, action="create", instance=link, after=snapshot(link))
    return link


def _link_neighbours(*, target: Target, geom: BaseGeometry, batch: TargetBatch, actor: Any) -> None:
    distance = batch.match_distance_m
    near = bbox_q(dedup.expand_bbox(geom.bounds, distance))
    town_path = batch.unit.path
    known: list[tuple[str, Any, float]] = []
    others = (
        Target.objects.filter(
            near,
            unit__path__startswith=town_path,
            voided_at=None,
            batch__voided_at=None,
            status__in=OPEN_STATUSES,
        )
        .exclude(batch=batch)
        .filter(batch__issued_on__lte=batch.issued_on)
    )
    for other in others:
        gap = dedup.distance_m(geom, shape(other.geometry))
        if gap <= distance:
            _link(
                target,
                actor=actor,
                kind=LinkKind.TARGET,
                other_target=other,
                other_code=other.code,
                distance_m=round(gap, 1),
            )
    plots = Plot.objects.filter(near, unit__path__startswith=town_path, voided_at=None)
    for plot in plots.select_related("unit"):
        gap = dedup.distance_m(geom, shape(plot.geometry))
        if gap > distance:
            continue
        before = timezone.localtime(plot.created_at).date() < batch.issued_on
        _link(
            target,
            actor=actor,
            kind=LinkKind.PLOT,
            plot=plot,
            distance_m=round(gap, 1),
            known_before=before,
        )
        if before:
            known.append((LinkKind.PLOT, plot, gap))
    findings = Finding.objects.filter(
        near,
        unit__path__startswith=town_path,
        voided_at=None,
        found_at__year__lte=batch.issued_on.year,
    )
    for finding in findings.select_related("unit"):
        gap = dedup.distance_m(geom, shape(finding.geometry))
        if gap > distance:
            continue
        before = timezone.localtime(finding.found_at).date() < batch.issued_on
        _link(
            target,
            actor=actor,
            kind=LinkKind.FINDING,
            finding=finding,
            distance_m=round(gap, 1),
            known_before=before,
        )
        if before:
            known.append((LinkKind.FINDING, finding, gap))
    if known:
        before_snapshot = snapshot(target)
        known.sort(key=lambda item: item[2])
        target.locally_known = True
        target.known_note = _known_note(known)
        target.save(update_fields=["locally_known", "known_note", "updated_at"])
        audit_record(
            actor=actor,
            action="update",
            instance=target,
            before=before_snapshot,
            after=snapshot(target),
        )


@transaction.atomic
def batch_import(
    *,
    town: AdminUnit,
    table: BatchTable,
    column_map: Mapping[str, str],
    file_bytes: bytes,
    original_name: str,
    name: str,
    issuer: str,
    issuer_level: str,
    doc_number: str = "",
    issued_on: date,
    due_on: date,
    imagery_date: date | None = None,
    source_crs: str = batch_files.WGS84,
    campaign: Campaign | None = None,
    distance_m: float | None = None,
    note: str = "",
    actor: Any,
) -> TargetBatch:
    """Save the batch and one target per kept row; raise ApplicationError and save nothing."""
    if town.level != UnitLevel.TOWN:
        raise ApplicationError("靶点批次须导入到乡镇", field="town")
    name = _text(name, "批次名称", "name", 100, required=True)
    issuer = _text(issuer, "下发单位", "issuer", 100, required=True)
    doc_number = _text(doc_number, "文号", "doc_number", 100, required=False)
    note = _text(note, "备注", "note", 1000, required=False)
    if issuer_level not in TargetIssuer.values:
        raise ApplicationError("下发层级无法识别", field="issuer_level")
    _check_crs(source_crs)
    if due_on < issued_on:
        raise ApplicationError("反馈截止日期不能早于下发日期", field="due_on")
    if campaign is not None and not town.path.startswith(campaign.unit.path):
        raise ApplicationError("所选行动不属于本乡镇", field="campaign")
    if distance_m is not None and not 0 <= distance_m <= 1000:
        raise ApplicationError("查重距离应在 0 至 1000 米之间", field="distance_m")
    plan = batch_plan(
        town=town,
        table=table,
        column_map=column_map,
        source_crs=source_crs,
        distance_m=distance_m,
        issuer=issuer,
        doc_number=doc_number,
    )
    if plan.existing is not None:
        raise BatchAlreadyImported(plan.existing)
    refusal = plan.refusal()
    if refusal:
        raise ApplicationError(refusal, field="column_map")
    source = evidence_store(
        file=file_bytes, kind=EvidenceKind.TARGET_FILE, actor=actor, original_name=original_name
    )
    batch = TargetBatch(
        unit=town,
        campaign=campaign,
        name=name,
        issuer=issuer,
        issuer_level=issuer_level,
        doc_number=doc_number,
        issued_on=issued_on,
        due_on=due_on,
        imagery_date=imagery_date,
        source_file=source,
        file_format=table.file_format,
        encoding=table.encoding,
        source_crs=source_crs,
        columns=list(table.columns),
        column_map=dict(plan.mapped.column_map),
        match_distance_m=plan.distance_m,
        fingerprint=plan.fingerprint,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    batch.full_clean(exclude=["source_file", "created_by", "campaign", "unit"])
    batch.save()
    audit_record(actor=actor, action="create", instance=batch, after=snapshot(batch))
    for planned in plan.targets:
        row = planned.row
        point = row.point
        target = Target.objects.create(
            batch=batch,
            unit=planned.unit,
            code=row.code,
            merged_codes=[m.code for m, _ in planned.merged],
            row_index=row.line,
            attributes=dict(row.cells),
            lon=round(point.x, 7),
            lat=round(point.y, 7),
            issued_on=row.issued_on or issued_on,
            due_on=row.due_on or due_on,
            category=row.category,
            confidence=row.confidence,
            imagery_date=row.imagery_date or imagery_date,
            **located_fields(row.geometry),
        )
        if row.area_m2 is not None and row.geometry.geom_type == "Point":
            target.area_m2 = row.area_m2
            target.save(update_fields=["area_m2", "updated_at"])
        audit_record(actor=actor, action="create", instance=target, after=snapshot(target))
        for merged, gap in planned.merged:
            _link(
                target,
                actor=actor,
                kind=LinkKind.MERGED,
                other_code=merged.code,
                distance_m=gap,
            )
        _link_neighbours(target=target, geom=row.geometry, batch=batch, actor=actor)
    return batch
