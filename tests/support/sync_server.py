"""A real sync server that can be killed with SIGKILL and started again on the same data.

    template = demo_data_dir(Path("/tmp/x/template"))   # migrate + load-demo, once
    server = SyncServer(data_dir=copy_data_dir(template, Path("/tmp/x/run")))
    server.start()
    token = server.device_token("grid")
    server.kill()          # kill -9 the whole process group: no shutdown, no flush
    server.start()         # the same folder, the same port

Used by tests/field/test_sync_state_machine.py (SQLite, one worker) and bench/sync_load.py
(SQLite or PostgreSQL, several workers, a job consumer beside gunicorn). The server runs the
production settings (zerocrop.config.settings) with ZEROCROP_DEMO=1 and its own data folder;
the test process's DJANGO_SETTINGS_MODULE and DATABASE_URL never reach it unless passed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import zerocrop

BIN = Path(sys.executable).parent
SRC = Path(zerocrop.__file__).resolve().parent.parent
# Variables of the calling process that must not reach the server.
_DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "ZEROCROP_SECRET_KEY",
    "ZEROCROP_AUDIT_KEY",
    "ZEROCROP_JOBS_IMMEDIATE",
    "ZEROCROP_DEBUG",
    "ZEROCROP_TODAY",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(
    data_dir: Path, *, database_url: str = "", jobs_immediate: bool = False
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(
        ZEROCROP_DEMO="1",
        ZEROCROP_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="zerocrop.config.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if jobs_immediate:
        env["ZEROCROP_JOBS_IMMEDIATE"] = "1"
    return env


def run_cli(env: dict[str, str], *args: str, timeout_s: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "zerocrop.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if done.returncode != 0:
        raise RuntimeError(f"zerocrop {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def run_django(env: dict[str, str], code: str, timeout_s: float = 300) -> Any:
    """Run `code` in a fresh interpreter with the server's settings; it prints one JSON value."""
    prelude = "import django, json\ndjango.setup()\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if done.returncode != 0:
        raise RuntimeError(f"snippet failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def demo_data_dir(target: Path, *, database_url: str = "") -> Path:
    """Migrate `target` and load the demo into it (about 25 s); returns `target`."""
    target.mkdir(parents=True, exist_ok=True)
    env = server_environment(target, database_url=database_url)
    run_cli(env, "migrate", "--noinput", "--verbosity", "0")
    run_cli(env, "load-demo")
    return target


def copy_data_dir(template: Path, target: Path) -> Path:
    """A copy of a migrated data folder (SQLite database, keys, audit checkpoints, media)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target)
    return target


# The demo grid worker's unit, the persons who can walk with them, a point inside the village
# and the round covering it: what a phone learns from /sync/me and /sync/tasks.
FIELD_CONTEXT = """
from shapely.geometry import shape
from zerocrop.geo.models import UnitBoundary
from zerocrop.org.models import Person, User
from zerocrop.patrols.models import SurveyRound
user = User.objects.select_related("unit", "person").get(username=USERNAME)
unit = user.unit
people = [str(p.pk) for p in Person.objects.filter(unit=unit).order_by("name")]
if user.person_id:
    people.remove(str(user.person_id)); people.insert(0, str(user.person_id))
inside = shape(UnitBoundary.objects.get(unit=unit).geometry).representative_point()
survey_round = SurveyRound.objects.filter(units=unit).order_by("starts_on").first()
print(json.dumps({"unit_id": str(unit.pk), "people": people, "lon": inside.x, "lat": inside.y,
                  "round_id": str(survey_round.pk) if survey_round else None}))
"""

DEVICE_TOKEN = """
from zerocrop.field.services_devices import device_pair, pairing_code_create
from zerocrop.org.models import User
tokens = []
for name in NAMES:
    _, code = pairing_code_create(user=User.objects.get(username=USERNAME))
    tokens.append(device_pair(code=code, name=name, user_agent="sync-proof")[1])
print(json.dumps(tokens))
"""

PAIRING_CODES = """
from zerocrop.field.services_devices import pairing_code_create
from zerocrop.org.models import User
user = User.objects.get(username=USERNAME)
print(json.dumps([pairing_code_create(user=user)[1] for _ in range(COUNT)]))
"""


class SyncServer:
    """gunicorn on 127.0.0.1 serving one data folder; `kill()` is SIGKILL, `start()` again."""

    def __init__(
        self,
        *,
        data_dir: Path,
        port: int | None = None,
        workers: int = 1,
        threads: int = 4,
        database_url: str = "",
        jobs_immediate: bool = True,
        job_consumer: bool = False,
        preload: bool = False,
        access_log: bool = False,
        log_name: str = "server.log",
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads
        self.job_consumer = job_consumer
        self.preload = preload  # the master imports the app once: a killed worker is re-forked fast
        self.env = server_environment(
            data_dir, database_url=database_url, jobs_immediate=jobs_immediate
        )
        self.log = data_dir / log_name
        # "METHOD path status microseconds" per request: the server's own time for each call
        self.access_log = data_dir / "access.log" if access_log else None
        self._processes: list[subprocess.Popen[bytes]] = []
        self.starts = 0

    def start(self, timeout_s: float = 60.0) -> None:
        assert not self._processes, "already running"
        command = [
            str(BIN / "gunicorn"),
            "zerocrop.config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "120",
            *(["--preload"] if self.preload else []),
        ]
        if self.access_log is not None:
            command += [
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
            ]
        with self.log.open("ab") as handle:
            self._processes.append(
                subprocess.Popen(
                    command,
                    env=self.env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            if self.job_consumer:
                self._processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "zerocrop.cli", "run_huey", "--quiet"],
                        env=self.env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        self.starts += 1
        self._wait_until_up(timeout_s)

    def _wait_until_up(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._processes[0].poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self._processes[0].returncode}")
            try:
                url = self.base_url + "/api/v1/sync/ping"
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout_s:.0f} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL every process of the server at once: no graceful shutdown, no flush."""
        for process in self._processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self._processes:
            process.wait(timeout=10)
        self._processes = []

    def kill_worker(self, timeout_s: float = 60.0) -> None:
        """SIGKILL gunicorn's workers (the processes that run requests); the master forks new
        ones and this returns once one answers. Cheaper than `kill()` with `preload`."""
        master = self._processes[0].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:  # until the master has noticed and forked again
            fresh = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            if fresh and not set(fresh) & set(children):
                break
            time.sleep(0.02)
        self._wait_until_up(timeout_s)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL whatever lingers."""
        for process in self._processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self._processes = []

    @property
    def running(self) -> bool:
        return bool(self._processes)

    def device_tokens(self, username: str, count: int = 1) -> list[str]:
        """Pair `count` phones for `username` through the service the pairing API calls."""
        names = [f"验证手机{i + 1}" for i in range(count)]
        code = f"USERNAME = {username!r}\nNAMES = {names!r}\n" + DEVICE_TOKEN
        return list(run_django(self.env, code))

    def pairing_codes(self, username: str, count: int) -> list[str]:
        """What `count` QR codes shown to `username` would carry (valid 10 minutes)."""
        code = f"USERNAME = {username!r}\nCOUNT = {count}\n" + PAIRING_CODES
        return list(run_django(self.env, code))

    def field_context(self, username: str) -> dict[str, Any]:
        return dict(run_django(self.env, f"USERNAME = {username!r}\n" + FIELD_CONTEXT))

    def query(self, code: str) -> Any:
        """Run ORM code against the server's database; it must print one JSON value."""
        return run_django(self.env, code)
