from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import IntegrityError, transaction
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError
from zerocrop.core.voiding import void
from zerocrop.geo.attributes import MAX_ATTRIBUTE_TEXT, default_plot_name, plot_sort_key
from zerocrop.geo.choices import PlotKind, RiskClass, ZoneKind
from zerocrop.geo.features import GeoFeature, GeoPreview
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import PlantingRecord, Plot, UnitBoundary, Zone
from zerocrop.geo.validation import validate_feature
from zerocrop.org.models import AdminUnit, Person

MAX_PLOT_VERTICES = 20_000
BOUNDARY_KIND = "boundary"  # import target: the polygons become the unit's boundary


def _polygon(geometry: BaseGeometry | dict[str, Any], label: str) -> BaseGeometry:
    """A valid WGS84 polygon inside China, or an ApplicationError naming what is wrong."""
    try:
        geom = shape(geometry) if isinstance(geometry, dict) else geometry
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        raise ApplicationError(f"「{label}」的几何数据无法识别") from exc
    if geom.is_empty or not geom.geom_type.endswith("Polygon"):
        raise ApplicationError(f"「{label}」必须是多边形（面）")
    if shapely.get_num_coordinates(geom) > MAX_PLOT_VERTICES:
        raise ApplicationError(f"「{label}」的顶点超过 {MAX_PLOT_VERTICES} 个，请先简化")
    kept, _warnings, refusal = validate_feature(GeoFeature(geometry=geom, name=label))
    if kept is None:
        # Messages name "第1个要素「…」" as in a file; a single drawn plot is just its name.
        raise ApplicationError((refusal or f"「{label}」的几何无效").replace("第1个要素", "", 1))
    return kept.geometry


def stored_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """A feature's attributes as kept on the plot: all of them, very long texts cut."""
    kept: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(value, str) and len(value) > MAX_ATTRIBUTE_TEXT:
            value = value[:MAX_ATTRIBUTE_TEXT] + "…"
        kept[str(key)[:100]] = value
    return kept


def _check_code_free(unit: AdminUnit, code: str, *, plot: Plot | None = None) -> None:
    if not code:
        return
    taken = Plot.objects.filter(unit=unit, code=code)
    if plot is not None:
        taken = taken.exclude(pk=plot.pk)
    other = taken.first()
    if other is not None:
        raise ApplicationError(
            f"{unit.name}已有编号为「{code}」的地块（{other.name}），同一村（社区）内编号不能重复",
            field="code",
        )


def _save_plot(plot: Plot) -> None:
    """Save, turning a code taken by a concurrent request meanwhile into the same refusal."""
    plot.full_clean()
    try:
        with transaction.atomic():
            plot.save()
    except IntegrityError:
        _check_code_free(plot.unit, plot.code, plot=plot)
        raise


def _check_within(geom: BaseGeometry, unit: AdminUnit, label: str) -> None:
    boundary = UnitBoundary.objects.filter(unit=unit).first()
    if boundary is None:
        return
    outline = shape(boundary.geometry)
    if not outline.buffer(0.0005).contains(geom):  # ~50 m of slack for hand-drawn edges
        raise ApplicationError(f"{label}不在{unit.name}的边界内，请检查所属村（社区）或坐标")


@transaction.atomic
def plot_create(
    *,
    unit: AdminUnit,
    name: str,
    kind: str,
    risk: str,
    geometry: BaseGeometry | dict[str, Any],
    code: str = "",
    responsible: Person | None = None,
    note: str = "",
    source: str = "",
    history: Iterable[dict[str, Any]] = (),
    source_attributes: dict[str, Any] | None = None,
    is_demo: bool = False,
    check_boundary: bool = True,
    actor: Any = None,
) -> Plot:
    label = name.strip() or "未命名地块"
    if kind not in PlotKind.values:
        raise ApplicationError(f"地块「{label}」的类别「{kind}」无法识别", field="kind")
    if risk not in RiskClass.values:
        raise ApplicationError(f"地块「{label}」的风险等级「{risk}」无法识别", field="risk")
    geom = _polygon(geometry, label)
    if check_boundary:
        _check_within(geom, unit, f"地块「{label}」")
    if responsible is not None and not responsible.unit.is_within(unit.parent or unit):
        raise ApplicationError(f"责任人{responsible.name}不属于本镇", field="responsible")
    _check_code_free(unit, code.strip())
    plot = Plot(
        unit=unit,
        name=name.strip() or "未命名地块",
        code=code.strip(),
        source_attributes=stored_attributes(source_attributes or {}),
        kind=kind,
        risk=risk,
        responsible=responsible,
        note=note,
        source=source,
        is_demo=is_demo,
        **located_fields(geom),
    )
    plot.sort_key = plot_sort_key(code=plot.code, name=plot.name)
    _save_plot(plot)
    for record in history:
        PlantingRecord.objects.create(
            plot=plot,
            year=int(record["year"]),
            species=record["species"],
            count=record.get("count"),
            note=record.get("note", ""),
        )
    audit_record(actor=actor, action="create", instance=plot, after=snapshot(plot))
    return plot


@transaction.atomic
def plot_update(
    *,
    plot: Plot,
    actor: Any = None,
    geometry: BaseGeometry | dict[str, Any] | None = None,
    **changes: Any,
) -> Plot:
    before = snapshot(plot)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        _check_code_free(plot.unit, changes["code"], plot=plot)
    for name in ("name", "code", "kind", "risk", "note", "responsible"):
        if name in changes:
            setattr(plot, name, changes[name])
    plot.sort_key = plot_sort_key(code=plot.code, name=plot.name)
    if geometry is not None:
        geom = _polygon(geometry, plot.name)
        _check_within(geom, plot.unit, f"地块「{plot.name}」")
        for key, value in located_fields(geom).items():
            setattr(plot, key, value)
    _save_plot(plot)
    audit_record(actor=actor, action="update", instance=plot, before=before, after=snapshot(plot))
    return plot


@transaction.atomic
def plots_assign_responsible(
    *, plots: Sequence[Plot], responsible: Person | None, actor: Any = None
) -> int:
    for plot in plots:
        plot_update(plot=plot, responsible=responsible, actor=actor)
    return len(plots)


def plot_void(*, plot: Plot, reason: str, actor: Any = None) -> Plot:
    """Void a plot: it leaves the ledger, the map and new rounds; its history stays."""
    void(instance=plot, reason=reason, actor=actor)
    return plot


@transaction.atomic
def zone_create(
    *,
    unit: AdminUnit,
    name: str,
    kind: str,
    geometry: BaseGeometry | dict[str, Any],
    code: str = "",
    is_demo: bool = False,
    actor: Any = None,
) -> Zone:
    if kind not in ZoneKind.values:
        raise ApplicationError(f"区域类别「{kind}」无法识别", field="kind")
    geom = _polygon(geometry, name)
    zone = Zone(unit=unit, name=name, kind=kind, code=code, is_demo=is_demo, **located_fields(geom))
    zone.full_clean()
    zone.save()
    audit_record(actor=actor, action="create", instance=zone, after=snapshot(zone))
    return zone


@transaction.atomic
def boundary_set(
    *, unit: AdminUnit, geometry: BaseGeometry, is_demo: bool = False, actor: Any = None
) -> UnitBoundary:
    geom = _polygon(geometry, f"{unit.name}边界")
    boundary = UnitBoundary.objects.filter(unit=unit).first()
    before = snapshot(boundary) if boundary else None
    boundary = boundary or UnitBoundary(unit=unit)
    for key, value in located_fields(geom).items():
        setattr(boundary, key, value)
    boundary.is_demo = is_demo
    boundary.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        instance=boundary,
        before=before,
        after=snapshot(boundary),
    )
    return boundary


@dataclass
class ImportResult:
    unit: AdminUnit
    kind: str
    plots: list[Plot] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    boundary: UnitBoundary | None = None
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.boundary is not None:
            return f"已更新{self.unit.name}的边界（{self.boundary.area_m2 / 1e6:.2f} 平方公里）"
        made = f"{len(self.plots)} 个地块" if self.plots else f"{len(self.zones)} 个区域"
        text = f"已导入{self.unit.name}：{made}"
        if self.skipped:
            text += f"；跳过 {len(self.skipped)} 个非面要素"
        return text


def _resolve_unit(unit_name: str | None, unit: AdminUnit | None) -> AdminUnit:
    if unit is not None:
        return unit
    if not unit_name:
        raise ApplicationError("请指定所属村（社区）", field="unit")
    matches = list(AdminUnit.objects.filter(name="".join(unit_name.split())))
    if len(matches) != 1:
        raise ApplicationError(
            f"找不到名为「{unit_name}」的单位"
            if not matches
            else f"有多个名为「{unit_name}」的单位"
        )
    return matches[0]


@transaction.atomic
def geo_import_preview(
    *,
    preview: GeoPreview,
    kind: str,
    unit_name: str | None = None,
    unit: AdminUnit | None = None,
    risk: str = RiskClass.TRADITIONAL,
    source: str = "",
    actor: Any = None,
) -> ImportResult:
    """Save every polygon of a previewed file as plots (or zones: kind "zone:<k>"), all or none."""
    target = _resolve_unit(unit_name, unit)
    result = ImportResult(unit=target, kind=kind)
    if kind == BOUNDARY_KIND:
        polygons = [
            f.geometry for f in preview.features if f.geometry.geom_type.endswith("Polygon")
        ]
        if not polygons:
            raise ApplicationError("文件中没有面要素，无法作为边界")
        outline = shapely.union_all(polygons)
        result.boundary = boundary_set(unit=target, geometry=outline, actor=actor)
        return result
    zone_kind = kind.removeprefix("zone:") if kind.startswith("zone:") else None
    if zone_kind is None and kind not in PlotKind.values:
        choices = "、".join(PlotKind.values)
        raise ApplicationError(f"地块类别「{kind}」无法识别，可选：{choices}", field="kind")
    for feature in preview.features:
        if not feature.geometry.geom_type.endswith("Polygon"):
            result.skipped.append(feature.label)
            continue
        name = feature.name or default_plot_name(unit_name=target.name, index=feature.index)
        if zone_kind:
            result.zones.append(
                zone_create(
                    unit=target,
                    name=name,
                    kind=zone_kind,
                    code=feature.code or "",
                    geometry=feature.geometry,
                    actor=actor,
                )
            )
        else:
            result.plots.append(
                plot_create(
                    unit=target,
                    name=name,
                    kind=kind,
                    risk=risk,
                    geometry=feature.geometry,
                    code=feature.code or "",
                    source=source,
                    note=str(feature.properties.get("description", ""))[:300],
                    source_attributes=feature.properties,
                    actor=actor,
                )
            )
    if not result.plots and not result.zones:
        raise ApplicationError("文件中没有面要素（地块须为多边形），未导入任何内容")
    return result
