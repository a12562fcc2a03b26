"""The `zerocrop` console command, run as an operator would: a subprocess with its own env."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZEROCROP = shutil.which("zerocrop") or str(ROOT / ".venv/bin/zerocrop")


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ZEROCROP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean["PYTHONPATH"] = str(ROOT / "src")  # this checkout's code, whatever the venv points at
    clean.update(env)
    return subprocess.run([ZEROCROP, *args], env=clean, capture_output=True, text=True, timeout=120)


KEYS = {"ZEROCROP_SECRET_KEY": "s" * 60, "ZEROCROP_AUDIT_KEY": "a" * 60}


def test_a_data_folder_that_does_not_exist_yet_is_created(tmp_path) -> None:
    folder = tmp_path / "not" / "yet"
    result = run("showmigrations", "core", ZEROCROP_DATA_DIR=str(folder), **KEYS)
    assert result.returncode == 0, result.stderr
    assert "unable to open database file" not in result.stderr
    assert "[ ]" in result.stdout  # it read the (new, empty) site database
    assert (folder / "zerocrop.sqlite3").exists() and (folder / "jobs.sqlite3").exists()


def test_a_data_folder_that_cannot_be_created_is_one_chinese_line(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("check", ZEROCROP_DATA_DIR=str(blocker / "data"), **KEYS)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"zerocrop：无法创建数据文件夹 {blocker / 'data'}（路径不可用）；请检查 ZEROCROP_DATA_DIR。"
    ]


def test_a_missing_key_is_one_chinese_line_not_a_traceback(tmp_path) -> None:
    result = run("check", ZEROCROP_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "未设置 ZEROCROP_SECRET_KEY" in result.stderr


def test_the_settings_option_is_still_honoured() -> None:
    result = run("check", "--settings", "zerocrop.config.settings_test")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
