"""Strata, owners and overlaps of sampling cells: the geometry behind the sampling services.

Pure module: no Django. A cell's stratum is the highest risk class of the layers it overlaps
(重点 > 传统 > 潜在), else 一般. Drone screening, once it exists, passes the ids of the cells its
detector flagged as ``flagged``: they form their own stratum 检出 above every risk class.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import replace

import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from zerocrop.monitoring.sampling import Frame, FrameCell, make_frame

KEY, TRADITIONAL, POTENTIAL = "重点", "传统", "潜在"
GENERAL = "一般"
FLAGGED = "检出"  # the hook for the detector flag (drone screening): no caller yet
RISK_ORDER = (FLAGGED, KEY, TRADITIONAL, POTENTIAL, GENERAL)  # highest first
STRATA_RULE = "按风险等级分层：网格与重点、传统、潜在地块或区域相交取其中最高的一级，否则为一般"


def stratum_of(risks: Collection[str], *, flagged: bool = False) -> str:
    """The highest of these risk labels (重点/传统/潜在), 一般 when there is none."""
    if flagged:
        return FLAGGED
    for label in RISK_ORDER[1:-1]:
        if label in risks:
            return label
    return GENERAL


def _overlaps(a: BaseGeometry, b: BaseGeometry) -> bool:
    """A real overlap: sharing only an edge or a corner does not count."""
    if not a.intersects(b):
        return False
    if a.geom_type in {"Polygon", "MultiPolygon"} and b.geom_type in {"Polygon", "MultiPolygon"}:
        return shapely.area(shapely.intersection(a, b)) > 0
    return not a.touches(b)


def assign_strata(
    frame: Frame,
    layers: Sequence[tuple[BaseGeometry, str]],
    *,
    flagged: Collection[str] = (),
) -> Frame:
    """The frame again with each cell's stratum from the risk layers it overlaps."""
    geoms = [g for g, _ in layers]
    tree = shapely.STRtree(geoms) if geoms else None
    cells = []
    for cell in frame.cells:
        shape = shapely.geometry.shape(cell.geometry)
        risks: set[str] = set()
        if tree is not None:
            for index in tree.query(shape, predicate="intersects"):
                if _overlaps(shape, geoms[int(index)]):
                    risks.add(layers[int(index)][1])
        cells.append(replace(cell, stratum=stratum_of(risks, flagged=cell.id in flagged)))
    return make_frame(cells)


def owners(cells: Sequence[FrameCell], outlines: Sequence[BaseGeometry]) -> list[int | None]:
    """For each cell, the index of the outline holding most of it (None: in none)."""
    tree = shapely.STRtree(list(outlines)) if outlines else None
    out: list[int | None] = []
    for cell in cells:
        shape = shapely.geometry.shape(cell.geometry)
        best, best_area = None, 0.0
        if tree is not None:
            for index in sorted(int(i) for i in tree.query(shape, predicate="intersects")):
                area = float(shapely.area(shapely.intersection(shape, outlines[index])))
                if area > best_area:
                    best, best_area = index, area
        out.append(best)
    return out


def overlapping(
    cells: Sequence[tuple[str, dict]], others: Sequence[tuple[str, dict]]
) -> list[tuple[str, str]]:
    """(cell id, other key) for every cell and other geometry that really overlap."""
    if not cells or not others:
        return []
    other_geoms = [shapely.geometry.shape(g) for _, g in others]
    tree = shapely.STRtree(other_geoms)
    pairs = []
    for cell_id, geometry in cells:
        shape = shapely.geometry.shape(geometry)
        for index in sorted(int(i) for i in tree.query(shape, predicate="intersects")):
            if _overlaps(shape, other_geoms[index]):
                pairs.append((cell_id, others[index][0]))
    return pairs


def expected_cells(area_m2: float, cell_size_m: float) -> int:
    """About how many cells of this size cover this area (before clipping adds edge cells)."""
    return math.ceil(area_m2 / (cell_size_m * cell_size_m)) if cell_size_m > 0 else 0


# Assumed standard deviation of a cell's plants where earlier years found nothing to learn
# from, by stratum: a stated default, shown on the design page next to each stratum.
DEFAULT_PRIOR_SD = {FLAGGED: 50.0, KEY: 20.0, TRADITIONAL: 10.0, POTENTIAL: 5.0, GENERAL: 2.0}
PRIOR_FROM_FINDINGS = "往年发现"
PRIOR_DEFAULT = "经验值"


def cell_values(cells: Sequence[FrameCell], points: Sequence[tuple[BaseGeometry, float]]) -> dict:
    """The sum of the values of the points lying in each cell (0 for a cell without any)."""
    out = {cell.id: 0.0 for cell in cells}
    if not cells or not points:
        return out
    shapes = [shapely.geometry.shape(cell.geometry) for cell in cells]
    tree = shapely.STRtree(shapes)
    for geom, value in points:
        point = geom.representative_point() if not geom.is_empty else None
        if point is None:
            continue
        for index in sorted(int(i) for i in tree.query(point, predicate="intersects")):
            out[cells[index].id] += float(value)
            break  # a point on a shared edge counts once
    return out


def stratum_priors(
    frame: Frame, values: dict[str, float], *, overrides: dict[str, float] | None = None
) -> dict[str, dict]:
    """{stratum: {"N", "S", "mean", "source"}}: S and mean of the earlier years' values per
    cell; a stratum where they vary not at all takes `DEFAULT_PRIOR_SD`; `overrides` (typed
    by the user) win over both."""
    by_stratum: dict[str, list[float]] = {}
    for cell in frame.cells:
        by_stratum.setdefault(cell.stratum, []).append(values.get(cell.id, 0.0))
    out = {}
    for stratum in sorted(by_stratum):
        ys = by_stratum[stratum]
        n = len(ys)
        mean = sum(ys) / n
        sd = math.sqrt(sum((y - mean) ** 2 for y in ys) / (n - 1)) if n > 1 else 0.0
        source = PRIOR_FROM_FINDINGS
        if sd <= 0:
            sd, source = DEFAULT_PRIOR_SD.get(stratum, DEFAULT_PRIOR_SD[GENERAL]), PRIOR_DEFAULT
        if overrides and stratum in overrides:
            sd, source = float(overrides[stratum]), "填写"
        out[stratum] = {"N": n, "S": round(sd, 4), "mean": round(mean, 4), "source": source}
    return out
