"""Benchmark: 潜在区域抽测 — frame, design and estimate on a 10 000-cell frame.

    PYTHONPATH=src python bench/bench_sampling.py            # 10 000 cells, n = 300, 5 repeats
    PYTHONPATH=src python bench/bench_sampling.py --cells 2500 --n 120 --repeat 3

One run builds a deterministic synthetic area (three risk strata as adjacent strips, a 100 m
grid over about 100 km² → 10 000 cells), plants it sparsely (2–20 % of cells, lognormal areas),
and times, side by side with a naive baseline, each step a township would run:

* ``grid_frame``: the project (zerocrop.patrols.cells grid + STRtree majority stratum) against
  a baseline that clips every grid square against every stratum polygon;
* ``frame_version``: the project (one JSON encoding per cell) against encoding twice;
* ``draw``: Neyman allocation and the seeded draw against shuffling each stratum;
* ``estimate`` (bootstrap 2 000): the project's vectorised bootstrap-t (multinomial counts over
  the distinct values) against a pure-Python loop of ``random.choices`` per replicate;
* both CLI commands end to end from files (in-process through ``zerocrop.cli.main``).

The table shows the median of ``--repeat`` runs; the baseline's interval is printed next to
the project's so the two can be seen to agree (they use different random streams).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zerocrop.cli import main as zerocrop_main  # noqa: E402
from zerocrop.geo.crs import area_m2, to_utm  # noqa: E402
from zerocrop.monitoring.sampling import (  # noqa: E402
    CONFIDENCE,
    CellResult,
    Design,
    FrameCell,
    StratumPrior,
    design_to_json,
    draw,
    estimate,
    frame_version,
    grid_frame,
    neyman_allocation,
)

SEED = 20260501
LON0, LAT0 = 100.5, 22.0  # a township in southern Yunnan
STRATA = (("重点", 0.20), ("一般", 0.06), ("林区", 0.02))


def timed(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def strips(cells: int, size_m: float) -> list[tuple[shapely.Geometry, str]]:
    """Three adjacent strips, together about ``cells`` grid squares of ``size_m``."""
    side_m = math.sqrt(cells) * size_m
    d_lat = side_m / 111_320
    d_lon = side_m / (111_320 * math.cos(math.radians(LAT0)))
    cuts = [LON0, LON0 + d_lon * 0.15, LON0 + d_lon * 0.45, LON0 + d_lon]
    return [
        (box(cuts[i], LAT0, cuts[i + 1] + 1e-9, LAT0 + d_lat), name)
        for i, (name, _) in enumerate(STRATA)
    ]


def baseline_grid(polygons: list[tuple[shapely.Geometry, str]], size_m: float) -> int:
    """The first version: every grid square against every polygon, one at a time, and each
    clipped cell projected back to WGS84 point by point (shapely.ops.transform)."""
    from pyproj import Transformer
    from shapely.geometry import mapping
    from shapely.ops import transform

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # it is the naive way

    union = shapely.union_all([g for g, _ in polygons])
    metric, utm = to_utm(union)
    back = Transformer.from_crs(utm, "EPSG:4326", always_xy=True)
    parts = [(to_utm(g)[0], name) for g, name in polygons]
    xmin, ymin, xmax, ymax = metric.bounds
    cells = []
    y = math.floor(ymin / size_m) * size_m
    while y < ymax:
        x = math.floor(xmin / size_m) * size_m
        while x < xmax:
            square = box(x, y, x + size_m, y + size_m).intersection(metric)
            if not square.is_empty:
                overlaps = [(square.intersection(p).area, name) for p, name in parts]
                stratum = max(overlaps, key=lambda o: o[0])[1]
                cells.append((stratum, mapping(transform(back.transform, square)), square.area))
            x += size_m
        y += size_m
    return len(cells)


def baseline_version(cells: tuple[FrameCell, ...]) -> str:
    import hashlib

    rows = sorted(
        (c.id, c.stratum, json.dumps(c.geometry, sort_keys=True, separators=(",", ":")))
        for c in cells
    )
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def baseline_draw(cells: tuple[FrameCell, ...], allocation: dict[str, int], seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for stratum, count in sorted(allocation.items()):
        ids = sorted(c.id for c in cells if c.stratum == stratum)
        rng.shuffle(ids)
        out.extend((i, stratum) for i in ids[:count])
    return out


def baseline_estimate(design: Design, values: dict[str, float], reps: int) -> tuple[float, ...]:
    """Bootstrap-t in plain Python: one random.choices per stratum and replicate."""
    rng = random.Random(0)
    groups: dict[str, list[float]] = {}
    for cell_id, stratum in design.cells:
        groups.setdefault(stratum, []).append(values[cell_id])

    def total_and_var(sample: dict[str, list[float]]) -> tuple[float, float]:
        total = var = 0.0
        for h, y in sample.items():
            big_n, n = design.strata_sizes[h], len(y)
            mean = sum(y) / n
            s2 = sum((v - mean) ** 2 for v in y) / (n - 1)
            total += big_n * mean
            var += big_n * big_n * (1 - n / big_n) * s2 / n
        return total, var

    total, var = total_and_var(groups)
    se = math.sqrt(var)
    pivots = []
    for _ in range(reps):
        star = {h: rng.choices(y, k=len(y)) for h, y in groups.items()}
        t_star, v_star = total_and_var(star)
        if v_star > 0:
            pivots.append((t_star - total) / math.sqrt(v_star))
    pivots.sort()
    lo_q = pivots[int((1 - CONFIDENCE) / 2 * len(pivots))]
    hi_q = pivots[int((1 + CONFIDENCE) / 2 * len(pivots)) - 1]
    return total, max(0.0, total - hi_q * se), total - lo_q * se


def run_cli(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert zerocrop_main(args) == 0
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--cell-m", type=float, default=100.0)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    polygons = strips(args.cells, args.cell_m)
    rows: list[tuple[str, float, float | None, str]] = []

    t_grid, frame = timed(lambda: grid_frame(polygons=polygons, cell_size_m=args.cell_m), 1)
    t_base_grid, base_count = timed(lambda: baseline_grid(polygons, args.cell_m), 1)
    rows.append(
        ("grid_frame", t_grid, t_base_grid, f"{len(frame.cells)} cells (baseline {base_count})")
    )

    t_ver, version = timed(lambda: frame_version(frame.cells), args.repeat)
    t_base_ver, _ = timed(lambda: baseline_version(frame.cells), args.repeat)
    rows.append(("frame_version", t_ver, t_base_ver, version[:12]))

    rng = np.random.default_rng(SEED)
    share = dict(STRATA)
    values = {}
    for cell in frame.cells:
        planted = rng.random() < share[cell.stratum]
        values[cell.id] = float(rng.lognormal(5.0, 1.0)) if planted else 0.0
    sizes = frame.strata_sizes()
    priors = {
        h: StratumPrior(
            N=sizes[h], S=float(np.std([values[c.id] for c in frame.cells if c.stratum == h]))
        )
        for h in sizes
    }

    def project_draw() -> Design:
        allocation = neyman_allocation(n=args.n, strata=priors)
        return draw(frame=frame, allocation=allocation, seed=SEED)

    t_draw, design = timed(project_draw, args.repeat)
    # a fresh Frame each time so its cached grouping is part of the time
    t_draw_cold, _ = timed(
        lambda: draw(
            frame=type(frame)(frame.cells, frame.version), allocation=design.allocation, seed=SEED
        ),
        args.repeat,
    )
    t_base_draw, _ = timed(lambda: baseline_draw(frame.cells, design.allocation, SEED), args.repeat)
    rows.append(
        ("draw (allocation + draw)", t_draw, t_base_draw, f"n={design.n} {design.allocation}")
    )
    rows.append(("draw, frame not cached", t_draw_cold, t_base_draw, ""))

    results = [CellResult(i, values[i], round(values[i] * 12)) for i, _ in design.cells]
    t_est, est = timed(lambda: estimate(design=design, results=results), args.repeat)
    few = max(1, args.repeat // 2)
    t_base_est, base = timed(lambda: baseline_estimate(design, values, 2000), few)
    truth = sum(values.values())
    rows.append(
        (
            "estimate (bootstrap 2 000)",
            t_est,
            t_base_est,
            f"truth {truth:,.0f}; Ŷ {est.area_m2.estimate:,.0f} "
            f"[{est.area_m2.ci95[0]:,.0f}, {est.area_m2.ci95[1]:,.0f}] {est.area_m2.method}; "
            f"baseline [{base[1]:,.0f}, {base[2]:,.0f}]",
        )
    )

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        features = [
            {
                "type": "Feature",
                "id": c.id,
                "properties": {"risk": c.stratum},
                "geometry": c.geometry,
            }
            for c in frame.cells
        ]
        (root / "frame.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
        design_args = ["sample-design", "--frame", str(root / "frame.geojson"), "--strata", "risk"]
        design_args += ["--n", str(args.n), "--seed", str(SEED), "--json"]
        t_cli_design, text = timed(lambda: run_cli(design_args), few)
        (root / "design.json").write_text(text, encoding="utf-8")
        drawn = json.loads(text)["cells"]
        with (root / "results.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "area_m2", "plants"])
            writer.writerows((c["id"], values[c["id"]], round(values[c["id"]] * 12)) for c in drawn)
        estimate_args = ["sample-estimate", "--design", str(root / "design.json")]
        estimate_args += ["--results", str(root / "results.csv"), "--json"]
        t_cli_est, _ = timed(lambda: run_cli(estimate_args), few)
    rows.append(
        ("sample-design (files, in-process)", t_cli_design, None, "reads and hashes the frame")
    )
    rows.append(("sample-estimate (files, in-process)", t_cli_est, None, ""))

    check = design_to_json(design)["frame_version"] == frame.version
    km2 = area_m2(shapely.union_all([g for g, _ in polygons])) / 1e6
    print(f"frame {len(frame.cells)} cells of {args.cell_m:g} m over {km2:.0f} km²; {check=}")
    print(f"{'step':38} {'project':>10} {'baseline':>10} {'ratio':>7}  notes")
    for name, project, baseline, notes in rows:
        base_text = f"{baseline * 1000:8.1f}ms" if baseline is not None else f"{'–':>10}"
        ratio = f"{baseline / project:6.1f}×" if baseline else f"{'':>7}"
        print(f"{name:38} {project * 1000:8.1f}ms {base_text} {ratio}  {notes}")


if __name__ == "__main__":
    main()
