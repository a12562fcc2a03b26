"""Functions run in the sandbox's child process by tests (a child imports them by name)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def spin_forever() -> None:
    while True:
        pass


def write_temp_then_sleep(report: str) -> None:
    """Leave a temporary file (in the sandbox's folder) and hang: the folder must still go."""
    handle, name = tempfile.mkstemp()
    os.close(handle)
    Path(report).write_text(name)
    time.sleep(60)


def temp_folder() -> str:
    return tempfile.mkdtemp()


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def die_hard() -> None:
    os.abort()


class Unpicklable:
    def __reduce__(self) -> str:
        raise TypeError("cannot pickle")


def unpicklable_result() -> Unpicklable:
    return Unpicklable()


def hold(seconds: float) -> str:
    time.sleep(seconds)
    return "done"
