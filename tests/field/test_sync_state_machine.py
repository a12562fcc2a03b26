"""Nothing acknowledged is lost or doubled, whatever the network and the server do.

A hypothesis state machine plays a phone against a real server process: gunicorn (one worker,
four threads, production settings, `--preload`) on its own data folder. Its rules create
records (a patrol or a finding with a few small real JPEGs), upload file chunks, and misbehave
the way a hill road does: a request sent and its answer lost, a request sent twice, requests
queued and sent in another order (some answers lost too), and SIGKILL — of the whole server,
which is then started again on the same data, or of the worker running the requests, which
gunicorn forks again — between requests, in the middle of one, and while the last chunk of a
record's last file is in flight (the file completes and the record is applied in that request).

After every step the acknowledged records and files are checked in the server's database:
each acknowledged client UUID stored once, never answered 201 twice, each file acknowledged
complete stored complete at its size, and exactly one Finding or PatrolRecord per applied
record. At the end of each example the phone drains its outbox (resends whatever is not
acknowledged and polls the receipts) and every record must be applied, every photo stored once
as evidence with bytes that hash to its SHA-256.

Database: the server always runs on a file SQLite database (WAL, as `make run` serves), also on
the PostgreSQL CI run. SIGKILL against SQLite's WAL is the durability case this test exists for,
and the server's own data folder keeps the run independent of the suite's database. The jobs
run inline (ZEROCROP_JOBS_IMMEDIATE=1), so a record is applied in the request that completes it.
The demo is migrated and loaded once per module (~25 s); the examples share that server, and
every check compares against what this module created since.

It has caught: a record left `waiting_files` for ever when the server died between its last
file's completion and its apply (fixed: the next receipt or resend applies it); and, planted on
purpose, a server that applies a resent record a second time.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from PIL import Image

from support.sync_server import SyncServer, copy_data_dir, demo_data_dir

pytestmark = pytest.mark.server

CHUNK = 1024  # smaller than the server's max_chunk_bytes, so each photo takes several chunks
MAX_RESTARTS = 1  # whole-server kills per example: each restart costs 2.5 s (more when busy)
MAX_WORKER_KILLS = 3  # worker kills per example: the master re-forks in a few milliseconds
CST = timezone(timedelta(hours=8))
DAY = datetime(2022, 7, 10, 7, 0, tzinfo=CST)  # the demo date


@dataclass
class Photo:
    data: bytes
    sha256: str
    received: int = 0  # what the phone believes the server holds
    complete: bool = False


@dataclass
class Record:
    uuid: str
    kind: str
    body: dict[str, Any]
    photos: list[Photo]
    receipt: dict[str, Any] | None = None  # the last receipt the phone got: acknowledged
    created_answers: int = 0  # 201s seen for this UUID: more than one is a second record

    @property
    def acknowledged(self) -> bool:
        return self.receipt is not None

    @property
    def done(self) -> bool:
        return (
            self.receipt is not None
            and self.receipt.get("status") == "applied"
            and not self.receipt.get("missing_files")
        )


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    record: Record
    photo: Photo | None = None
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    """The module's one server and what the phone learnt from it across examples."""

    server: SyncServer
    token: str
    context: dict[str, Any]
    database: Path
    media: Path
    records: list[Record] = field(default_factory=list)
    crashes: int = 0


def jpeg(rng: random.Random) -> bytes:
    size = rng.randint(24, 48)
    image = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def hexes(database: Path, sql: str, *args: Any) -> list[Any]:
    with sqlite3.connect(database, timeout=30) as db:
        return [row[0] for row in db.execute(sql, args)]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("sync-proof")
    data_dir = copy_data_dir(demo_data_dir(root / "template"), root / "server")
    server = SyncServer(data_dir=data_dir, workers=1, threads=4, jobs_immediate=True, preload=True)
    token = server.device_tokens("grid")[0]
    context = server.field_context("grid")
    database = data_dir / "zerocrop.sqlite3"
    server.start()
    try:
        yield World(
            server=server,
            token=token,
            context=context,
            database=database,
            media=data_dir / "media",
        )
    finally:
        server.stop()


class SyncMachine(RuleBasedStateMachine):
    world: World  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.http = httpx.Client(
            base_url=self.world.server.base_url + "/api/v1/sync",
            headers={"Authorization": f"Bearer {self.world.token}"},
            timeout=60,
        )
        self.queue: list[Call] = []
        self.kills = 0
        self.restarts = 0
        self.before = {  # the domain objects there were when this example began
            table: set(hexes(self.world.database, f"select id from {table}"))  # noqa: S608
            for table in ("findings_finding", "patrols_patrolrecord")
        }
        self.mine: list[Record] = []  # this example's records (the world keeps every one)
        self.log: list[str] = []
        self.nonce = uuid.uuid4().hex

    records = Bundle("records")

    # ---- the phone -------------------------------------------------------------------------

    def make_record(self, kind: str, seed: int, photo_count: int) -> Record:
        # A phone's UUIDs and photos are its own: a seed drawn again in a later example must
        # not resend an earlier example's record (the server would rightly answer 200).
        rng = random.Random(f"{self.nonce}-{seed}")
        ctx = self.world.context
        start = DAY + timedelta(minutes=rng.randint(0, 600))
        photos = [
            Photo(data, hashlib.sha256(data).hexdigest())
            for data in (jpeg(rng) for _ in range(photo_count))
        ]
        if kind == "patrol":
            fixes = [
                {
                    "lon": round(ctx["lon"] + rng.uniform(-4e-4, 4e-4) + i * 2e-5, 7),
                    "lat": round(ctx["lat"] + rng.uniform(-4e-4, 4e-4), 7),
                    "acc": round(rng.uniform(3, 15), 1),
                    "t": (start + timedelta(seconds=i)).isoformat(),
                }
                for i in range(rng.randint(10, 40))
            ]
            payload = {
                "unit_id": ctx["unit_id"],
                "round_id": ctx["round_id"],
                "people": ctx["people"][:1],
                "started_at": fixes[0]["t"],
                "ended_at": fixes[-1]["t"],
                "result": rng.choice(["nothing", "suspected"]),
                "note": f"状态机 {seed}",
                "fixes": fixes,
                "gaps": [],
                "checkpoints": [],
            }
            role = "photo"
        else:
            payload = {
                "unit_id": ctx["unit_id"],
                "lon": round(ctx["lon"] + rng.uniform(-2e-4, 2e-4), 7),
                "lat": round(ctx["lat"] + rng.uniform(-2e-4, 2e-4), 7),
                "acc": 6.0,
                "crs": "wgs84",
                "species": "poppy",
                "species_name": "",
                "stage": rng.choice(["emerged", "budding", "flowering"]),
                "setting": rng.choice(["courtyard", "field_edge", "wild"]),
                "plant_count": rng.randint(1, 200),
                "area_m2": float(rng.randint(1, 80)),
                "found_at": start.isoformat(),
                "found_by": ctx["people"][:1],
                "place": "",
                "note": f"状态机 {seed}",
                "patrol_uuid": None,
                "round_id": None,
            }
            role = "found"
        record_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        body = {
            "uuid": record_uuid,
            "kind": kind,
            "schema": 2,
            "created_at": start.isoformat(),
            "payload": payload,
            "files": [
                {
                    "sha256": p.sha256,
                    "name": f"IMG_{i:04d}.jpg",
                    "role": role,
                    "size": len(p.data),
                    "type": "image/jpeg",
                }
                for i, p in enumerate(photos)
            ],
        }
        return Record(record_uuid, kind, body, photos)

    def calls_for(self, record: Record, count: int = 1) -> list[Call]:
        """The next `count` calls the phone would make for `record`, from what it knows."""
        if not record.acknowledged:
            content = json.dumps(record.body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json"}
            return [Call("POST", "/records", record, content=content, headers=headers)] * count
        photo = next((p for p in record.photos if not p.complete), None)
        if photo is None:
            return [Call("GET", f"/records/{record.uuid}", record)]
        calls = []
        first = photo.received
        total = len(photo.data)
        for _ in range(count):
            if first >= total:
                break
            last = min(first + CHUNK, total) - 1
            calls.append(
                Call(
                    "PUT",
                    f"/files/{photo.sha256}",
                    record,
                    photo,
                    photo.data[first : last + 1],
                    {
                        "Content-Type": "application/octet-stream",
                        "Content-Range": f"bytes {first}-{last}/{total}",
                    },
                )
            )
            first = last + 1
        return calls or [Call("GET", f"/files/{photo.sha256}", record, photo)]

    def send(self, call: Call) -> httpx.Response | None:
        try:
            return self.http.request(
                call.method, call.path, content=call.content or None, headers=call.headers
            )
        except httpx.TransportError:
            return None  # the server is down or the connection broke: nothing learnt

    def learn(self, call: Call, response: httpx.Response | None) -> None:
        """Update the phone's knowledge from an answer, as the app does; fail on a server error."""
        if response is None:
            return
        status = response.status_code
        self.log.append(
            f"{call.method} {call.path} {call.headers.get('Content-Range', '')} {status}"
        )
        if status == 503:  # database busy: the phone retries later
            return
        where = f"{call.method} {call.path}: HTTP {status}, see {self.world.server.log}"
        assert status < 500, where
        body = response.json()
        record, photo = call.record, call.photo
        if call.method in ("POST", "GET") and call.path.startswith("/records"):
            assert status in (200, 201), f"{call.method} {call.path}: {status} {body}"
            if status == 201:
                record.created_answers += 1
            record.receipt = body
            for state in body.get("files", []):
                for p in record.photos:
                    if p.sha256 == state["sha256"]:
                        p.received = state["received"]
                        p.complete = bool(state["complete"])
            for p in record.photos:
                if p.sha256 in body.get("missing_files", []) and p.complete:
                    p.complete = False
            return
        assert photo is not None
        if status == 409 and body.get("code") == "offset_mismatch":
            server = body.get("server") or body
            photo.received = int(server["received"])
            return
        assert status == 200, f"{call.method} {call.path} {call.headers}: {status} {body}"
        assert body["sha256"] == photo.sha256
        photo.received = int(body["received"])
        photo.complete = bool(body["complete"])

    def exchange(self, call: Call) -> None:
        self.learn(call, self.send(call))

    # ---- rules -----------------------------------------------------------------------------

    @rule(
        target=records,
        kind=st.sampled_from(["patrol", "finding"]),
        seed=st.integers(0, 2**62),
        photo_count=st.integers(1, 3),
    )
    def create_record(self, kind: str, seed: int, photo_count: int) -> Record:
        record = self.make_record(kind, seed, photo_count)
        self.world.records.append(record)
        self.mine.append(record)
        self.exchange(self.calls_for(record)[0])
        return record

    @rule(record=records)
    def upload_next(self, record: Record) -> None:
        self.exchange(self.calls_for(record)[0])

    @rule(record=records)
    def drop_answer(self, record: Record) -> None:
        """Sent and processed by the server, but the answer never reaches the phone."""
        self.send(self.calls_for(record)[0])

    @rule(record=records)
    def resend_record(self, record: Record) -> None:
        """The record itself again, whatever its state: a phone that lost its receipts, or the
        export bundle carried by cable after the phone had synced."""
        content = json.dumps(record.body, ensure_ascii=False).encode()
        call = Call(
            "POST",
            "/records",
            record,
            content=content,
            headers={"Content-Type": "application/json"},
        )
        self.exchange(call)

    @rule(record=records)
    def duplicate(self, record: Record) -> None:
        call = self.calls_for(record)[0]
        first, second = self.send(call), self.send(call)
        self.learn(call, first)
        self.learn(call, second)

    @rule(record=records, count=st.integers(1, 4))
    def enqueue(self, record: Record, count: int) -> None:
        """Requests made but held back (a slow radio): they go out later, in any order."""
        self.queue.extend(self.calls_for(record, count))

    @precondition(lambda self: self.queue)
    @rule(order=st.randoms(use_true_random=False), lose=st.booleans())
    def flush_reordered(self, order: random.Random, lose: bool) -> None:
        calls, self.queue = self.queue, []
        order.shuffle(calls)
        for call in calls:
            response = self.send(call)
            if not (lose and order.random() < 0.3):
                self.learn(call, response)

    # Kill budgets count rules chosen, not kills done: a precondition that depended on the
    # server's answers would make hypothesis's replays draw differently (flaky).
    @precondition(lambda self: self.restarts < MAX_RESTARTS)
    @rule(record=st.none() | records, delay_ms=st.integers(0, 30))
    def kill_server(self, record: Record | None, delay_ms: int) -> None:
        """kill -9 the whole server (master and workers), between requests or while one is in
        flight; then start it again on the same data."""
        self.restarts += 1
        self.crash(record, delay_ms, whole_server=True)

    @precondition(lambda self: self.kills < MAX_WORKER_KILLS)
    @rule(record=st.none() | records, delay_ms=st.integers(0, 30))
    def kill_worker(self, record: Record | None, delay_ms: int) -> None:
        """kill -9 the process running the requests; gunicorn forks a new one."""
        self.kills += 1
        self.crash(record, delay_ms, whole_server=False)

    @precondition(lambda self: self.kills < MAX_WORKER_KILLS)
    @rule(record=records, delay_ms=st.integers(0, 120))
    def kill_while_completing(self, record: Record, delay_ms: int) -> None:
        """kill -9 while the last chunk of a record's last file is in flight: the moment the
        file becomes complete and the record is applied, the narrowest window there is."""
        self.kills += 1
        if not record.acknowledged:
            self.exchange(self.calls_for(record)[0])
        missing = [p for p in record.photos if not p.complete]
        if not record.acknowledged or not missing:
            return
        for photo in missing[:-1]:
            for _ in range(100):
                if photo.complete:
                    break
                self.exchange(self.calls_for(record)[0])
        last = missing[-1]
        for _ in range(100):
            if last.complete or len(last.data) - last.received <= CHUNK:
                break
            self.exchange(self.calls_for(record)[0])
        if not last.complete:
            self.crash(record, delay_ms, whole_server=False)

    def crash(self, record: Record | None, delay_ms: int, *, whole_server: bool) -> None:
        server = self.world.server
        kill = server.kill if whole_server else server.kill_worker
        if record is None:
            kill()
        else:
            flight = threading.Thread(target=self.send, args=(self.calls_for(record)[0],))
            flight.start()
            time.sleep(delay_ms / 1000)
            kill()
            flight.join(timeout=60)
        self.log.append("kill -9 server" if whole_server else "kill -9 worker")
        self.world.crashes += 1
        if whole_server:
            server.start()

    # ---- what must always hold -------------------------------------------------------------

    @invariant()
    def acknowledged_records_exist_once(self) -> None:
        db = self.world.database
        for record in self.mine:
            assert record.created_answers <= 1, f"{record.uuid} was created twice"
            if record.acknowledged:
                count = hexes(
                    db,
                    "select count(*) from field_syncrecord where client_uuid = ?",
                    uuid.UUID(record.uuid).hex,
                )[0]
                assert count == 1, f"acknowledged {record.uuid} is stored {count} times"

    @invariant()
    def acknowledged_files_are_complete(self) -> None:
        db = self.world.database
        for record in self.mine:
            for photo in record.photos:
                if photo.complete:
                    rows = hexes(
                        db,
                        "select status || ':' || size from field_syncfile where sha256 = ?",
                        photo.sha256,
                    )
                    assert rows == [f"complete:{len(photo.data)}"], (photo.sha256, rows)

    @invariant()
    def one_domain_object_per_record(self) -> None:
        """What this example created is exactly one Finding or PatrolRecord per applied record
        (each example compares with its own start, so one failure does not leak into the next)."""
        world = self.world
        mine = [uuid.UUID(r.uuid).hex for r in self.mine]
        marks = ",".join("?" * len(mine))
        for table, kind in (("findings_finding", "finding"), ("patrols_patrolrecord", "patrol")):
            created = set(hexes(world.database, f"select id from {table}")) - self.before[table]  # noqa: S608
            sql = f"select object_id from field_syncrecord where kind = ? and status = 'applied' and client_uuid in ({marks})"  # noqa: E501, S608
            applied = hexes(world.database, sql, kind, *mine)
            assert len(applied) == len(set(applied)), f"two records became one {kind}"
            assert set(applied) == created, f"{kind}: {len(created)} made, {len(applied)} applied"

    def teardown(self) -> None:
        try:
            if self.world.server.running is False:
                self.world.server.start()
            self.drain()
            self.check_all_applied()
        finally:
            self.http.close()

    def drain(self) -> None:
        """Resend everything not acknowledged until the server has applied every record."""
        for record in self.mine:
            polls = 0
            for _ in range(300):
                if record.done or polls == 5:
                    break
                call = self.calls_for(record)[0]
                if call.method == "GET":  # every byte is acknowledged: only the receipt waits
                    polls += 1
                    time.sleep(0.05 * polls)
                self.exchange(call)
            assert record.done, f"{record.uuid} not applied after draining: {record.receipt}"

    def check_all_applied(self) -> None:
        world = self.world
        for record in self.mine:
            answer = self.http.get(f"/records/{record.uuid}")
            assert answer.status_code == 200, answer.text
            receipt = answer.json()
            assert receipt["status"] == "applied", receipt
            assert receipt["missing_files"] == []
            assert receipt["object"] and receipt["object"]["id"], receipt
            for photo in record.photos:
                rows = hexes(
                    world.database,
                    "select storage_name from core_evidencefile where sha256 = ?",
                    photo.sha256,
                )
                assert len(rows) == 1, f"photo {photo.sha256}: {len(rows)} evidence files"
                stored = (world.media / rows[0]).read_bytes()
                assert hashlib.sha256(stored).hexdigest() == photo.sha256
        self.one_domain_object_per_record()
        self.acknowledged_records_exist_once()


def test_sync_survives_drops_duplicates_reordering_and_kill_9(world: World) -> None:
    SyncMachine.world = world
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # A failing run is reported as generated: shrinking would replay hundreds of
            # examples, each restarting the server.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
    assert world.server.starts >= 2, "no example killed the server"
    assert world.crashes >= 5, "too few kills to mean anything"
    assert all(record.done for record in world.records)
