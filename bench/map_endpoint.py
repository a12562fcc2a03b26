"""Benchmark: the map's GeoJSON endpoint (GET /api/v1/geo/plots) on a town of 10 000 plots.

    python bench/map_endpoint.py                  # 10 000 plots, 20 repeats, about a minute
    python bench/map_endpoint.py --plots 2000 --repeat 5
    python bench/map_endpoint.py --profile        # also cProfile the project endpoint (stderr)
    DATABASE_URL=postgres://… python bench/map_endpoint.py   # on PostgreSQL (a throw-away DB)

One run sets up Django on a fresh database (SQLite in a temporary folder unless DATABASE_URL
is set), loads a deterministic synthetic town (`zerocrop.demo.synthetic.generate_town`), logs a
town administrator in, and times full request → response through Django's test Client (URL
routing, every middleware, session and user lookup, django-ninja, the query, the GeoJSON and
its serialisation) for the views a township user actually looks at: the whole town at zoom 11
and 12, half the town at zoom 13 (the first zoom with outlines: the worst case), a village at
zoom 14 and a few fields at zoom 16 and 17, each as the browser's map would ask for it (the
bounding box of a 1280×800 px map window centred on the place).

Side by side in the same run, the baseline: the endpoint a first version would have — every
plot the user may see, with its full stored outline, no bounding box, no simplification,
serialised the same way (see `baseline_plots_view`).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import io
import json
import math
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BENCH_SECRET = "bench-only-not-a-secret-" + "x" * 32  # noqa: S105 - a throw-away database
BENCH_PASSWORD = "bench-only-password"  # noqa: S105 - never used to log in (force_login)
SEED = 22
VIEWPORT_PX = (1280, 800)  # a laptop browser's map window
BASELINE_URL = "/bench/baseline/plots"
BASELINE_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "risk",
    "geometry",
    "unit__name",
    "responsible__name",
)
PROJECT_URL = "/api/v1/geo/plots"


# --------------------------------------------------------------------------- Django set-up


def configure_django(data_dir: Path) -> None:
    """Point the settings at a fresh data folder and start Django (before any model import)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "zerocrop.config.settings"
    os.environ["ZEROCROP_SECRET_KEY"] = BENCH_SECRET
    os.environ["ZEROCROP_AUDIT_KEY"] = BENCH_SECRET + "-audit"
    os.environ["ZEROCROP_DATA_DIR"] = str(data_dir)
    os.environ.pop("ZEROCROP_DEMO", None)
    os.environ.pop("ZEROCROP_DEBUG", None)  # DEBUG off, as in production
    import django

    django.setup()


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """A migrated, empty database; yields a description of it.

    SQLite: the settings' own file in the fresh data folder (WAL, as deployed). Any other
    backend (DATABASE_URL): a throw-away test database next to the configured one, created and
    dropped by Django's test machinery, so an existing database is never touched.
    """
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        yield f"SQLite {connection.Database.sqlite_version} (file, WAL)"
        connection.close()
        return
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"zerocrop_bench_{label}_{os.getpid()}"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        yield version
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


# --------------------------------------------------------------------------- the town


@dataclass(frozen=True)
class Town:
    user: Any  # zerocrop.org.models.User: the town administrator
    views: list[View]
    load_s: float


def load_town(plot_count: int) -> Town:
    """The synthetic town in the database: town, 16 villages, their people and plots.

    Units and the user go through the services, as in the application. People and plots are
    bulk-inserted: `plot_create` validates each outline, checks it against the village boundary
    and writes an audit event, which would take minutes for 10 000 plots and has no effect on
    what the map endpoint reads. The stored columns come from `located_fields`, exactly what
    `plot_create` stores.
    """
    from django.db import transaction

    from zerocrop.demo.synthetic import generate_town
    from zerocrop.geo.geometry import located_fields
    from zerocrop.geo.models import Plot
    from zerocrop.org.choices import Role, UnitLevel
    from zerocrop.org.models import Person
    from zerocrop.org.services import unit_create, user_create

    start = time.perf_counter()
    synthetic = generate_town(seed=SEED, plot_count=plot_count)
    with transaction.atomic():
        town = unit_create(name=synthetic.name, level=UnitLevel.TOWN)
        villages = {
            unit.name: unit_create(name=unit.name, level=unit.kind, parent=town, sort_order=i)
            for i, unit in enumerate(u for u in synthetic.units if u.kind != "grid")
        }
        people: dict[tuple[str, str], Person] = {}
        for plot in synthetic.plots:
            if plot.responsible and (plot.unit, plot.responsible) not in people:
                people[plot.unit, plot.responsible] = Person(
                    name=plot.responsible, unit=villages[plot.unit], title="地块包保责任人"
                )
        Person.objects.bulk_create(people.values(), batch_size=500)
        Plot.objects.bulk_create(
            (
                Plot(
                    unit=villages[plot.unit],
                    code=plot.code,
                    name=plot.name,
                    kind=plot.kind,
                    risk=plot.risk,
                    responsible=people.get((plot.unit, plot.responsible or "")),
                    source="bench",
                    **located_fields(plot.geometry),
                )
                for plot in synthetic.plots
            ),
            batch_size=500,
        )
        user = user_create(
            username="bench-admin", password=BENCH_PASSWORD, role=Role.TOWN_ADMIN, unit=town
        )
    # Only the views are kept: the synthetic town's 10 000 shapely objects would otherwise stay
    # alive and slow down Python's garbage collector during the timed requests, which a
    # server process does not carry.
    views = realistic_views(synthetic)
    return Town(user=user, views=views, load_s=time.perf_counter() - start)


# --------------------------------------------------------------------------- the baseline


def baseline_plots_view(request: Any) -> Any:
    """The straightforward first version of the endpoint: everything, as stored, every time.

    Every plot the user may see (the project's own selector, without bbox), with its full
    stored outline (no points for far zooms, no simplification), the same properties and the
    same `json.dumps` call as the project. It already reads with `.values()`, as the project
    does, rather than building 10 000 model instances: the comparison measures what the
    bbox, the points and the simplification buy, not a naive ORM loop. It is a plain Django
    view behind the same URL routing, middleware and session login, but without django-ninja,
    which costs the project a little per request: if anything the baseline is favoured.
    """
    from django.http import HttpResponse

    from zerocrop.geo import selectors

    features = [
        {
            "type": "Feature",
            "geometry": row["geometry"],
            "properties": {
                "id": str(row["id"]),
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "risk": row["risk"],
                "unit": row["unit__name"],
                "responsible": row["responsible__name"],
            },
        }
        for row in selectors.plot_list(user=request.user).values(*BASELINE_FIELDS)
    ]
    return HttpResponse(
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        ),
        content_type="application/geo+json",
    )


def bench_urlconf() -> types.ModuleType:
    """This run's URLconf: the project's, plus the baseline beside it."""
    from django.urls import include, path

    urlconf = types.ModuleType("bench_map_urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path(BASELINE_URL.lstrip("/"), baseline_plots_view),
        path("", include("zerocrop.config.urls")),
    ]
    return urlconf


# --------------------------------------------------------------------------- the views


@dataclass(frozen=True)
class View:
    label: str
    zoom: int
    bbox: tuple[float, float, float, float]

    @property
    def url(self) -> str:
        # The browser sends 6 decimals (map.js: toFixed(6)).
        return f"{PROJECT_URL}?bbox={','.join(f'{v:.6f}' for v in self.bbox)}&zoom={self.zoom}"


def window_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """What a VIEWPORT_PX map window centred on (lon, lat) shows at `zoom` (Web Mercator)."""
    width, height = VIEWPORT_PX
    world_px = 256 * 2**zoom
    half_lon = width / 2 * 360 / world_px
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    half_y = height / 2 * 2 * math.pi / world_px

    def to_lat(merc_y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(merc_y)) - math.pi / 2)

    return lon - half_lon, to_lat(y - half_y), lon + half_lon, to_lat(y + half_y)


def realistic_views(synthetic: Any) -> list[View]:
    """Whole town, half the town, the busiest village, and the densest few fields."""
    town = synthetic.boundary.centroid
    counts: dict[str, int] = {}
    for plot in synthetic.plots:
        counts[plot.unit] = counts.get(plot.unit, 0) + 1
    busiest = max(counts, key=lambda name: counts[name])
    village = next(u for u in synthetic.units if u.name == busiest).boundary.centroid
    # The plot with the most neighbours within ~300 m: the densest spot, a pessimistic choice.
    centres = shapely.centroid(np.array([p.geometry for p in synthetic.plots], dtype=object))
    _, hits = shapely.STRtree(centres).query(centres, predicate="dwithin", distance=0.003)
    dense = centres[int(np.argmax(np.bincount(hits, minlength=len(centres))))]
    return [
        View("whole town", 11, window_bbox(town.x, town.y, 11)),
        View("whole town", 12, window_bbox(town.x, town.y, 12)),
        View("half the town", 13, window_bbox(town.x, town.y, 13)),
        View(f"village ({busiest})", 14, window_bbox(village.x, village.y, 14)),
        View("a few fields", 16, window_bbox(dense.x, dense.y, 16)),
        View("a few fields", 17, window_bbox(dense.x, dense.y, 17)),
    ]


# --------------------------------------------------------------------------- measuring


@dataclass
class Timing:
    seconds: list[float]
    size_bytes: int
    gzip_bytes: int  # what django.middleware.gzip.GZipMiddleware would send (level 6)
    features: int

    @classmethod
    def of(cls, content: bytes, features: int) -> Timing:
        return cls([], len(content), len(gzip.compress(content, 6, mtime=0)), features)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def timed_get(client: Any, url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} → {response.status_code}: {response.content[:300]!r}")
    return elapsed, response.content


def check_answer(view: View, content: bytes) -> int:
    """The project answers exactly the plots in view: clusters and points below zoom 13."""
    from zerocrop.geo.mapdata import POINT_ZOOM_BELOW
    from zerocrop.geo.models import Plot
    from zerocrop.geo.selectors import bbox_q

    features = json.loads(content)["features"]
    rounded = tuple(float(f"{v:.6f}") for v in view.bbox)
    expected = Plot.objects.filter(bbox_q(rounded)).count()  # type: ignore[arg-type]
    plots = sum(f["properties"].get("count", 1) for f in features)
    if plots != expected:
        raise RuntimeError(f"{view.label} z{view.zoom}: {plots} plots, expected {expected}")
    kinds = {f["geometry"]["type"] for f in features}
    if features and (kinds == {"Point"}) != (view.zoom < POINT_ZOOM_BELOW):
        raise RuntimeError(f"{view.label} z{view.zoom}: geometry types {kinds}")
    return plots


def query_count(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def measure(
    client: Any, views: list[View], repeat: int
) -> tuple[Timing, dict[View, Timing], dict[View, int]]:
    """Warm up, then `repeat` rounds of: baseline once, every view once (order alternates).

    The baseline request is the same whatever the view (it has no bbox), so it is timed once
    per round and its figures stand on every row.
    """
    _, base_content = timed_get(client, BASELINE_URL)  # warm-up (imports, caches)
    baseline = Timing.of(base_content, len(json.loads(base_content)["features"]))
    project: dict[View, Timing] = {}
    for view in views:
        _, content = timed_get(client, view.url)
        project[view] = Timing.of(content, check_answer(view, content))
    queries = {view: query_count(client, view.url) for view in views}
    for round_no in range(repeat):
        order: list[View | None] = [None, *views]
        for item in order if round_no % 2 == 0 else reversed(order):
            if item is None:
                baseline.seconds.append(timed_get(client, BASELINE_URL)[0])
            else:
                project[item].seconds.append(timed_get(client, item.url)[0])
    return baseline, project, queries


def profile(client: Any, views: list[View], top: int = 10) -> None:
    """cProfile one request of the busiest points view and of the busiest outlines view."""
    from zerocrop.geo.mapdata import POINT_ZOOM_BELOW

    points = [v for v in views if v.zoom < POINT_ZOOM_BELOW]
    outlines = [v for v in views if v.zoom >= POINT_ZOOM_BELOW]
    for group in (points, outlines):
        if not group:
            continue
        view = group[-1] if group is points else group[0]
        profiler = cProfile.Profile()
        profiler.runcall(client.get, view.url)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
        stats.print_stats(top)
        print(
            f"\n=== cProfile: {view.label}, zoom {view.zoom} (top {top} by own time)",
            file=sys.stderr,
        )
        print(out.getvalue().strip("\n"), file=sys.stderr)


# --------------------------------------------------------------------------- report


def ratio(baseline_ms: float, project_ms: float) -> str:
    value = baseline_ms / project_ms
    return f"{value:.1f}×" if value < 10 else f"{value:.0f}×"


def print_table(
    baseline: Timing, project: dict[View, Timing], queries: dict[View, int], repeat: int
) -> None:
    print(
        "| view | zoom | plots returned | baseline ms | project ms | project p95 ms | ratio "
        "| baseline KB | project KB | baseline KB gzip | project KB gzip | SQL queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for view, timing in project.items():
        print(
            f"| {view.label} | {view.zoom} | {timing.features:,} | {baseline.median_ms:,.0f} "
            f"| {timing.median_ms:,.1f} | {timing.p95_ms:,.1f} "
            f"| {ratio(baseline.median_ms, timing.median_ms)} "
            f"| {baseline.size_bytes / 1024:,.0f} | {timing.size_bytes / 1024:,.1f} "
            f"| {baseline.gzip_bytes / 1024:,.0f} | {timing.gzip_bytes / 1024:,.1f} "
            f"| {queries[view]} |"
        )
    print(
        f"\nBaseline: all {baseline.features:,} plots with full outlines, the same request for "
        f"every view (median {baseline.median_ms:,.0f} ms, p95 {baseline.p95_ms:,.0f} ms). "
        f"Times: full request → response through the test Client, median of {repeat}; "
        "ratio = baseline median / project median. KB: response body; gzip: what a browser "
        "downloads (the app gzips map payloads for clients that accept it). SQL queries per "
        "project request: session, user, the user's unit, the plots (+ a COUNT from zoom 14)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plots", type=int, default=10_000, help="plots in the town")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per view")
    parser.add_argument("--profile", action="store_true", help="cProfile top 10 to stderr")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.plots < 1:
        parser.error("--plots and --repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="zerocrop-bench-map-") as tmp:
        configure_django(Path(tmp))
        from django.test import Client
        from django.test.utils import override_settings

        with fresh_database("map") as database, override_settings(ROOT_URLCONF=bench_urlconf()):
            town = load_town(args.plots)
            views = town.views
            gc.collect()
            client = Client(HTTP_HOST="localhost")  # an allowed host, as a browser would send
            client.force_login(town.user)
            print(
                f"# Map endpoint: {args.plots:,} plots (loaded in {town.load_s:.1f} s), "
                f"{database}, Python {sys.version.split()[0]}, shapely {shapely.__version__}, "
                f"{os.cpu_count()} CPU cores, map window {VIEWPORT_PX[0]}×{VIEWPORT_PX[1]} px\n",
                flush=True,
            )
            load_before = os.getloadavg()[0]
            baseline, project, queries = measure(client, views, args.repeat)
            load_after = os.getloadavg()[0]
            print_table(baseline, project, queries, args.repeat)
            busy = max(load_before, load_after) > (os.cpu_count() or 1)
            print(
                f"Load average (1 min): {load_before:.1f} before timing, {load_after:.1f} after"
                + (" — above the core count: other work shared the cores." if busy else ".")
            )
            if args.profile:
                profile(client, views)


if __name__ == "__main__":
    main()
