"""Benchmark: survey coverage (踏查覆盖率) of plots by GPS tracks.

    PYTHONPATH=src python bench/coverage.py          # full run (about 3 minutes)
    PYTHONPATH=src python bench/coverage.py --quick  # small sizes, under a minute

One run builds a deterministic synthetic town (seeded) and prints one table:

* end to end from files, side by side: ``zerocrop coverage`` (in-process through
  ``zerocrop.cli.main``: reading the GeoJSON plots and GPX tracks, cleaning, projection,
  coverage, JSON out) against geopandas reading the same files and doing
  buffer-union-intersect; interpreter start-up excluded and measured separately;
* side by side, on sizes the baseline can finish: the straightforward geopandas way (project,
  buffer every track, union, intersect with the plots, divide areas) against
  ``zerocrop.patrols.coverage.compute_coverage``; times, the ratio and the largest per-plot
  difference in percentage points;
* the project alone on 10 000 plots and 1 000 000 track points;

each for two kinds of track: smooth walking through the plots, and sweeping plots in lanes
with realistic GPS noise (correlated error σ≈4 m plus white jitter) and stops where the fix
jitters in place.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
from pyproj import Transformer
from scipy.signal import lfilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zerocrop.patrols.coverage import Target, compute_coverage  # noqa: E402

SEED = 20220525
RADIUS_M = 30.0
UTM_EPSG = 32647  # around 99°E, 23°N: the synthetic town lies in UTM zone 47N
ORIGIN = np.array([520_000.0, 2_560_000.0])
PLOT_SPACING_M = 100.0

# --------------------------------------------------------------------------- synthetic town


@dataclass(frozen=True)
class Town:
    plots: np.ndarray  # shapely polygons, UTM metres
    centers: np.ndarray
    angles: np.ndarray


def make_town(rng: np.random.Generator, n: int) -> Town:
    """Quadrilateral plots of 20–70 m on a jittered 100 m grid, randomly rotated."""
    side = int(np.ceil(np.sqrt(n)))
    ij = np.stack(np.divmod(np.arange(n), side), axis=1).astype(float)
    centers = ORIGIN + ij * PLOT_SPACING_M + rng.uniform(-15, 15, (n, 2))
    size = rng.uniform(20, 70, (n, 2))
    angles = rng.uniform(0, np.pi, n)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    local = corners[None] * size[:, None, :] * rng.uniform(0.85, 1.15, (n, 4, 2))
    c, s = np.cos(angles)[:, None], np.sin(angles)[:, None]
    x = local[..., 0] * c - local[..., 1] * s + centers[:, :1]
    y = local[..., 0] * s + local[..., 1] * c + centers[:, 1:]
    return Town(shapely.polygons(np.stack([x, y], axis=-1)), centers, angles)


def gps_error(rng: np.random.Generator, n: int, sigma: float, tau_s: float) -> np.ndarray:
    """Correlated receiver error: a first-order autoregressive process at 1 Hz."""
    a = np.exp(-1.0 / tau_s)
    noise = rng.normal(0.0, sigma * np.sqrt(1 - a * a), (n, 2))
    noise[0] = rng.normal(0.0, sigma, 2)
    return lfilter([1.0], [1.0, -a], noise, axis=0)


def walk(waypoints: np.ndarray, speed: float) -> np.ndarray:
    """Positions at 1 Hz along the waypoint polyline at ``speed`` m/s."""
    step = np.diff(waypoints, axis=0)
    dist = np.concatenate([[0.0], np.cumsum(np.hypot(step[:, 0], step[:, 1]))])
    t = np.arange(0.0, dist[-1], speed)
    return np.column_stack(
        [np.interp(t, dist, waypoints[:, 0]), np.interp(t, dist, waypoints[:, 1])]
    )


def walking_tracks(rng: np.random.Generator, town: Town, total: int) -> list[np.ndarray]:
    """Workers walk from plot to nearby plot through their centres; low-noise fixes."""
    tracks, count = [], 0
    while count < total:
        here = town.centers[rng.integers(len(town.centers))]
        waypoints = [here]
        for _ in range(40):
            near = np.flatnonzero(np.hypot(*(town.centers - here).T) < 2.5 * PLOT_SPACING_M)
            here = town.centers[rng.choice(near)] + rng.normal(0, 10, 2)
            waypoints.append(here)
        fixes = walk(np.array(waypoints), speed=1.2)[: total - count]
        if len(fixes) < 2:
            break
        fixes = fixes + gps_error(rng, len(fixes), 1.5, 30.0) + rng.normal(0, 0.3, fixes.shape)
        tracks.append(fixes)
        count += len(fixes)
    return tracks


def sweep_path(rng: np.random.Generator, town: Town, i: int) -> np.ndarray:
    """Lanes along the plot's own axis, 40–90 m apart (so some strips stay unseen)."""
    plot = town.plots[i]
    c, s = np.cos(town.angles[i]), np.sin(town.angles[i])
    xy = shapely.get_coordinates(plot) - town.centers[i]
    u, v = xy @ np.array([c, s]), xy @ np.array([-s, c])
    lane = rng.uniform(40, 90)
    vs = np.arange(v.min() + lane / 2, v.max(), lane)
    if not len(vs):
        vs = np.array([0.0])
    ends = [(u.min(), u.max()) if k % 2 == 0 else (u.max(), u.min()) for k in range(len(vs))]
    uv = np.array([(a, vv) for vv, pair in zip(vs, ends, strict=True) for a in pair])
    return town.centers[i] + uv[:, :1] * np.array([c, s]) + uv[:, 1:] * np.array([-s, c])


def add_stops(rng: np.random.Generator, fixes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert 1–3 stops of 30–180 s; returns fixes and a mask of standing fixes."""
    standing = np.zeros(len(fixes), bool)
    for _ in range(rng.integers(1, 4)):
        at, dur = rng.integers(len(fixes)), int(rng.integers(30, 180))
        fixes = np.concatenate([fixes[:at], np.repeat(fixes[at : at + 1], dur, 0), fixes[at:]])
        standing = np.concatenate([standing[:at], np.ones(dur, bool), standing[at:]])
    return fixes, standing


def sweeping_tracks(rng: np.random.Generator, town: Town, total: int) -> list[np.ndarray]:
    """Workers sweep plots in lanes with noisy fixes (σ≈4 m) and jittering stops."""
    tracks, count = [], 0
    for i in rng.permutation(len(town.plots)):
        fixes, standing = add_stops(rng, walk(sweep_path(rng, town, i), speed=1.0))
        jitter = np.where(standing[:, None], 3.0, 1.5)
        fixes = (
            fixes + gps_error(rng, len(fixes), 4.0, 20.0) + rng.normal(0, 1, fixes.shape) * jitter
        )
        fixes = fixes[: total - count]
        if len(fixes) < 2:
            break
        tracks.append(fixes)
        count += len(fixes)
    return tracks


# --------------------------------------------------------------------------- methods


def to_wgs84() -> Callable[[np.ndarray], np.ndarray]:
    inverse = Transformer.from_crs(f"EPSG:{UTM_EPSG}", "EPSG:4326", always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(inverse.transform(xy[:, 0], xy[:, 1]))

    return move


def baseline(plots_wgs: np.ndarray, tracks_wgs: list[np.ndarray]) -> np.ndarray:
    """The straightforward geopandas way, from WGS84 input like the project."""
    import geopandas as gpd

    crs = f"EPSG:{UTM_EPSG}"
    plots = gpd.GeoSeries(plots_wgs, crs="EPSG:4326").to_crs(crs)
    lines = gpd.GeoSeries([shapely.LineString(t) for t in tracks_wgs], crs="EPSG:4326").to_crs(crs)
    covered = lines.buffer(RADIUS_M).union_all()
    return (plots.intersection(covered).area / plots.area).to_numpy()


def project(plots_wgs: np.ndarray, tracks_wgs: list[np.ndarray]) -> np.ndarray:
    targets = [Target(str(i), g) for i, g in enumerate(plots_wgs)]
    results = compute_coverage(targets, tracks_wgs, radius_m=RADIUS_M)
    return np.array([r.fraction for r in results])


# --------------------------------------------------------------------------- end to end


def write_files(folder: Path, plots_wgs: np.ndarray, tracks_wgs: list[np.ndarray]) -> tuple:
    """The plots as GeoJSON (``id`` property) and the tracks as one GPX with 1 Hz times."""
    plots_path = folder / "plots.geojson"
    features = [
        {"type": "Feature", "properties": {"id": str(i)}, "geometry": shapely.geometry.mapping(g)}
        for i, g in enumerate(plots_wgs)
    ]
    plots_path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    start = datetime(2022, 7, 5, 8, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
    ]
    for k, track in enumerate(tracks_wgs):
        parts.append(f"<trk><name>track {k}</name><trkseg>")
        for j, (lon, lat) in enumerate(track):
            at = (start + timedelta(days=k, seconds=j)).strftime("%Y-%m-%dT%H:%M:%SZ")
            parts.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><time>{at}</time></trkpt>')
        parts.append("</trkseg></trk>")
    parts.append("</gpx>")
    tracks_path = folder / "tracks.gpx"
    tracks_path.write_text("\n".join(parts))
    return plots_path, tracks_path


def cli_end_to_end(plots_path: Path, tracks_path: Path) -> dict[str, float]:
    """``zerocrop coverage --json`` in this process: parsing arguments, reading both files,
    cleaning, projecting and computing, and writing the JSON; interpreter start-up excluded."""
    from zerocrop.cli import main as zerocrop_main

    out = io.StringIO()
    argv = ["coverage", "--targets", str(plots_path), "--tracks", str(tracks_path), "--json"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = zerocrop_main(argv)
    if code != 0:
        raise SystemExit(f"zerocrop coverage failed with {code}")
    return {row["id"]: row["fraction"] for row in json.loads(out.getvalue())}


def baseline_end_to_end(plots_path: Path, tracks_path: Path) -> dict[str, float]:
    """geopandas reading the same files, then buffer, union, intersect, divide."""
    import geopandas as gpd

    crs = f"EPSG:{UTM_EPSG}"
    plots = gpd.read_file(plots_path).to_crs(crs)
    lines = gpd.read_file(tracks_path, layer="tracks").to_crs(crs)
    covered = lines.buffer(RADIUS_M).union_all()
    fractions = (plots.intersection(covered).area / plots.area).to_numpy()
    return dict(zip(plots["id"].astype(str), fractions.tolist(), strict=True))


def end_to_end(n_plots: int, n_points: int) -> Row:
    rng = np.random.default_rng([SEED, n_plots, n_points, False])
    town = make_town(rng, n_plots)
    tracks = walking_tracks(rng, town, n_points)
    move = to_wgs84()
    plots_wgs = shapely.transform(town.plots, move)
    tracks_wgs = [move(t) for t in tracks]
    with tempfile.TemporaryDirectory() as folder:
        plots_path, tracks_path = write_files(Path(folder), plots_wgs, tracks_wgs)
        cli_end_to_end(plots_path, tracks_path)  # warm: imports and the reader process pool
        t0 = time.perf_counter()
        mine = cli_end_to_end(plots_path, tracks_path)
        mine_s = time.perf_counter() - t0
        baseline_end_to_end(plots_path, tracks_path)  # warm: imports, GDAL drivers
        t0 = time.perf_counter()
        base = baseline_end_to_end(plots_path, tracks_path)
        base_s = time.perf_counter() - t0
    ids = sorted(base, key=int)
    a = np.array([mine[i] for i in ids])
    b = np.array([base[i] for i in ids])
    diff = np.abs(a - b) * 100.0
    partial = int(((a > 0.001) & (a < 0.999)).sum())
    points = sum(len(t) for t in tracks)
    return Row(
        "files e2e", n_plots, points, base_s, mine_s, float(diff.max()), float(diff.mean()), partial
    )


def startup_seconds() -> float:
    """Wall time of ``zerocrop coverage --help`` in a fresh interpreter (the CLI's start-up)."""
    command = [
        sys.executable,
        "-c",
        "import sys; from zerocrop.cli import main; "
        "sys.argv=['zerocrop','coverage','--help']; main()",
    ]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    bare = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        bare = min(bare, time.perf_counter() - t0)
    return best - bare


# --------------------------------------------------------------------------- runner


@dataclass
class Row:
    kind: str
    plots: int
    points: int
    base_s: float | None
    mine_s: float
    max_pp: float | None
    mean_pp: float | None
    partial: int


def scenario(kind: str, n_plots: int, n_points: int, with_baseline: bool) -> Row:
    rng = np.random.default_rng([SEED, n_plots, n_points, kind == "sweeping"])
    town = make_town(rng, n_plots)
    make = walking_tracks if kind == "walking" else sweeping_tracks
    tracks = make(rng, town, n_points)
    move = to_wgs84()
    plots_wgs = shapely.transform(town.plots, move)
    tracks_wgs = [move(t) for t in tracks]
    t0 = time.perf_counter()
    mine = project(plots_wgs, tracks_wgs)
    mine_s = time.perf_counter() - t0
    partial = int(((mine > 0.001) & (mine < 0.999)).sum())
    base_s = max_pp = mean_pp = None
    if with_baseline:
        t0 = time.perf_counter()
        base = baseline(plots_wgs, tracks_wgs)
        base_s = time.perf_counter() - t0
        diff = np.abs(mine - base) * 100.0
        max_pp, mean_pp = float(diff.max()), float(diff.mean())
    points = sum(len(t) for t in tracks)
    return Row(kind, n_plots, points, base_s, mine_s, max_pp, mean_pp, partial)


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    width = int(spec.split(".")[0])
    return "—".rjust(width) if value is None else format(value, spec) + suffix


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'track kind':<10} {'plots':>6} {'points':>9} {'partial':>7} {'baseline s':>11} "
        f"{'project s':>10} {'ratio':>8} {'max |Δ| pp':>11} {'mean |Δ| pp':>12}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = None if r.base_s is None else r.base_s / r.mine_s
        print(
            f"{r.kind:<10} {r.plots:>6} {r.points:>9} {r.partial:>7} {_fmt(r.base_s, '11.2f')} "
            f"{r.mine_s:>10.2f} {_fmt(ratio, '7.0f', '×'):>8} "
            f"{_fmt(r.max_pp, '11.3f')} {_fmt(r.mean_pp, '12.4f')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    args = parser.parse_args(argv)
    if args.quick:
        plan = [(400, 12_000, True), (2_000, 100_000, False)]
    else:
        plan = [(2_000, 60_000, True), (10_000, 1_000_000, False)]
    rows = []
    e2e_size = (400, 12_000) if args.quick else (2_000, 60_000)
    print(f"… files end to end: {e2e_size[0]} plots, {e2e_size[1]} points", file=sys.stderr)
    rows.append(end_to_end(*e2e_size))
    for n_plots, n_points, with_baseline in plan:
        for kind in ("walking", "sweeping"):
            print(f"… {kind}: {n_plots} plots, {n_points} points", file=sys.stderr, flush=True)
            rows.append(scenario(kind, n_plots, n_points, with_baseline))
    print(
        f"\n{os.cpu_count()} CPU cores; sight radius {RADIUS_M:.0f} m; "
        "Δ = project − baseline per plot, in percentage points; "
        "partial = plots covered between 0.1 % and 99.9 %"
    )
    print_table(rows)
    e2e = rows[0]
    print(
        f"\nEnd to end from files (GeoJSON plots + GPX tracks, reading and cleaning included, "
        f"interpreter start-up excluded): geopandas {e2e.base_s:.2f} s, "
        f"zerocrop coverage {e2e.mine_s:.2f} s, ratio {e2e.base_s / e2e.mine_s:.1f}×, "
        f"max |Δ| {e2e.max_pp:.3f} pp (targets: ≥ 10×, ≤ 1 pp)"
    )
    print(
        f"CLI start-up (`zerocrop coverage --help`, bare interpreter subtracted): "
        f"{startup_seconds():.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
