"""Turn stored plots and zones into features and ledger rows for `geo.writers`.

No request handling: callers pass already scoped and filtered rows (see `geo.selectors`).
Also builds the small map payload of the import preview, which is the same kind of work:
features in, plain GeoJSON-able data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from zerocrop.core.audit import checkpoint_note
from zerocrop.core.ledger import Column, Ledger, Note, ledger_xlsx
from zerocrop.core.units import mu
from zerocrop.geo.choices import RiskClass
from zerocrop.geo.crs import area_m2
from zerocrop.geo.features import GeoPreview
from zerocrop.geo.models import PlantingRecord, Plot, UnitBoundary, Zone
from zerocrop.geo.writers import to_geojson, to_kml

GEOJSON_TYPE = "application/geo+json"
KML_TYPE = "application/vnd.google-earth.kml+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEDGER_COLUMNS: list[tuple[str, str]] = [
    ("_seq", "序号"),
    ("code", "编号"),
    ("name", "名称"),
    ("unit", "村（社区）"),
    ("kind", "类别"),
    ("risk", "风险等级"),
    ("area_mu", "面积（亩）"),  # keys area_*/center_* get core.ledger.KNOWN_FORMATS
    ("area_m2", "面积（平方米）"),
    ("responsible", "包保责任人"),
    ("history", "历史种植（年份/品种/株数）"),
    ("center_lon", "经度"),
    ("center_lat", "纬度"),
]
DEMO_NOTE = "注：本表含 {count} 个示例数据地块（演示用虚构数据），不得作为工作依据。"

GEOMETRY_LABELS = {
    "Polygon": "面",
    "MultiPolygon": "多面",
    "Point": "点",
    "MultiPoint": "多点",
    "LineString": "线",
    "MultiLineString": "多线",
    "GeometryCollection": "几何集合",
}
PREVIEW_MAP_FEATURES = 3000  # more than this is listed, not drawn
PREVIEW_SIMPLIFY_DEG = 0.00001  # ~1 m: drawing only, the stored geometry is untouched
BOUNDARY_SIMPLIFY_DEG = 0.00005  # ~5 m: village outlines are context, not data
MAP_DECIMALS = 6  # ~0.1 m
PREVIEW_TABLE_ROWS = 200


@dataclass
class ExportFeature:
    """What `geo.writers` expects (`FeatureLike`)."""

    geometry: BaseGeometry
    properties: dict[str, object] = field(default_factory=dict)
    name: str | None = None


def _area_fields(square_metres: float) -> dict[str, float]:
    return {
        "area_m2": round(square_metres, 1),
        "area_mu": mu(square_metres),
    }


# --------------------------------------------------------------------------- plots


def plot_properties(plot: Plot) -> dict[str, object]:
    """The exported attributes of a plot, labels in Chinese (as people read them in 奥维)."""
    props: dict[str, object] = {
        "code": plot.code,
        "name": plot.name,
        "unit": plot.unit.name,
        "kind": plot.get_kind_display(),
        "risk": plot.get_risk_display(),
        **_area_fields(plot.area_m2),
        "responsible": plot.responsible.name if plot.responsible else "",
    }
    if plot.is_demo:
        props["is_demo"] = True
    return props


def plot_features(plots: Iterable[Plot]) -> list[ExportFeature]:
    return [
        ExportFeature(geometry=shape(p.geometry), properties=plot_properties(p), name=p.name)
        for p in plots
    ]


def plots_geojson(plots: Iterable[Plot]) -> bytes:
    return to_geojson(plot_features(plots))


def plots_kml(plots: Iterable[Plot], *, document_name: str) -> bytes:
    """One Folder per village/community, Placemark styles by risk class."""
    return to_kml(
        plot_features(plots), document_name=document_name, group_key="unit", risk_key="risk"
    )


def history_summary(records: Iterable[PlantingRecord]) -> str:
    """ "2021年 罂粟 120株；2019年 罂粟 株数不详", newest first."""
    parts = []
    for record in sorted(records, key=lambda r: r.year, reverse=True):
        count = f"{record.count}株" if record.count is not None else "株数不详"
        parts.append(f"{record.year}年 {record.get_species_display()} {count}")
    return "；".join(parts)


def plot_ledger_row(plot: Plot) -> dict[str, object]:
    centroid = shape(plot.geometry).centroid
    return {
        **plot_properties(plot),
        "history": history_summary(plot.history.all()),
        "center_lon": round(centroid.x, 6) if not centroid.is_empty else None,
        "center_lat": round(centroid.y, 6) if not centroid.is_empty else None,
    }


def plots_ledger_xlsx(
    plots: Iterable[Plot],
    *,
    title: str,
    unit_name: str = "",
    filled_by: str = "",
    reported_on: date | None = None,
) -> bytes:
    """Excel 地块台账 (prefetch `history`, `unit` and `responsible` on the queryset)."""
    plots = list(plots)
    notes = []
    demo_count = sum(1 for p in plots if p.is_demo)
    if demo_count:
        notes.append(Note(DEMO_NOTE.format(count=demo_count), warning=True))
    # The audit chain's checkpoint under the ledger: a later rewrite of the chain shows.
    notes.append(Note(checkpoint_note()))
    ledger = Ledger(
        title=title,
        sheet="地块台账",
        columns=[Column(key, header) for key, header in LEDGER_COLUMNS],
        rows=[plot_ledger_row(p) for p in plots],
        unit_name=unit_name,
        filled_by=filled_by,
        reported_on=reported_on,
        notes=notes,
    )
    return ledger_xlsx(ledger)


# --------------------------------------------------------------------------- zones


def zone_properties(zone: Zone) -> dict[str, object]:
    props: dict[str, object] = {
        "code": zone.code,
        "name": zone.name,
        "unit": zone.unit.name,
        "kind": zone.get_kind_display(),
        # Zone kinds are the risk classes of areas; KML styles them like plots.
        "risk": RiskClass(zone.kind).label if zone.kind in RiskClass.values else "",
        **_area_fields(zone.area_m2),
    }
    if zone.is_demo:
        props["is_demo"] = True
    return props


def zone_features(zones: Iterable[Zone]) -> list[ExportFeature]:
    return [
        ExportFeature(geometry=shape(z.geometry), properties=zone_properties(z), name=z.name)
        for z in zones
    ]


def zones_geojson(zones: Iterable[Zone]) -> bytes:
    return to_geojson(zone_features(zones))


def zones_kml(zones: Iterable[Zone], *, document_name: str) -> bytes:
    """One Folder per zone kind (重点区域 / 传统区域 / 潜在区域)."""
    return to_kml(
        zone_features(zones), document_name=document_name, group_key="kind", risk_key="risk"
    )


# --------------------------------------------------------------------------- export files

PLOT_FORMATS = ("geojson", "kml", "xlsx")
ZONE_FORMATS = ("geojson", "kml")


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    content_type: str
    filename: str  # Chinese, e.g. 毛布拉格村地块台账_2022年5月25日.xlsx
    ascii_name: str  # fallback for clients without RFC 6266 filename*


def _file(
    data: bytes, content_type: str, scope: str, what: str, day: date, suffix: str
) -> ExportFile:
    return ExportFile(
        data=data,
        content_type=content_type,
        filename=f"{scope}{what}_{day.year}年{day.month}月{day.day}日{suffix}",
        ascii_name=f"zerocrop-{'plots' if '地块' in what else 'zones'}-{day.isoformat()}{suffix}",
    )


def plot_export(
    plots: Iterable[Plot], *, fmt: str, scope: str, day: date, filled_by: str = ""
) -> ExportFile:
    """Plots as GeoJSON, KML or the Excel 地块台账; `scope` names the town or village."""
    if fmt == "geojson":
        return _file(plots_geojson(plots), GEOJSON_TYPE, scope, "地块", day, ".geojson")
    if fmt == "kml":
        data = plots_kml(plots, document_name=f"{scope}地块")
        return _file(data, KML_TYPE, scope, "地块", day, ".kml")
    if fmt == "xlsx":
        data = plots_ledger_xlsx(
            plots, title=f"{scope}地块台账", unit_name=scope, filled_by=filled_by, reported_on=day
        )
        return _file(data, XLSX_TYPE, scope, "地块台账", day, ".xlsx")
    raise ValueError(f"unknown plot export format {fmt!r}")


def zone_export(zones: Iterable[Zone], *, fmt: str, scope: str, day: date) -> ExportFile:
    if fmt == "geojson":
        return _file(zones_geojson(zones), GEOJSON_TYPE, scope, "区域", day, ".geojson")
    if fmt == "kml":
        data = zones_kml(zones, document_name=f"{scope}重点、传统、潜在区域")
        return _file(data, KML_TYPE, scope, "区域", day, ".kml")
    raise ValueError(f"unknown zone export format {fmt!r}")


# --------------------------------------------------------------------------- import preview


def is_polygonal(geom: BaseGeometry) -> bool:
    return geom.geom_type in {"Polygon", "MultiPolygon"}


def preview_rows(preview: GeoPreview, limit: int = PREVIEW_TABLE_ROWS) -> list[dict[str, object]]:
    """The first `limit` features as table rows: number, name, type, area (polygons)."""
    rows = []
    for feature in preview.features[:limit]:
        polygonal = is_polygonal(feature.geometry)
        rows.append(
            {
                "number": feature.index + 1,
                "code": feature.code or "",
                "name": feature.name or "",
                "type": GEOMETRY_LABELS.get(feature.geometry.geom_type, feature.geometry.geom_type),
                "area_mu": mu(area_m2(feature.geometry)) if polygonal else None,
                "polygonal": polygonal,
            }
        )
    return rows


def preview_geometry_types(preview: GeoPreview) -> list[tuple[str, int]]:
    return [(GEOMETRY_LABELS.get(k, k), v) for k, v in preview.geometry_types.items()]


def _for_map(geom: BaseGeometry, tolerance: float) -> dict[str, Any]:
    """Simplified and rounded GeoJSON geometry, for drawing only."""
    if not geom.geom_type.endswith("Point"):
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    rounded = shapely.transform(shapely.force_2d(geom), lambda c: np.round(c, MAP_DECIMALS))
    return mapping(rounded)


def preview_map_data(preview: GeoPreview, limit: int = PREVIEW_MAP_FEATURES) -> dict[str, Any]:
    """GeoJSON of the first `limit` features, simplified for drawing."""
    items = []
    for feature in preview.features[:limit]:
        items.append(
            {
                "type": "Feature",
                "geometry": _for_map(feature.geometry, PREVIEW_SIMPLIFY_DEG),
                "properties": {"name": feature.name or feature.label, "n": feature.index + 1},
            }
        )
    return {"type": "FeatureCollection", "features": items}


def boundary_map_data(boundaries: Sequence[UnitBoundary]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": _for_map(shape(b.geometry), BOUNDARY_SIMPLIFY_DEG),
                "properties": {"id": str(b.unit_id), "name": b.unit.name},
            }
            for b in boundaries
        ],
    }


def suggest_unit_id(preview: GeoPreview, boundaries: Sequence[UnitBoundary]) -> str | None:
    """The unit whose boundary holds most of the file's polygons (None when none does)."""
    points = [
        f.geometry.representative_point()
        for f in preview.features[:500]
        if is_polygonal(f.geometry)
    ]
    if not points:
        return None
    best: tuple[int, str | None] = (0, None)
    for boundary in boundaries:
        outline = shape(boundary.geometry)
        shapely.prepare(outline)
        hits = sum(1 for p in points if outline.contains(p))
        if hits > best[0]:
            best = (hits, str(boundary.unit_id))
    return best[1]
