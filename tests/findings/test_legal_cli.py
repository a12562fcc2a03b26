"""`zerocrop legal-route` run as an operator would: a subprocess, no database, no settings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ZEROCROP = shutil.which("zerocrop") or str(ROOT / ".venv/bin/zerocrop")


def run(*args: str) -> subprocess.CompletedProcess:
    # No ZEROCROP_* keys, no data folder, no settings module: the command must not need them.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ZEROCROP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [ZEROCROP, "legal-route", *args], env=env, capture_output=True, text=True, timeout=120
    )


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_criminal_filing_in_json() -> None:
    data = run_json("--species", "poppy", "--plants", "500", "--date", "2026-05-20")
    assert data["route"] == "criminal" and data["tier"] == "criminal"
    assert [a["key"] for a in data["articles"]] == ["lian-zhuisu-3-art7", "xingfa-351"]
    assert all(a["verified"] for a in data["articles"])
    assert data["reasons"] and "500" in data["reasons"][0]
    assert "仅供公安机关参考" in data["disclaimer"]


def test_the_date_picks_the_statute_version() -> None:
    old = run_json("--species", "poppy", "--plants", "499", "--date", "2025-12-31")
    new = run_json("--species", "poppy", "--plants", "499", "--date", "2026-01-01")
    assert old["route"] == new["route"] == "administrative"
    assert old["articles"][0]["key"] == "zhian-2012-art71" and old["unverified"] is False
    assert new["articles"][0]["key"] == "zhian-2025" and new["unverified"] is True
    assert new["articles"][0]["verified"] is False
    assert any("未核实" in r for r in new["reasons"])


def test_flags_and_unsprouted_area() -> None:
    data = run_json(
        "--species",
        "cannabis",
        "--plants",
        "0",
        "--area-m2",
        "2000",
        "--unsprouted",
        "--date",
        "2026-06-01",
    )
    assert (data["route"], data["tier"]) == ("criminal", "criminal")
    data = run_json(
        "--species", "cannabis", "--plants", "2", "--prior-handling", "--date", "2026-06-01"
    )
    assert data["route"] == "criminal"
    data = run_json("--species", "poppy", "--plants", "2", "--resisted", "--date", "2026-06-01")
    assert data["route"] == "criminal"
    data = run_json(
        "--species",
        "poppy",
        "--plants",
        "3000",
        "--self-removed-before-maturity",
        "--date",
        "2026-06-01",
    )
    assert (data["route"], data["tier"]) == ("none", "exempt_criminal")


def test_without_json_a_chinese_summary() -> None:
    result = run("--species", "poppy", "--plants", "3000", "--date", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "建议处理途径：刑事立案追诉" in result.stdout
    assert "第三百五十一条" in result.stdout and "提示：" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--species", "rose", "--plants", "1"), "物种"),
        (("--plants", "1"), "--species"),
        (("--species", "poppy"), "--plants"),
        (("--species", "poppy", "--plants", "many"), "不是整数"),
        (("--species", "poppy", "--plants", "1", "--area-m2", "big"), "不是数字"),
        (("--species", "poppy", "--plants", "1", "--date", "2026-13-01"), "YYYY-MM-DD"),
        (("--species", "poppy", "--plants", "0", "--unsprouted"), "面积"),
        (("--species", "poppy", "--plants", "1", "--date", "2000-01-01"), "没有 2000-01-01 施行"),
        (("--species", "poppy", "--plants", "1", "--bogus"), "不认识的参数"),
        (("--species", "poppy", "--plants"), "参数有误"),
    ],
)
def test_bad_arguments_are_one_chinese_message_and_exit_2(args, words) -> None:
    result = run(*args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert words in result.stderr and "错误：" in result.stderr
    assert "Traceback" not in result.stderr
