"""Stratified random sampling of grid cells (潜在区域抽测) and the estimate it supports.

Pure module: no Django. The design is stratified simple random sampling without replacement
(Cochran 1977, ch. 5; ``docs/sampling.md``):

* a **frame** of cells (grid cells over chosen zones, or the features of a GeoJSON file), each
  in one stratum (risk class), versioned by a sha256 over its cells;
* the **sample size** for a wanted precision of the total, n = (Σ N_h S_h)² / (S_T² + Σ N_h S_h²),
  and its **Neyman allocation** n_h ∝ N_h S_h (at least 2 per stratum, at most N_h);
* a **reproducible draw** (``random.Random(seed)`` over the sorted ids of each stratum), stored
  as JSON and locked before fieldwork;
* after every drawn cell has been checked completely (zeros recorded), the **estimate** of the
  planted area and plants in the frame: Ŷ = Σ N_h ȳ_h, v(Ŷ) = Σ N_h² (1 − n_h/N_h) s_h² / n_h,
  and a 95 % interval (``Estimate``), chosen by how much planting the sample saw:

  - ``"bootstrap-t"`` (two or more non-zero cells): Ŷ ± se with the quantiles of the
    studentized bootstrap pivot (resampling within strata) in place of Student's t. Planting
    is sparse and right-skewed: in the coverage simulation the plain t interval
    (df = Σ(n_h − 1), kept as ``ci95_t``) covered the truth 78–82 % of the time, the
    bootstrap-t 93–95 % (tests/monitoring/test_sampling_coverage.py);
  - ``"bootstrap"`` (a single non-zero cell): the percentile interval of the rescaled (Rao–Wu)
    bootstrap within strata;
  - ``"t"``: when the bootstrap is switched off (``bootstrap=0``) or nothing varies;
  - nothing found at all: the zero-finding bound 1 − 0.05^(1/n) on the share of planted cells.

  With fewer than ``FEW_PLANTED`` planted cells in the sample no interval is reliable (in the
  simulation, coverage was 12–15 % with one planted cell, 57–69 % with two, 83–86 % with three,
  91–93 % with four, 91–98 % with five or more); ``Estimate.notes`` says so in Chinese.
  No interval reaches below the sum found in the checked cells themselves.

The estimate is a sampling inference, stated next to the census figures and never added to them.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import shapely
import shapely.geometry
from scipy.special import stdtrit
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from zerocrop.core.errors import ApplicationError
from zerocrop.core.units import mu
from zerocrop.geo.crs import WGS84, get_transformer, utm_epsg_for
from zerocrop.patrols.cells import DEFAULT_MIN_FRACTION, split_zone

UNSTRATIFIED = "未分层"
DEFAULT_MINIMUM = 2  # per stratum: s_h² needs two cells
STUDENTIZED_FROM = 2  # non-zero cells the bootstrap-t needs; with one, the percentile bootstrap
FEW_PLANTED = 5  # fewer planted cells than this: the interval covers far less than 95 %
CONFIDENCE = 0.95
Z95 = 1.959963984540054
DESIGN_FORMAT = "zerocrop-sample-design/1"
COORD_DECIMALS = 7
MAX_FRAME_CELLS = 100_000  # 40 m cells over 160 km²; a frame is drawn from, not walked

MAX_BOOTSTRAP = 100_000
Method = Literal["t", "bootstrap", "bootstrap-t"]
METHOD_LABELS = {"t": "t 分布", "bootstrap": "自助法（百分位）", "bootstrap-t": "自助 t 法"}
QUANTITIES = ("area_m2", "plants")
QUANTITY_LABELS = {"area_m2": "种植面积", "plants": "株数"}


# --------------------------------------------------------------------------- frame


def _transform_all(geoms: np.ndarray, func: Any) -> np.ndarray:
    """Apply a vectorised (x, y) -> (x, y) transform to every vertex of many geometries."""

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = func(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shapely.force_2d(geoms), move)


@dataclass(frozen=True)
class FrameCell:
    """One sampling unit: an id unique in its frame, its stratum, its GeoJSON geometry."""

    id: str
    stratum: str
    geometry: dict | None = None
    area_m2: float = 0.0


@dataclass(frozen=True)
class Frame:
    """The cells a sample is drawn from; ``version`` is ``frame_version(cells)``."""

    cells: tuple[FrameCell, ...]
    version: str

    @cached_property
    def ids_by_stratum(self) -> dict[str, tuple[str, ...]]:
        """The sorted cell ids of each stratum, strata sorted by name (computed once)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for cell in self.cells:
            groups[cell.stratum].append(cell.id)
        return {h: tuple(sorted(groups[h])) for h in sorted(groups)}

    def strata_sizes(self) -> dict[str, int]:
        """N_h: the number of cells in each stratum, strata sorted by name."""
        return {h: len(ids) for h, ids in self.ids_by_stratum.items()}


def frame_version(cells: Iterable[FrameCell]) -> str:
    """A stable sha256 over the sorted (id, stratum, geometry) of the cells."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    rows = sorted(encode([cell.id, cell.stratum, cell.geometry]) for cell in cells)
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def make_frame(cells: Iterable[FrameCell]) -> Frame:
    """A frame of these cells; refuses an empty frame or a repeated id."""
    cells = tuple(cells)
    if not cells:
        raise ApplicationError("抽样框中没有网格。", field="frame", code="frame_empty")
    seen: set[str] = set()
    for cell in cells:
        if not cell.id:
            raise ApplicationError("抽样框中有网格没有编号。", field="frame", code="frame_id")
        if cell.id in seen:
            raise ApplicationError(
                f"抽样框中网格编号“{cell.id}”重复出现；每个网格的编号必须唯一。",
                field="frame",
                code="frame_duplicate_id",
            )
        seen.add(cell.id)
    return Frame(cells=cells, version=frame_version(cells))


def grid_frame(
    *,
    polygons: Sequence[tuple[BaseGeometry, str]],
    cell_size_m: float,
    min_fraction: float = DEFAULT_MIN_FRACTION,
) -> Frame:
    """Square cells of ``cell_size_m`` over the union of the WGS84 ``polygons``.

    The grid is `zerocrop.patrols.cells.split_zone`'s (local UTM, lines on whole multiples of
    the size, slivers merged into a neighbour), so cells are clipped to the polygons. Each cell
    takes the stratum of the polygon covering most of it (the first such polygon on a tie);
    ids are ``C000001``, ``C000002``… row by row from the north-west.
    """
    if not polygons:
        raise ApplicationError("请至少选择一个区域作为抽样框。", field="polygons")
    if not (
        isinstance(cell_size_m, int | float) and math.isfinite(cell_size_m) and cell_size_m > 0
    ):
        raise ApplicationError("网格边长必须是大于 0 的米数。", field="cell_size_m")
    shapes = []
    for index, (geom, stratum) in enumerate(polygons, start=1):
        if geom is None or geom.is_empty or geom.geom_type not in {"Polygon", "MultiPolygon"}:
            raise ApplicationError(f"第 {index} 个区域不是面，不能用作抽样框。", field="polygons")
        shapes.append((shapely.make_valid(geom), str(stratum).strip() or UNSTRATIFIED))
    zone = shapely.union_all([g for g, _ in shapes])
    expected = _areas_m2([zone])[0] / (cell_size_m * cell_size_m)
    if expected > MAX_FRAME_CELLS:
        raise ApplicationError(
            f"将生成约 {math.ceil(expected)} 个网格，超过抽样框上限 {MAX_FRAME_CELLS} 个；"
            "请加大网格边长或缩小区域。",
            field="cell_size_m",
        )
    try:
        grid = split_zone("F", zone, size_m=float(cell_size_m), min_fraction=min_fraction)
    except ValueError as exc:
        raise ApplicationError(f"无法划分网格：{exc}", field="polygons") from exc
    geoms = np.array([cell.geometry for cell in grid], dtype=object)
    polys = np.array([g for g, _ in shapes], dtype=object)
    # Every (cell, polygon) pair that touches, its overlap area; the largest wins, the first
    # polygon on a tie (lexsort: cell, then larger area, then polygon order).
    cell_idx, poly_idx = shapely.STRtree(polys).query(geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(geoms[cell_idx], polys[poly_idx]))
    order = np.lexsort((poly_idx, -overlap, cell_idx))
    strata = [UNSTRATIFIED] * len(grid)
    seen: set[int] = set()
    for k in order:
        c = int(cell_idx[k])
        if c not in seen:
            seen.add(c)
            if overlap[k] > 0:
                strata[c] = shapes[int(poly_idx[k])][1]
    # ~1 cm, as geo.geometry stores located objects; rounding, not snapping: cells stay cells
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, COORD_DECIMALS))
    texts = shapely.to_geojson(rounded)
    cells = [
        FrameCell(
            id=f"C{number:06d}",
            stratum=strata[number - 1],
            geometry=json.loads(text),
            area_m2=round(cell.area_m2, 2),
        )
        for number, (cell, text) in enumerate(zip(grid, texts, strict=True), start=1)
    ]
    return make_frame(cells)


def _shape(geometry: Any, cell_id: Any) -> BaseGeometry | None:
    if not geometry:
        return None
    try:
        return shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, GEOSException) as exc:
        raise ApplicationError(f"要素“{cell_id}”的几何图形无法读取。", field="frame") from exc


def _areas_m2(shapes: Sequence[BaseGeometry | None]) -> list[float]:
    """Planar areas in the UTM zone of the frame's centre, all cells projected at once."""
    polygonal = [
        i
        for i, g in enumerate(shapes)
        if g is not None and not g.is_empty and g.geom_type in {"Polygon", "MultiPolygon"}
    ]
    areas = [0.0] * len(shapes)
    if not polygonal:
        return areas
    geoms = np.array([shapes[i] for i in polygonal], dtype=object)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    utm = f"EPSG:{utm_epsg_for((xmin + xmax) / 2, (ymin + ymax) / 2)}"
    metric = _transform_all(geoms, get_transformer(WGS84, utm).transform)
    for i, area in zip(polygonal, shapely.area(metric), strict=True):
        areas[i] = float(area)
    return areas


def frame_from_geojson(data: dict, *, strata_field: str, id_field: str | None = None) -> Frame:
    """A frame from a GeoJSON FeatureCollection, one cell per feature.

    The id is ``properties[id_field]`` when ``id_field`` is given, else the feature's ``id``,
    else its position in the file (0, 1, 2…). A feature without a value in ``strata_field``
    is in the stratum ``"未分层"``; the field must exist on at least one feature.
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ApplicationError(
            "抽样框文件不是 GeoJSON 要素集（FeatureCollection）。", field="frame"
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ApplicationError("抽样框文件中没有要素。", field="frame")
    rows = []
    shapes: list[BaseGeometry | None] = []
    field_seen = False
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise ApplicationError(f"第 {index + 1} 个要素格式不对。", field="frame")
        props = feature.get("properties") or {}
        if id_field is not None:
            raw_id = props.get(id_field)
            if raw_id is None or str(raw_id).strip() == "":
                raise ApplicationError(
                    f"第 {index + 1} 个要素的编号字段“{id_field}”为空。", field="id_field"
                )
        else:
            raw_id = feature.get("id")
            if raw_id is None or str(raw_id).strip() == "":
                raw_id = index
        stratum_value = props.get(strata_field)
        if strata_field in props:
            field_seen = True
        stratum = UNSTRATIFIED if stratum_value is None else str(stratum_value).strip()
        geometry = feature.get("geometry") or None
        shapes.append(_shape(geometry, raw_id))
        rows.append((str(raw_id).strip(), stratum or UNSTRATIFIED, geometry))
    areas = _areas_m2(shapes)
    cells = [
        FrameCell(id=cell_id, stratum=stratum, geometry=geometry, area_m2=round(area, 2))
        for (cell_id, stratum, geometry), area in zip(rows, areas, strict=True)
    ]
    if not field_seen:
        raise ApplicationError(
            f"抽样框文件的要素都没有分层字段“{strata_field}”；请检查字段名。",
            field="strata_field",
        )
    return make_frame(cells)


# --------------------------------------------------------------------------- size and allocation


@dataclass(frozen=True)
class StratumPrior:
    """What is assumed about a stratum before sampling: N_h cells, standard deviation S_h of a
    cell's value, and (only for a relative precision) the expected mean per cell."""

    N: int
    S: float
    mean: float = 0.0


def _check_priors(strata: Mapping[str, StratumPrior]) -> None:
    if not strata:
        raise ApplicationError("没有任何层。", field="strata")
    for name, prior in strata.items():
        if not isinstance(prior.N, int) or isinstance(prior.N, bool) or prior.N < 0:
            raise ApplicationError(f"层“{name}”的网格数必须是非负整数。", field="strata")
        if not (math.isfinite(prior.S) and prior.S >= 0):
            raise ApplicationError(
                f"层“{name}”的标准差必须是非负数（现为 {prior.S}）。", field="strata"
            )
        if not (math.isfinite(prior.mean) and prior.mean >= 0):
            raise ApplicationError(f"层“{name}”的预期均值必须是非负数。", field="strata")
    if sum(p.N for p in strata.values()) == 0:
        raise ApplicationError("各层网格数都是 0。", field="strata")


def sample_size(
    *,
    strata: Mapping[str, StratumPrior],
    target_se: float | None = None,
    relative_precision: float | None = None,
    minimum: int = DEFAULT_MINIMUM,
) -> int:
    """Cells to check so that the total's standard error is about ``target_se``.

    n = (Σ N_h S_h)² / (S_T² + Σ N_h S_h²) under Neyman allocation. With
    ``relative_precision`` r instead, S_T = r · Σ N_h mean_h / 1.96 (the 95 % half-width is r
    of the expected total). Rounded up, at least ``minimum`` per non-empty stratum, at most N.
    """
    _check_priors(strata)
    if (target_se is None) == (relative_precision is None):
        raise ApplicationError("请给出目标标准误或目标相对精度（二者选一）。", field="target_se")
    if relative_precision is not None:
        if not (math.isfinite(relative_precision) and relative_precision > 0):
            raise ApplicationError(
                "目标相对精度必须大于 0（如 0.3 表示 ±30%）。", field="relative_precision"
            )
        expected = sum(p.N * p.mean for p in strata.values())
        if expected <= 0:
            raise ApplicationError(
                "按相对精度计算样本量需要各层的预期均值（至少一层大于 0）。",
                field="relative_precision",
            )
        target_se = relative_precision * expected / Z95
    assert target_se is not None
    if not (math.isfinite(target_se) and target_se > 0):
        raise ApplicationError("目标标准误必须大于 0。", field="target_se")
    total_n = sum(p.N for p in strata.values())
    floor_n = sum(min(minimum, p.N) for p in strata.values())
    a = sum(p.N * p.S for p in strata.values())
    b = sum(p.N * p.S * p.S for p in strata.values())
    n = math.ceil(a * a / (target_se * target_se + b) - 1e-9) if a > 0 else 0
    return int(min(total_n, max(n, floor_n)))


def _largest_remainder(ideal: Mapping[str, float], total: int, upper: Mapping[str, int]) -> dict:
    out = {h: math.floor(v + 1e-9) for h, v in ideal.items()}
    left = total - sum(out.values())
    order = sorted(ideal, key=lambda h: (-(ideal[h] - out[h]), h))
    for h in order:
        if left <= 0:
            break
        if out[h] < upper[h]:
            out[h] += 1
            left -= 1
    return out


def neyman_allocation(
    *, n: int, strata: Mapping[str, StratumPrior], minimum: int = DEFAULT_MINIMUM
) -> dict[str, int]:
    """n_h ∝ N_h S_h, at least ``minimum`` (or N_h if smaller) and at most N_h per stratum.

    The integers sum to n (largest-remainder rounding, ties by stratum name). When every S_h
    is 0 the allocation is proportional to N_h. Refuses an n below the per-stratum minimums or
    above the frame.
    """
    _check_priors(strata)
    if not isinstance(n, int) or isinstance(n, bool):
        raise ApplicationError("样本量必须是整数。", field="n")
    if not isinstance(minimum, int) or minimum < 2:
        raise ApplicationError("每层至少抽 2 个网格，否则无法计算该层的方差。", field="minimum")
    lower = {h: min(minimum, p.N) for h, p in strata.items()}
    upper = {h: p.N for h, p in strata.items()}
    if n > sum(upper.values()):
        raise ApplicationError(
            f"样本量 {n} 超过抽样框的网格总数 {sum(upper.values())}。", field="n"
        )
    if n < sum(lower.values()):
        raise ApplicationError(
            f"样本量 {n} 太小：{len(strata)} 个层每层至少 {minimum} 个网格，"
            f"至少需要 {sum(lower.values())} 个。",
            field="n",
        )
    proportional = all(p.S == 0 for p in strata.values())
    weight = {h: float(p.N) if proportional else p.N * p.S for h, p in strata.items()}
    fixed: dict[str, int] = {h: 0 for h, p in strata.items() if p.N == 0}
    free = [h for h in sorted(strata) if h not in fixed]
    ideal: dict[str, float] = {}
    while free:
        remaining = n - sum(fixed.values())
        total_w = sum(weight[h] for h in free)
        if total_w > 0:
            ideal = {h: remaining * weight[h] / total_w for h in free}
        else:  # the strata left have S_h = 0: share what is left by size
            size = sum(upper[h] for h in free)
            ideal = {h: remaining * upper[h] / size for h in free}
        high = [h for h in free if ideal[h] > upper[h]]
        low = [h for h in free if ideal[h] < lower[h]]
        if high:
            fixed.update({h: upper[h] for h in high})
        elif low:
            fixed.update({h: lower[h] for h in low})
        else:
            break
        free = [h for h in free if h not in fixed]
        ideal = {}
    out = dict(fixed)
    if ideal:
        out.update(_largest_remainder(ideal, n - sum(fixed.values()), upper))
    # Safety net (degenerate bounds): move single cells until the sum is n.
    while sum(out.values()) < n:
        h = max((h for h in sorted(out) if out[h] < upper[h]), key=lambda h: weight[h] - out[h])
        out[h] += 1
    while sum(out.values()) > n:
        h = max((h for h in sorted(out) if out[h] > lower[h]), key=lambda h: out[h] - weight[h])
        out[h] -= 1
    return {h: out[h] for h in sorted(out)}


# --------------------------------------------------------------------------- draw


@dataclass(frozen=True)
class Design:
    """A drawn sample: the frame it came from, the seed, and the drawn (id, stratum) cells."""

    frame_version: str
    seed: int
    n: int
    allocation: dict[str, int]
    cells: tuple[tuple[str, str], ...]
    strata_sizes: dict[str, int]

    def drawn_by_stratum(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {h: [] for h in self.strata_sizes}
        for cell_id, stratum in self.cells:
            out.setdefault(stratum, []).append(cell_id)
        return out


def _check_allocation(allocation: Mapping[str, int], sizes: Mapping[str, int]) -> None:
    for name, count in allocation.items():
        if name not in sizes:
            raise ApplicationError(f"抽样框中没有层“{name}”。", field="allocation")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ApplicationError(f"层“{name}”的抽样数必须是非负整数。", field="allocation")
        if count > sizes[name]:
            raise ApplicationError(
                f"层“{name}”只有 {sizes[name]} 个网格，不能抽 {count} 个。", field="allocation"
            )
        if count == 1 and sizes[name] > 1:
            raise ApplicationError(
                f"层“{name}”只抽 1 个网格，无法计算该层的方差；每层至少抽 2 个（或不抽）。",
                field="allocation",
            )
    if sum(allocation.values()) == 0:
        raise ApplicationError("抽样数合计为 0。", field="allocation")


def draw(*, frame: Frame, allocation: Mapping[str, int], seed: int) -> Design:
    """Draw ``allocation[h]`` cells without replacement in each stratum, reproducibly.

    ``random.Random(seed)`` samples from the sorted ids of each stratum, strata in name order;
    the same frame, allocation and seed always give the same cells. A stratum missing from
    ``allocation`` is not sampled (the estimate then says it does not cover it).
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ApplicationError("随机种子必须是整数。", field="seed")
    sizes = frame.strata_sizes()
    _check_allocation(allocation, sizes)
    ids = frame.ids_by_stratum
    rng = random.Random(seed)
    cells: list[tuple[str, str]] = []
    full = {h: int(allocation.get(h, 0)) for h in sizes}
    for stratum in sorted(sizes):
        count = full[stratum]
        if count:
            chosen = rng.sample(ids[stratum], count)
            cells.extend((cell_id, stratum) for cell_id in sorted(chosen))
    return Design(
        frame_version=frame.version,
        seed=seed,
        n=len(cells),
        allocation=full,
        cells=tuple(cells),
        strata_sizes=dict(sizes),
    )


def check_design_frame(design: Design, frame: Frame) -> None:
    """Refuse a design that was not drawn from this frame (the frame changed since the draw)."""
    if design.frame_version != frame.version:
        raise ApplicationError(
            "抽样框已变化（版本不一致），这份抽样设计不是从当前抽样框抽出的；"
            "请用原抽样框，或重新抽样并在外业前锁定。",
            field="design",
            code="frame_changed",
        )
    known = {cell.id: cell.stratum for cell in frame.cells}
    for cell_id, stratum in design.cells:
        if known.get(cell_id) != stratum:
            raise ApplicationError(
                f"抽中网格“{cell_id}”不在抽样框的层“{stratum}”中。", field="design"
            )


def design_to_json(design: Design) -> dict[str, Any]:
    return {
        "format": DESIGN_FORMAT,
        "frame_version": design.frame_version,
        "seed": design.seed,
        "n": design.n,
        "allocation": dict(design.allocation),
        "strata_sizes": dict(design.strata_sizes),
        "cells": [{"id": cell_id, "stratum": stratum} for cell_id, stratum in design.cells],
    }


def _bad_design(detail: str) -> ApplicationError:
    return ApplicationError(f"抽样设计文件有误：{detail}", field="design", code="design_invalid")


def _int_map(value: Any, key: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    ):
        raise _bad_design(f"“{key}”应为 层 → 整数 的对照。")
    return {str(k): int(v) for k, v in value.items()}


def design_from_json(data: Any) -> Design:
    """The design back from ``design_to_json``'s dict, checked for consistency."""
    if not isinstance(data, dict):
        raise _bad_design("不是 JSON 对象。")
    missing = [
        k for k in ("frame_version", "seed", "allocation", "strata_sizes", "cells") if k not in data
    ]
    if missing:
        raise _bad_design(f"缺少 {'、'.join(missing)}。")
    if data.get("format", DESIGN_FORMAT) != DESIGN_FORMAT:
        raise _bad_design(f"格式“{data.get('format')}”不认识。")
    seed = data["seed"]
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise _bad_design("seed 应为整数。")
    if not isinstance(data["frame_version"], str):
        raise _bad_design("frame_version 应为文本。")
    allocation = _int_map(data["allocation"], "allocation")
    sizes = _int_map(data["strata_sizes"], "strata_sizes")
    raw_cells = data["cells"]
    if not isinstance(raw_cells, list):
        raise _bad_design("cells 应为列表。")
    cells: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in raw_cells:
        if not isinstance(item, dict) or "id" not in item or "stratum" not in item:
            raise _bad_design("cells 的每一项应有 id 和 stratum。")
        cell_id, stratum = str(item["id"]), str(item["stratum"])
        if cell_id in seen:
            raise _bad_design(f"网格“{cell_id}”出现了两次。")
        seen.add(cell_id)
        cells.append((cell_id, stratum))
    try:
        _check_allocation(allocation, sizes)
    except ApplicationError as exc:
        raise _bad_design(exc.message) from exc
    drawn = Counter(stratum for _, stratum in cells)
    for stratum in set(drawn) | set(allocation):
        if drawn.get(stratum, 0) != allocation.get(stratum, 0):
            raise _bad_design(
                f"层“{stratum}”的抽样数 {allocation.get(stratum, 0)} 与所列网格数 "
                f"{drawn.get(stratum, 0)} 不符。"
            )
    if "n" in data and data["n"] != len(cells):
        raise _bad_design(f"n={data['n']} 与所列网格数 {len(cells)} 不符。")
    return Design(
        frame_version=data["frame_version"],
        seed=seed,
        n=len(cells),
        allocation={h: allocation.get(h, 0) for h in sorted(sizes)},
        cells=tuple(cells),
        strata_sizes={h: sizes[h] for h in sorted(sizes)},
    )


# --------------------------------------------------------------------------- estimate


@dataclass(frozen=True)
class CellResult:
    """What the complete check of one drawn cell found (zeros included)."""

    id: str
    area_m2: float
    plants: float


@dataclass(frozen=True)
class QuantityEstimate:
    """The estimated total of one quantity over the frame, its standard error and 95 % CI."""

    estimate: float
    se: float
    ci95: tuple[float, float]
    method: Method
    nonzero_cells: int
    df: int = 0
    ci95_t: tuple[float, float] = (0.0, 0.0)  # Student's t interval, for comparison


@dataclass(frozen=True)
class StratumEstimate:
    stratum: str
    N: int
    n: int
    area_m2: float  # N_h ȳ_h
    area_m2_se: float
    plants: float
    plants_se: float
    nonzero_cells: int  # cells with some planting (area or plants)
    upper_bound_if_zero: float | None = None  # 1 − 0.05^(1/n_h) when none of its cells had any


@dataclass(frozen=True)
class Estimate:
    n: int
    area_m2: QuantityEstimate
    plants: QuantityEstimate
    upper_bound_if_zero: float | None
    strata: tuple[StratumEstimate, ...]
    frame_cells: int  # N, over the strata the estimate covers
    unsampled_strata: tuple[str, ...] = ()
    frame_version: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile (df ≥ 1); the normal quantile for df = 0 is not offered."""
    if df < 1:
        raise ValueError("df must be at least 1")
    return float(stdtrit(df, p))


def zero_upper_bound(n: int, *, confidence: float = CONFIDENCE) -> float:
    """One-sided upper bound on the share of planted cells when none of n cells was planted."""
    return 1.0 - (1.0 - confidence) ** (1.0 / n)


def _check_value(cell_id: str, name: str, value: Any) -> float:
    label = QUANTITY_LABELS[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApplicationError(f"网格“{cell_id}”的{label}不是数字。", field="results")
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise ApplicationError(f"网格“{cell_id}”的{label}不是有限的数字。", field="results")
    if value < 0:
        raise ApplicationError(f"网格“{cell_id}”的{label}是负数（{value:g}）。", field="results")
    return value


def _resampled(values: Mapping[str, np.ndarray], sizes: Mapping[str, int]) -> dict[str, np.ndarray]:
    """Strata whose cells can vary between replicates: 2 ≤ n_h < N_h and not all equal."""
    return {
        h: y for h, y in sorted(values.items()) if 2 <= len(y) < sizes[h] and not np.all(y == y[0])
    }


def _percentile_ci(
    values: Mapping[str, np.ndarray], sizes: Mapping[str, int], reps: int, seed: int
) -> tuple[float, float]:
    """Percentile interval of the rescaled (Rao–Wu, m_h = n_h − 1) bootstrap within strata.

    Each replicate resamples n_h − 1 of a stratum's cells with replacement and shrinks the
    deviation of their mean by √(1 − f_h), so the replicate variance matches v(Ŷ), the finite
    population correction included.
    """
    rng = np.random.default_rng(seed)
    fixed = sum(sizes[h] * float(y.mean()) for h, y in values.items())
    totals = np.full(reps, fixed)
    for h, y in _resampled(values, sizes).items():
        n_h, big_n, mean = len(y), sizes[h], float(y.mean())
        picks = y[rng.integers(0, n_h, size=(reps, n_h - 1))].mean(axis=1)
        totals += big_n * math.sqrt(1.0 - n_h / big_n) * (picks - mean)
    lo, hi = np.quantile(totals, [(1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2])
    return max(0.0, float(lo)), max(0.0, float(hi))


def _studentized_ci(
    values: Mapping[str, np.ndarray],
    sizes: Mapping[str, int],
    total: float,
    se: float,
    reps: int,
    seed: int,
) -> tuple[float, float] | None:
    """Bootstrap-t interval: the pivot (Ŷ* − Ŷ)/se* from resampling n_h cells within strata.

    The pivot's quantiles replace Student's t, so a right-skewed total (sparse planting, a
    few large fields) gets a longer upper arm. se* is v(·) — the same formula as the sample's,
    finite population correction included — applied to each with-replacement replicate; this
    leaves the interval somewhat conservative where a stratum's sampling fraction is large,
    which the coverage simulation (tests/monitoring/test_sampling_coverage.py) found is what
    sparse planting needs. None when too few replicates have a variance to divide by.
    """
    rng = np.random.default_rng(seed)
    diff = np.zeros(reps)
    var = np.zeros(reps)
    for h, y in _resampled(values, sizes).items():
        n_h, big_n = len(y), sizes[h]
        # Resampling n_h cells = multinomial counts over the distinct values (most are 0).
        levels, counts = np.unique(y, return_counts=True)
        picks = rng.multinomial(n_h, counts / n_h, size=reps)
        s1 = picks @ levels
        s2 = picks @ (levels * levels)
        mean = s1 / n_h
        diff += big_n * (mean - float(y.mean()))
        star_var = np.maximum((s2 - n_h * mean * mean) / (n_h - 1), 0.0)
        var += big_n * big_n * (1 - n_h / big_n) * star_var / n_h
    ok = var > 0
    if ok.sum() < reps // 2:
        return None
    pivot = diff[ok] / np.sqrt(var[ok])
    lo_q, hi_q = np.quantile(pivot, [(1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2])
    return max(0.0, total - float(hi_q) * se), max(0.0, total - float(lo_q) * se)


def _interval(
    values: Mapping[str, np.ndarray],
    sizes: Mapping[str, int],
    total: float,
    se: float,
    ci_t: tuple[float, float],
    nonzero: int,
    reps: int,
    seed: int,
) -> tuple[tuple[float, float], Method]:
    """The reported 95 % interval and its method (see the module docstring)."""
    if reps == 0 or se == 0:
        return ci_t, "t"
    if nonzero < STUDENTIZED_FROM:
        return _percentile_ci(values, sizes, reps, seed), "bootstrap"
    studentized = _studentized_ci(values, sizes, total, se, reps, seed)
    if studentized is None:
        return _percentile_ci(values, sizes, reps, seed), "bootstrap"
    return studentized, "bootstrap-t"


def estimate(
    *,
    design: Design,
    results: Sequence[CellResult],
    bootstrap: int = 2000,
    seed: int = 0,
) -> Estimate:
    """The stratified estimate of the planted area (m²) and plants in the frame.

    Every drawn cell needs exactly one result and no other cell may have one; values must be
    finite and non-negative. Strata drawn with one cell out of several are refused (their
    variance cannot be computed); strata not drawn at all are left out and listed.
    """
    if not isinstance(bootstrap, int) or isinstance(bootstrap, bool) or 0 < bootstrap < 200:
        raise ApplicationError(
            "自助法重复次数至少 200 次（填 0 则只用 t 分布）。", field="bootstrap"
        )
    if bootstrap > MAX_BOOTSTRAP:
        raise ApplicationError(f"自助法重复次数最多 {MAX_BOOTSTRAP} 次。", field="bootstrap")
    drawn = dict(design.cells)
    by_id: dict[str, CellResult] = {}
    for result in results:
        cell_id = str(result.id)
        if cell_id not in drawn:
            raise ApplicationError(
                f"网格“{cell_id}”不在本次抽样设计的抽中网格里；请只填写抽中网格的结果。",
                field="results",
                code="result_not_drawn",
            )
        if cell_id in by_id:
            raise ApplicationError(f"网格“{cell_id}”的结果填了两次。", field="results")
        by_id[cell_id] = CellResult(
            id=cell_id,
            area_m2=_check_value(cell_id, "area_m2", result.area_m2),
            plants=_check_value(cell_id, "plants", result.plants),
        )
    missing = [cell_id for cell_id, _ in design.cells if cell_id not in by_id]
    if missing:
        shown = "、".join(f"“{m}”" for m in missing[:5]) + ("等" if len(missing) > 5 else "")
        raise ApplicationError(
            f"抽中的网格{shown}共 {len(missing)} 个还没有结果；每个抽中网格都要核查并填写结果"
            "（没有发现种植填 0）。",
            field="results",
            code="result_missing",
        )
    groups = design.drawn_by_stratum()
    sampled = {h: ids for h, ids in groups.items() if ids}
    if not sampled:
        raise ApplicationError("抽样设计中没有抽中的网格。", field="design")
    for stratum, ids in sampled.items():
        if len(ids) == 1 and design.strata_sizes.get(stratum, 1) > 1:
            raise ApplicationError(
                f"层“{stratum}”只抽查了 1 个网格，无法计算该层的方差；每层至少要抽查 2 个。",
                field="design",
                code="stratum_single_cell",
            )
    unsampled = tuple(sorted(h for h in design.strata_sizes if h not in sampled))
    sizes = {h: design.strata_sizes[h] for h in sampled}

    quantities: dict[str, QuantityEstimate] = {}
    per_stratum: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for q in QUANTITIES:
        values = {
            h: np.array([getattr(by_id[i], q) for i in ids], dtype=float)
            for h, ids in sampled.items()
        }
        total, variance, df = 0.0, 0.0, 0
        for h, y in values.items():
            n_h, big_n = len(y), sizes[h]
            s2 = float(y.var(ddof=1)) if n_h > 1 else 0.0
            part_v = big_n * big_n * (1 - n_h / big_n) * s2 / n_h
            per_stratum[h][q] = (big_n * float(y.mean()), math.sqrt(max(part_v, 0.0)))
            total += big_n * float(y.mean())
            variance += part_v
            df += n_h - 1
        se = math.sqrt(max(variance, 0.0))
        nonzero = int(sum(int(np.count_nonzero(y)) for y in values.values()))
        half = t_quantile(1 - (1 - CONFIDENCE) / 2, df) * se if df >= 1 else 0.0
        # The checked cells' own sum is known ground: no interval reaches below it.
        found = float(sum(float(y.sum()) for y in values.values()))
        ci_t = (max(found, total - half), max(found, total + half))
        ci, method = _interval(values, sizes, total, se, ci_t, nonzero, bootstrap, seed)
        ci = (max(found, ci[0]), max(found, ci[1]))
        quantities[q] = QuantityEstimate(
            estimate=total,
            se=se,
            ci95=ci,
            method=method,
            nonzero_cells=nonzero,
            df=df,
            ci95_t=ci_t,
        )

    planted = {i for i, r in by_id.items() if r.area_m2 > 0 or r.plants > 0}
    strata_rows = tuple(
        StratumEstimate(
            stratum=h,
            N=sizes[h],
            n=len(ids),
            area_m2=per_stratum[h]["area_m2"][0],
            area_m2_se=per_stratum[h]["area_m2"][1],
            plants=per_stratum[h]["plants"][0],
            plants_se=per_stratum[h]["plants"][1],
            nonzero_cells=sum(1 for i in ids if i in planted),
            upper_bound_if_zero=(
                zero_upper_bound(len(ids))
                if len(ids) < sizes[h] and not any(i in planted for i in ids)
                else None
            ),
        )
        for h, ids in sorted(sampled.items())
    )
    notes = []
    if unsampled:
        left_out = sum(design.strata_sizes[h] for h in unsampled)
        notes.append(
            f"层{'、'.join(f'“{h}”' for h in unsampled)}（共 {left_out} 个网格）未抽查，"
            "推算不包括这些网格。"
        )
    if planted:
        for row in strata_rows:
            if row.upper_bound_if_zero is not None:
                notes.append(
                    f"层“{row.stratum}”抽查的 {row.n} 个网格均未发现种植，该层按 0 推算，"
                    f"区间未计入该层的不确定性；该层有种植网格比例的95%置信上限为 "
                    f"{row.upper_bound_if_zero * 100:.1f}%。"
                )
        if len(planted) < FEW_PLANTED:
            notes.append(
                f"只有 {len(planted)} 个抽查网格有种植，区间很不确定（按模拟，此时区间覆盖真值的"
                "比例低于 95%）；需要更可靠的推算请加大样本量。"
            )
    n = len(by_id)
    return Estimate(
        n=n,
        area_m2=quantities["area_m2"],
        plants=quantities["plants"],
        upper_bound_if_zero=zero_upper_bound(n) if not planted else None,
        strata=strata_rows,
        frame_cells=sum(sizes.values()),
        unsampled_strata=unsampled,
        frame_version=design.frame_version,
        notes=tuple(notes),
    )


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def summary_zh(estimate: Estimate) -> str:
    """One plain Chinese paragraph: what the sample says, and that it is not a census figure."""
    tail = "这是抽样推算，不计入发现与铲除的统计数字。"
    notes = "".join(estimate.notes)
    if estimate.upper_bound_if_zero is not None:
        bound = estimate.upper_bound_if_zero
        cells = bound * estimate.frame_cells
        return (
            f"抽查的 {estimate.n} 个网格均未发现种植，由此推算有种植的网格所占比例的95%置信上限为 "
            f"{bound * 100:.1f}%（抽样框共 {estimate.frame_cells} 个网格，即至多约 "
            f"{math.ceil(cells)} 个）。{notes}{tail}"
        )
    area, plants = estimate.area_m2, estimate.plants
    planted = sum(s.nonzero_cells for s in estimate.strata)
    how = "、".join(dict.fromkeys(METHOD_LABELS[q.method] for q in (area, plants)))
    area_ci = f"{_fmt(area.ci95[0])}–{_fmt(area.ci95[1])}"
    plants_ci = f"{_fmt(plants.ci95[0])}–{_fmt(plants.ci95[1])}"
    return (
        f"由抽样推算，抽样框 {estimate.frame_cells} 个网格内种植面积约 {_fmt(area.estimate)} 平方米"
        f"（{mu(area.estimate, 1)} 亩），95%置信区间为 {area_ci} 平方米；"
        f"株数约 {_fmt(plants.estimate)} 株，95%置信区间为 {plants_ci} 株。"
        f"抽查 {estimate.n} 个网格，其中 {planted} 个有种植；区间计算方法：{how}。{notes}{tail}"
    )


def _r(value: float) -> float:
    return round(float(value), 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def estimate_to_json(estimate: Estimate) -> dict[str, Any]:
    """The estimate as JSON (m² and plants to 0.01, shares to 6 decimals)."""

    def quantity(q: QuantityEstimate) -> dict[str, Any]:
        return {
            "estimate": _r(q.estimate),
            "se": _r(q.se),
            "ci95": [_r(q.ci95[0]), _r(q.ci95[1])],
            "method": q.method,
            "nonzero_cells": q.nonzero_cells,
            "df": q.df,
            "ci95_t": [_r(q.ci95_t[0]), _r(q.ci95_t[1])],
        }

    return {
        "n": estimate.n,
        "frame_version": estimate.frame_version,
        "frame_cells": estimate.frame_cells,
        "area_m2": quantity(estimate.area_m2),
        "plants": quantity(estimate.plants),
        "upper_bound_if_zero": _share(estimate.upper_bound_if_zero),
        "strata": [
            {
                "stratum": s.stratum,
                "N": s.N,
                "n": s.n,
                "area_m2": _r(s.area_m2),
                "area_m2_se": _r(s.area_m2_se),
                "plants": _r(s.plants),
                "plants_se": _r(s.plants_se),
                "nonzero_cells": s.nonzero_cells,
                "upper_bound_if_zero": _share(s.upper_bound_if_zero),
            }
            for s in estimate.strata
        ],
        "unsampled_strata": list(estimate.unsampled_strata),
        "notes": list(estimate.notes),
        "summary": summary_zh(estimate),
    }
