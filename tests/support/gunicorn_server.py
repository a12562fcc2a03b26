"""A real ZeroCrop server for integration tests, started the way `make run` starts it.

    with gunicorn_server() as server:
        client = server.client()
        client.login("admin")
        client.get("/healthz")

A temporary data folder (SQLite database, uploads) is migrated and loaded with the demo
(`zerocrop migrate`, `zerocrop load-demo`, ZEROCROP_DEMO=1), then gunicorn serves it on
127.0.0.1 on a free port with the production settings (`--workers 2 --threads 4`). On exit the
server is stopped (SIGTERM, then SIGKILL) and the folder removed. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import zerocrop

BIN = Path(sys.executable).parent
SRC = Path(zerocrop.__file__).resolve().parent.parent
DEMO_PASSWORD = "zerocrop-demo"
# Variables of the test process that must not reach the server (it runs production settings).
_DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "ZEROCROP_SECRET_KEY",
    "ZEROCROP_JOBS_IMMEDIATE",
    "ZEROCROP_DEBUG",
)


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    seconds: float


class Client:
    """A tiny browser: cookies, CSRF token, login form, multipart upload (stdlib only)."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _send(self, request: urllib.request.Request, timeout_s: float | None) -> Response:
        start = time.perf_counter()
        try:
            with self._opener.open(request, timeout=timeout_s or self.timeout_s) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        return Response(status, raw.decode("utf-8", "replace"), time.perf_counter() - start)

    def get(self, path: str, *, timeout_s: float | None = None) -> Response:
        request = urllib.request.Request(self.base_url + path)  # noqa: S310 - http://127.0.0.1
        return self._send(request, timeout_s)

    def csrf_token(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes]] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> Response:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        headers = {"Referer": self.base_url + path}
        if files:
            boundary = uuid.uuid4().hex
            parts: list[bytes] = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, data) in files.items():
                head = (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                )
                parts.append(head.encode() + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
            self.base_url + path, data=body, headers=headers
        )
        return self._send(request, timeout_s)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.get("/login/")  # sets the CSRF cookie
        answer = self.post("/login/", {"username": username, "password": password})
        if not any(c.name == "sessionid" for c in self.cookies):
            raise AssertionError(f"login as {username} failed: HTTP {answer.status}")


@dataclass(frozen=True)
class Server:
    base_url: str
    data_dir: Path
    log: Path

    def client(self) -> Client:
        return Client(self.base_url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(
        ZEROCROP_DEMO="1",
        ZEROCROP_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    )
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout_s:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's own process group (master, workers, parsers), SIGKILL if it lingers.

    The group matters: a worker stuck in a hung request would outlive a killed master.
    """
    group = process.pid  # started with start_new_session: its own process group
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            with contextlib.suppress(ProcessLookupError):  # the master is gone: no worker left
                os.killpg(group, signal.SIGKILL)
        break


@contextmanager
def gunicorn_server(
    *, workers: int = 2, threads: int = 4, start_timeout_s: float = 60.0
) -> Iterator[Server]:
    """Serve a fresh demo database with gunicorn on 127.0.0.1; stop and clean up on exit."""
    data_dir = Path(tempfile.mkdtemp(prefix="zerocrop-server-"))
    env = _environment(data_dir)
    log = data_dir / "gunicorn.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        for command in (["migrate", "--noinput", "--verbosity", "0"], ["load-demo"]):
            subprocess.run(
                [str(BIN / "zerocrop"), *command],
                env=env,
                check=True,
                capture_output=True,
                timeout=start_timeout_s,
            )
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "zerocrop.config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                ],
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_until_up(base_url, process, start_timeout_s)
        yield Server(base_url=base_url, data_dir=data_dir, log=log)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(data_dir, ignore_errors=True)
