"""Benchmark: 200 phones syncing a day's work at once against gunicorn, loopback only.

    PYTHONPATH=src .venv/bin/python bench/sync_load.py                      # 200 devices, SQLite
    PYTHONPATH=src .venv/bin/python bench/sync_load.py --db postgres        # the same on PostgreSQL
    PYTHONPATH=src .venv/bin/python bench/sync_load.py --devices 20 --photo-mb 1   # a quick run

One run makes a fresh data folder (SQLite) or a fresh PostgreSQL database (`zerocrop_bench`
on 127.0.0.1:5432, dropped and created), migrates it, loads the demo, makes one pairing code
per simulated device (what the QR shown to the demo's grid worker carries), and serves it with
gunicorn (`--workers`, `--threads`) beside the job consumer (`run_huey`), as `make run` does.
Then every device at once, over one bounded httpx connection pool, pairs (`POST /sync/pair`)
and syncs its day by the protocol (docs/field-sync.md): a patrol of `--fixes`
fixes at 1 Hz, `--findings` findings pointing at the patrol (one or two photos each) and the
rest of `--photos` photos on the patrol; each record is POSTed, then its files are PUT in
chunks of the server's `max_chunk_bytes`, then its receipt is fetched until it is applied.
A 503 or a broken connection is retried with backoff (1 s doubling), as the app does; every
answer is counted by call and status.

Photos are real JPEGs of `--photo-mb` MB: a few noisy images are encoded once with Pillow and
each photo gets its own JPEG comment (COM segment) naming device and number, so every photo is
a valid image with its own SHA-256 while costing only a copy to make.

Printed: p50/p95/max of each call (record POST, file chunk PUT, receipt GET), errors by status,
the number of "database is locked" lines in the server's log, and the server's counts of
SyncRecord, PatrolRecord, Finding, SyncFile and EvidenceFile against what the devices were told
was acknowledged: the target is 0 lost, 0 duplicated, 0 locked, p95 under 1 s for record calls.
The data folder is deleted afterwards unless `--keep`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402
from PIL import Image  # noqa: E402

from support.sync_server import SyncServer, demo_data_dir  # noqa: E402

CST = timezone(timedelta(hours=8))
DAY = datetime(2022, 7, 10, 7, 0, tzinfo=CST)  # the demo date
PG_URL = "postgres://postgres@127.0.0.1:5432/zerocrop_bench"

COUNTS = """
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.field.models import SyncFile, SyncRecord
from zerocrop.findings.models import Finding
from zerocrop.patrols.models import PatrolRecord
records = list(SyncRecord.objects.values_list("client_uuid", "kind", "status", "object_id"))
print(json.dumps({
    "records": [[str(u), k, s, str(o) if o else None] for u, k, s, o in records],
    "patrols": PatrolRecord.objects.count(),
    "findings": Finding.objects.count(),
    "files": list(SyncFile.objects.values_list("sha256", "status")),
    "evidence": EvidenceFile.objects.count(),
}))
"""


# ---- photos ------------------------------------------------------------------------------


def noisy_jpegs(megabytes: float, count: int = 3) -> list[bytes]:
    """`count` JPEGs of about `megabytes` MB each: noise compresses badly, like foliage does."""
    rng = random.Random(12)
    target = int(megabytes * 1024 * 1024)
    side = 256
    images = []
    for _ in range(count):
        while True:
            image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=92)
            if out.tell() >= target * 0.95:
                break
            side = int(side * (target / out.tell()) ** 0.5 * 1.02) + 8
        images.append(out.getvalue())
    return images


def unique_photo(base: bytes, label: str) -> bytes:
    """`base` with a JPEG comment (COM, FF FE) right after the SOI marker: still a valid JPEG."""
    comment = label.encode()
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


# ---- measuring ---------------------------------------------------------------------------


@dataclass
class Stats:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    acked_records: dict[str, str] = field(default_factory=dict)  # uuid -> kind
    acked_files: set[str] = field(default_factory=set)
    applied: set[str] = field(default_factory=set)
    created_201: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def why(response: httpx.Response) -> str:
    """An answer in a line: the error body's Chinese detail, or the start of the text."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code} {response.text[:80]!r}"
    return f"HTTP {response.status_code} {body.get('code')}: {body.get('detail')}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Device:
    def __init__(
        self,
        *,
        index: int,
        code: str,
        http: httpx.AsyncClient,
        args: argparse.Namespace,
        context: dict[str, Any],
        bases: list[bytes],
        chunk: int,
        stats: Stats,
    ) -> None:
        self.index = index
        self.code = code  # the pairing code of the QR the worker scans
        self.token = ""
        self.http = http
        self.args = args
        self.context = context
        self.bases = bases
        self.chunk = chunk
        self.stats = stats
        self.rng = random.Random(index)
        # Made before the clock starts: the photos' hashes are the phone's work at capture.
        self.records = self.day()

    async def call(self, kind: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One call, timed; 503 and broken connections are retried with backoff (as the app)."""
        headers = {**kwargs.pop("headers", {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        wait = 1.0
        for _ in range(12):
            start = time.perf_counter()
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                self.stats.statuses[(kind, type(exc).__name__)] += 1
            else:
                self.stats.seconds[kind].append(time.perf_counter() - start)
                self.stats.statuses[(kind, str(response.status_code))] += 1
                if response.status_code != 503:
                    return response
            await asyncio.sleep(wait)
            wait = min(wait * 2, 60)
        raise RuntimeError(f"device {self.index}: {method} {url} kept failing")

    def photo(self, number: int) -> bytes:
        base = self.bases[(self.index + number) % len(self.bases)]
        return unique_photo(base, f"zerocrop-bench device {self.index} photo {number}")

    def day(self) -> list[tuple[dict[str, Any], list[int]]]:
        """The device's records (patrol first, then its findings) with their photo numbers."""
        ctx, rng, args = self.context, self.rng, self.args
        start = DAY + timedelta(minutes=rng.randint(0, 120))
        lon, lat = ctx["lon"], ctx["lat"]
        fixes = []
        for i in range(args.fixes):
            lon += rng.uniform(-1e-5, 1e-5)
            lat += rng.uniform(-1e-5, 1e-5)
            fixes.append(
                {
                    "lon": round(lon, 7),
                    "lat": round(lat, 7),
                    "acc": round(rng.uniform(3, 12), 1),
                    "t": (start + timedelta(seconds=i)).isoformat(),
                }
            )
        per_finding = [rng.choice((1, 2)) for _ in range(args.findings)]
        patrol_photos = max(0, args.photos - sum(per_finding))
        numbers = iter(range(args.photos + 2 * args.findings))
        patrol_uuid = str(uuid.uuid4())
        patrol = {
            "uuid": patrol_uuid,
            "kind": "patrol",
            "schema": 2,
            "created_at": fixes[-1]["t"],
            "payload": {
                "unit_id": ctx["unit_id"],
                "round_id": ctx["round_id"],
                "people": ctx["people"][:1],
                "started_at": fixes[0]["t"],
                "ended_at": fixes[-1]["t"],
                "result": "finding",
                "note": f"压测设备 {self.index}",
                "fixes": fixes,
                "gaps": [],
                "checkpoints": [],
            },
        }
        records = [(patrol, "photo", [next(numbers) for _ in range(patrol_photos)])]
        for k, count in enumerate(per_finding):
            fix = fixes[(k + 1) * len(fixes) // (len(per_finding) + 1)]
            finding = {
                "uuid": str(uuid.uuid4()),
                "kind": "finding",
                "schema": 2,
                "created_at": fix["t"],
                "payload": {
                    "unit_id": ctx["unit_id"],
                    "lon": fix["lon"],
                    "lat": fix["lat"],
                    "acc": 5.0,
                    "crs": "wgs84",
                    "species": "poppy",
                    "species_name": "",
                    "stage": "flowering",
                    "setting": "wild",
                    "plant_count": rng.randint(1, 300),
                    "area_m2": float(rng.randint(2, 90)),
                    "found_at": fix["t"],
                    "found_by": ctx["people"][:1],
                    "place": "",
                    "note": f"压测设备 {self.index}",
                    "patrol_uuid": patrol_uuid,
                    "round_id": ctx["round_id"],
                },
            }
            records.append((finding, "found", [next(numbers) for _ in range(count)]))
        out = []
        for body, role, photo_numbers in records:
            body["files"] = []
            for n in photo_numbers:
                data = self.photo(n)
                body["files"].append(
                    {
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "name": f"IMG_{n:04d}.jpg",
                        "role": role,
                        "size": len(data),
                        "type": "image/jpeg",
                    }
                )
            out.append((body, photo_numbers))
        return out

    async def upload(self, sha256: str, data: bytes) -> None:
        first = 0
        total = len(data)
        while first < total:
            last = min(first + self.chunk, total) - 1
            response = await self.call(
                "file chunk PUT",
                "PUT",
                f"/files/{sha256}",
                content=data[first : last + 1],
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Range": f"bytes {first}-{last}/{total}",
                },
            )
            if response.status_code not in (200, 409):
                raise RuntimeError(f"PUT {sha256[:12]}: {why(response)}")
            body = response.json()
            if response.status_code == 409 and body.get("code") == "offset_mismatch":
                first = int((body.get("server") or body)["received"])
                continue
            if response.status_code != 200:
                raise RuntimeError(f"PUT {sha256[:12]}: {why(response)}")
            first = int(body["received"])
            if body["complete"]:
                self.stats.acked_files.add(sha256)
                return
        raise RuntimeError(f"PUT {sha256[:12]}: all bytes sent, never complete")

    async def pair(self) -> None:
        response = await self.call(
            "pair POST",
            "POST",
            "/pair",
            json={"code": self.code, "name": f"压测手机{self.index}", "user_agent": "sync_load"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"pair: {why(response)}")
        self.token = response.json()["token"]

    async def run(self) -> None:
        try:
            await self.pair()
            records = self.records
            for body, numbers in records:
                response = await self.call("record POST", "POST", "/records", json=body)
                if response.status_code not in (200, 201):
                    raise RuntimeError(f"POST {body['kind']}: {why(response)}")
                if response.status_code == 201:
                    self.stats.created_201[body["uuid"]] += 1
                self.stats.acked_records[body["uuid"]] = body["kind"]
                missing = set(response.json().get("missing_files", []))
                for file, n in zip(body["files"], numbers, strict=True):
                    if file["sha256"] in missing:
                        await self.upload(file["sha256"], self.photo(n))
            for body, _ in records:
                for _ in range(30):
                    response = await self.call("receipt GET", "GET", f"/records/{body['uuid']}")
                    receipt = response.json()
                    if receipt.get("status") == "applied" and not receipt.get("missing_files"):
                        self.stats.applied.add(body["uuid"])
                        break
                    if receipt.get("status") == "rejected":
                        raise RuntimeError(f"{body['kind']} rejected: {receipt.get('error')}")
                    await asyncio.sleep(1)
        except Exception as exc:  # noqa: BLE001 - one device's failure is counted, not fatal
            self.stats.failures.append(f"device {self.index}: {exc}"[:400])


# ---- the run -----------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> SyncServer:
    data_dir = Path(args.data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)
    database_url = ""
    if args.db == "postgres":
        database_url = PG_URL
        for command in (["dropdb", "--if-exists"], ["createdb"]):
            subprocess.run(
                [*command, "-h", "127.0.0.1", "-U", "postgres", "zerocrop_bench"], check=True
            )
    demo_data_dir(data_dir, database_url=database_url)
    return SyncServer(
        data_dir=data_dir,
        workers=args.workers,
        threads=args.threads,
        database_url=database_url,
        jobs_immediate=False,
        job_consumer=True,
        access_log=True,
    )


async def load(
    args: argparse.Namespace,
    server: SyncServer,
    codes: list[str],
    context: dict[str, Any],
    bases: list[bytes],
) -> tuple[Stats, float]:
    stats = Stats()
    limits = httpx.Limits(
        max_connections=args.connections, max_keepalive_connections=args.connections
    )
    timeout = httpx.Timeout(300, pool=None)
    async with httpx.AsyncClient(
        base_url=server.base_url + "/api/v1/sync", limits=limits, timeout=timeout
    ) as http:
        ping = (await http.get("/ping")).json()
        chunk = int(ping["max_chunk_bytes"])
        devices = [
            Device(
                index=i,
                code=c,
                http=http,
                args=args,
                context=context,
                bases=bases,
                chunk=chunk,
                stats=stats,
            )
            for i, c in enumerate(codes)
        ]
        print(f"{len(devices)} devices ready; syncing", flush=True)
        start = time.perf_counter()
        await asyncio.gather(*(d.run() for d in devices))
        return stats, time.perf_counter() - start


def server_times(server: SyncServer) -> dict[str, list[float]]:
    """Seconds per call as gunicorn's access log has them ("METHOD path status µs")."""
    kinds = {
        ("POST", "pair"): "pair POST",
        ("POST", "records"): "record POST",
        ("PUT", "files"): "file chunk PUT",
        ("GET", "records"): "receipt GET",
    }
    times: dict[str, list[float]] = defaultdict(list)
    if server.access_log is None or not server.access_log.exists():
        return times
    for line in server.access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[1].startswith("/api/v1/sync/"):
            continue
        method, path, _, micros = parts
        kind = kinds.get((method, path.split("/")[4]))
        if kind is not None:
            times[kind].append(int(micros) / 1e6)
    return times


def report(
    args: argparse.Namespace,
    stats: Stats,
    wall: float,
    server: SyncServer,
    counts: dict[str, Any],
    before: dict[str, Any],
) -> bool:
    print(
        f"\n{args.devices} devices × ({args.fixes} fixes, {args.photos} photos of "
        f"{args.photo_mb} MB, {args.findings} findings) on {args.db}, gunicorn "
        f"--workers {args.workers} --threads {args.threads}, {args.connections} connections; "
        f"{wall:.0f} s wall"
    )
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"\n{'call':<16}{'count':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for kind in ("pair POST", "record POST", "file chunk PUT", "receipt GET"):
        values = stats.seconds.get(kind, [])
        if values:
            print(
                f"{kind:<16}{len(values):>8}{statistics.median(values):>9.3f}"
                f"{percentile(values, 0.95):>9.3f}{max(values):>9.3f}"
            )
    print("(on the device: from the call to its answer, waiting for one of the pool's")
    print(" connections included — what a phone waits when 200 sync at once)")
    served = server_times(server)
    print(f"\n{'call, in the server':<22}{'count':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for kind in ("pair POST", "record POST", "file chunk PUT", "receipt GET"):
        values = served.get(kind, [])
        if values:
            print(
                f"{kind:<22}{len(values):>8}{statistics.median(values):>9.3f}"
                f"{percentile(values, 0.95):>9.3f}{max(values):>9.3f}"
            )
    print("(gunicorn's request time: from the worker thread taking the request to its answer)")
    errors = {k: n for k, n in stats.statuses.items() if k[1] not in ("200", "201")}
    print("\nanswers other than 200/201:", dict(errors) or "none")
    log = server.log.read_text(errors="replace") if server.log.exists() else ""
    locked = log.count("database is locked")
    print(f'"database is locked" in the server log: {locked}')
    for line in stats.failures[:10]:
        print("  failed:", line)
    if len(stats.failures) > 10:
        print(f"  … {len(stats.failures) - 10} more devices failed")

    stored = {u: (k, s, o) for u, k, s, o in counts["records"]}
    acked = stats.acked_records
    lost_records = [u for u in acked if u not in stored]
    not_applied = [u for u in acked if stored.get(u, ("", ""))[1] != "applied"]
    files = dict(counts["files"])
    lost_files = [s for s in stats.acked_files if files.get(s) != "complete"]
    applied_objects = Counter((k, o) for k, s, o in stored.values() if s == "applied")
    new_patrols = counts["patrols"] - before["patrols"]
    new_findings = counts["findings"] - before["findings"]
    applied_patrols = sum(n for (k, _), n in applied_objects.items() if k == "patrol")
    applied_findings = sum(n for (k, _), n in applied_objects.items() if k == "finding")
    doubled = sum(n - 1 for n in applied_objects.values() if n > 1)
    doubled += max(0, new_patrols - applied_patrols) + max(0, new_findings - applied_findings)
    doubled += sum(n - 1 for n in stats.created_201.values() if n > 1)
    print(f"\n{'':<28}{'acknowledged':>14}{'on the server':>15}")
    print(f"{'records (SyncRecord)':<28}{len(acked):>14}{len(stored):>15}")
    print(
        f"{'  of them applied':<28}{len(stats.applied):>14}"
        f"{sum(1 for _, s, _ in stored.values() if s == 'applied'):>15}"
    )
    print(
        f"{'patrols (PatrolRecord)':<28}"
        f"{sum(1 for k in acked.values() if k == 'patrol'):>14}{new_patrols:>15}"
    )
    print(
        f"{'findings (Finding)':<28}"
        f"{sum(1 for k in acked.values() if k == 'finding'):>14}{new_findings:>15}"
    )
    print(
        f"{'files complete (SyncFile)':<28}{len(stats.acked_files):>14}"
        f"{sum(1 for s in files.values() if s == 'complete'):>15}"
    )
    print(f"{'evidence files (+ GPX)':<28}{'':>14}{counts['evidence'] - before['evidence']:>15}")
    lost = len(lost_records) + len(lost_files)
    print(
        f"\nlost: {lost} (records {len(lost_records)}, files {len(lost_files)}); "
        f"acknowledged but not applied: {len(not_applied)}; duplicated: {doubled}; "
        f"locked: {locked}"
    )
    record_p95 = (
        percentile(stats.seconds["record POST"], 0.95) if stats.seconds["record POST"] else 0
    )
    ok = lost == 0 and doubled == 0 and locked == 0 and not stats.failures
    print(
        f"target 0 lost, 0 duplicated, 0 locked, record p95 < 1 s: "
        f"{'met' if ok and record_p95 < 1 else 'NOT met'} (record POST p95 {record_p95:.3f} s)"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--photo-mb", type=float, default=3.0)
    parser.add_argument("--fixes", type=int, default=3600)
    parser.add_argument("--findings", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32, help="the client's pool size")
    parser.add_argument("--data-dir", default="/tmp/zerocrop-sync-bench")
    parser.add_argument("--keep", action="store_true", help="keep the data folder afterwards")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    server = prepare(args)
    codes = server.pairing_codes("grid", args.devices)
    context = server.field_context("grid")
    before = server.query(COUNTS)
    bases = noisy_jpegs(args.photo_mb)
    print(
        f"set up in {time.perf_counter() - started:.0f} s "
        f"({len(bases)} base JPEGs of {len(bases[0]) / 1e6:.2f} MB)",
        flush=True,
    )
    server.start()
    try:
        stats, wall = asyncio.run(load(args, server, codes, context, bases))
    finally:
        server.stop()
    counts = server.query(COUNTS)
    ok = report(args, stats, wall, server, counts, before)
    if not args.keep:
        shutil.rmtree(args.data_dir, ignore_errors=True)
        if args.db == "postgres":
            subprocess.run(
                ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "zerocrop_bench"],
                check=False,
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
