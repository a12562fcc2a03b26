"""The parser sandbox: results and errors come back, hangs and memory hogs are stopped."""

from __future__ import annotations

import re
import statistics
import threading
import time
from pathlib import Path

import pytest

from support import sandbox_targets as targets
from zerocrop.core import sandbox
from zerocrop.core.sandbox import (
    ParseTimeout,
    ParseTooComplex,
    ServerBusy,
    run_bounded,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_result_and_exceptions_come_back_unchanged() -> None:
    assert run_bounded(sorted, [3, 1, 2]) == [1, 2, 3]
    assert run_bounded(int, "ff", base=16) == 255
    with pytest.raises(ValueError, match="invalid literal"):
        run_bounded(int, "not a number")


def test_a_hang_is_killed_at_the_wall_clock_limit() -> None:
    start = time.perf_counter()
    with pytest.raises(ParseTimeout) as info:
        run_bounded(targets.spin_forever, timeout_s=1.0)
    assert time.perf_counter() - start < 3.0
    assert "文件解析超时" in str(info.value) and CHINESE.search(str(info.value))


def test_memory_is_capped_in_the_child() -> None:
    assert run_bounded(targets.allocate, 50, memory_mb=256) == 50 * 1024 * 1024
    with pytest.raises(ParseTooComplex, match="文件过于复杂"):
        run_bounded(targets.allocate, 600, memory_mb=256)


def test_a_crash_or_an_unpicklable_result_is_a_chinese_error() -> None:
    with pytest.raises(ParseTooComplex, match="文件过于复杂或已损坏"):
        run_bounded(targets.die_hard)
    with pytest.raises(ParseTooComplex, match="文件过于复杂或已损坏"):
        run_bounded(targets.unpicklable_result)


def test_temporary_files_of_the_child_are_removed(tmp_path: Path) -> None:
    made = run_bounded(targets.temp_folder)
    assert "zerocrop-parse-" in made and not Path(made).exists()
    report = tmp_path / "name.txt"
    with pytest.raises(ParseTimeout):
        run_bounded(targets.write_temp_then_sleep, str(report), timeout_s=1.5)
    left = Path(report.read_text())
    assert "zerocrop-parse-" in str(left) and not left.exists() and not left.parent.exists()


def test_calls_past_the_concurrency_cap_are_refused_at_once() -> None:
    results: list[str] = []
    holders = [
        threading.Thread(target=lambda: results.append(run_bounded(targets.hold, 1.5)))
        for _ in range(sandbox.MAX_CONCURRENT)
    ]
    run_bounded(targets.hold, 0)  # start the forkserver first: holders must really hold
    for thread in holders:
        thread.start()
    time.sleep(0.5)
    start = time.perf_counter()
    with pytest.raises(ServerBusy, match="服务器正忙，请稍后重试"):
        run_bounded(targets.hold, 0)
    assert time.perf_counter() - start < 0.1
    for thread in holders:
        thread.join()
    assert results == ["done"] * sandbox.MAX_CONCURRENT
    assert run_bounded(targets.hold, 0) == "done"  # slots are given back


def test_overhead_per_call_is_small() -> None:
    run_bounded(targets.hold, 0)  # the forkserver starts once per process
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        run_bounded(targets.hold, 0)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(
        f"sandbox overhead per call: median {median * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms"
    )
    assert median < 0.25
