"""Run the parser of an untrusted file in a child process bounded in time and memory.

Pure module (no Django). `run_bounded(fn, *args, timeout_s=..., memory_mb=...)` calls
`fn(*args, **kwargs)` in a fresh child process and returns its (picklable) result, or re-raises
the exception it raised (the readers' own Chinese errors pass through unchanged). The child is
killed when it runs past the wall-clock limit (`ParseTimeout`), and its address space is capped
with `RLIMIT_AS` so that a file which inflates in memory fails there (`ParseTooComplex`) instead
of growing the server worker. A CPU-time limit is a second line in case the parent dies.

At most `MAX_CONCURRENT` parses run at once per server process; a further call fails at once
with `ServerBusy` rather than queueing, so request threads stay free for everyone else.

Why 'forkserver' and not 'fork' or 'spawn': a gunicorn worker has several threads (and GDAL,
SQLite and logging hold locks); forking it copies whatever locks other threads hold at that
instant, which can deadlock the child. 'spawn' is safe but re-imports numpy/shapely/pyogrio
per call (≈1 s). The forkserver is a clean single-threaded interpreter, started once per worker
process on first use, with the reader modules preloaded; each call forks from it (a few tens
of milliseconds, see tests/core/test_sandbox.py).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import shutil
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_MB = 1024
MAX_CONCURRENT = max(1, int(os.environ.get("ZEROCROP_MAX_PARSES", "2")))

# Imported once in the forkserver so that each child starts with them already loaded.
# "__main__" (gunicorn's, pytest's or zerocrop's script, all guarded) is imported there once
# too, otherwise every child would re-import it by path before running. Reader modules add
# themselves with `register_preload` when they are imported, which is before their first parse.
PRELOAD = ["__main__"]


def register_preload(*modules: str) -> None:
    """Have the forkserver import these modules (no effect once it has started)."""
    PRELOAD.extend(name for name in modules if name not in PRELOAD)


class SandboxError(Exception):
    """A parse that was stopped; `str(error)` is a Chinese sentence for the user."""

    code = "sandbox"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ParseTimeout(SandboxError):
    code = "parse_timeout"


class ParseTooComplex(SandboxError):
    code = "parse_too_complex"


class ServerBusy(SandboxError):
    code = "server_busy"


_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
_context_lock = threading.Lock()
_context: Any = None


def _get_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _limit_self(memory_mb: int, timeout_s: float) -> None:
    # The cap is on top of what the preloaded interpreter already maps (libraries, numpy).
    limit = _address_space_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = math.ceil(timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _child(
    sender: Connection,
    workdir: str,
    memory_mb: int,
    timeout_s: float,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    # Temporary files of the parser (GDAL copies, shapefile parts) go to a folder the parent
    # removes afterwards, even when this process is killed.
    os.environ["TMPDIR"] = workdir
    tempfile.tempdir = workdir
    try:
        _limit_self(memory_mb, timeout_s)
        result: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        result = ("error", exc)
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", None))
    except Exception:  # noqa: BLE001 - an unpicklable exception or result
        sender.send(("crash", None))
    finally:
        sender.close()


def _timeout_error(timeout_s: float) -> ParseTimeout:
    return ParseTimeout(
        f"文件解析超时（超过 {timeout_s:g} 秒），文件可能过于复杂或已损坏，请简化或分批导出后重试。"
    )


def _memory_error(memory_mb: int) -> ParseTooComplex:
    return ParseTooComplex(
        f"文件过于复杂，解析所需内存超过上限（{memory_mb} MB），请简化或分批导出后重试。"
    )


def _crash_error() -> ParseTooComplex:
    return ParseTooComplex("文件过于复杂或已损坏，解析被中止，请检查文件后重试。")


def _run(
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    timeout_s: float,
    memory_mb: int,
) -> T:
    context = _get_context()
    workdir = tempfile.mkdtemp(prefix="zerocrop-parse-")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, workdir, memory_mb, timeout_s, fn, args, kwargs),
        daemon=True,
    )
    try:
        process.start()
    except BaseException:
        receiver.close()
        sender.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise _timeout_error(timeout_s)
        try:
            kind, payload = receiver.recv()
        except EOFError:  # killed (RLIMIT_CPU, kernel OOM) or crashed inside C code
            raise _crash_error() from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
        process.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "error":
        raise payload
    if kind == "memory":
        raise _memory_error(memory_mb)
    raise _crash_error()


def run_bounded(
    fn: Callable[..., T],
    *args: Any,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    **kwargs: Any,
) -> T:
    """`fn(*args, **kwargs)` in a child process; raise `SandboxError` if stopped.

    `fn` must be a module-level function (it is pickled by reference) and its arguments and
    result picklable. Exceptions raised by `fn` are re-raised here as they were.
    """
    if not _slots.acquire(blocking=False):
        raise ServerBusy("服务器正忙，请稍后重试（同时解析的文件太多）。")
    try:
        return _run(fn, args, kwargs, timeout_s, memory_mb)
    finally:
        _slots.release()
