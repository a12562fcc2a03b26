"""`zerocrop sample-design` / `sample-estimate` run as an operator would: no database, no Django."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box

from zerocrop.cli import main
from zerocrop.monitoring.sampling import grid_frame

ROOT = Path(__file__).resolve().parents[2]
ZEROCROP = shutil.which("zerocrop") or str(ROOT / ".venv/bin/zerocrop")


def _env() -> dict[str, str]:
    # No ZEROCROP_* keys, no data folder, no settings module: the commands must not need them.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ZEROCROP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def run_console(*args: str) -> subprocess.CompletedProcess:
    """The installed console script in a child process, as an operator runs it."""
    return subprocess.run(
        [ZEROCROP, *args], env=_env(), capture_output=True, text=True, timeout=120
    )


def run(*args: str) -> subprocess.CompletedProcess:
    """The same entry point in this process (fast); exit code, stdout and stderr as text."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own refusals
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def frame_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = grid_frame(
        polygons=[
            (box(108.0, 34.0, 108.012, 34.008), "高风险"),
            (box(108.012, 34.0, 108.04, 34.008), "一般"),
        ],
        cell_size_m=200,
    )
    features = [
        {
            "type": "Feature",
            "id": cell.id,
            "properties": {"风险等级": cell.stratum, "编号": f"W-{cell.id}"},
            "geometry": cell.geometry,
        }
        for cell in frame.cells
    ]
    path = tmp_path_factory.mktemp("frame") / "网格.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def _design(
    frame_file: Path, tmp_path: Path, *extra: str, runner: Callable[..., Any] = run
) -> tuple[dict, Path]:
    result = runner(
        "sample-design",
        "--frame",
        str(frame_file),
        "--strata",
        "风险等级",
        "--n",
        "20",
        "--seed",
        "2026",
        *extra,
        "--json",
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "design.json"
    path.write_text(result.stdout, encoding="utf-8")
    return json.loads(result.stdout), path


def _write_results(path: Path, rows: list[tuple], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "area_m2", "plants", "备注"])
        writer.writerows(rows)
    return path


def test_design_then_estimate_end_to_end(frame_file: Path, tmp_path: Path) -> None:
    priors = ("--prior-sd", "高风险=80", "--prior-sd", "一般=10")
    design, design_path = _design(frame_file, tmp_path, *priors, runner=run_console)
    assert design["seed"] == 2026 and design["n"] == 20
    assert sum(design["allocation"].values()) == 20 and set(design["allocation"]) == {
        "高风险",
        "一般",
    }
    assert design["allocation"]["高风险"] > design["allocation"]["一般"]  # larger N_h S_h
    assert len(design["cells"]) == 20 and set(design["cells"][0]) == {"id", "stratum"}
    again, _ = _design(frame_file, tmp_path, *priors)
    assert again == design  # the same frame, n and seed draw the same cells

    rows = [
        (c["id"], 120 if i % 3 == 0 else 0, 900 if i % 3 == 0 else 0, "")
        for i, c in enumerate(design["cells"])
    ]
    results = _write_results(tmp_path / "结果.csv", rows)
    result = run_console(
        "sample-estimate", "--design", str(design_path), "--results", str(results), "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n"] == 20 and data["upper_bound_if_zero"] is None
    lo, hi = data["area_m2"]["ci95"]
    assert 7 * 120 <= lo <= data["area_m2"]["estimate"] <= hi  # 7 planted cells of 120 m²
    assert data["plants"]["method"] in {"t", "bootstrap", "bootstrap-t"}
    assert data["summary"].startswith("由抽样推算")

    readable = run("sample-estimate", "--design", str(design_path), "--results", str(results))
    assert (
        readable.returncode == 0
        and "由抽样推算" in readable.stdout
        and "层\t网格数" in readable.stdout
    )


def test_ids_from_a_field_and_proportional_allocation(frame_file: Path, tmp_path: Path) -> None:
    design, _ = _design(frame_file, tmp_path, "--id-field", "编号")
    assert all(c["id"].startswith("W-C") for c in design["cells"])
    sizes = design["strata_sizes"]
    share = design["allocation"]["一般"] / 20
    assert share == pytest.approx(sizes["一般"] / sum(sizes.values()), abs=0.05)


def test_nothing_found_prints_the_zero_bound(frame_file: Path, tmp_path: Path) -> None:
    design, design_path = _design(frame_file, tmp_path)
    rows = [(c["id"], 0, 0, "踏查无") for c in design["cells"]]
    results = _write_results(tmp_path / "zero.csv", rows, encoding="gbk")  # an Excel export
    result = run(
        "sample-estimate", "--design", str(design_path), "--results", str(results), "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["upper_bound_if_zero"] == pytest.approx(1 - 0.05 ** (1 / 20), abs=1e-6)
    assert "抽查的 20 个网格均未发现种植" in data["summary"] and "13.9%" in data["summary"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sample-design", "--frame", "/nope.geojson", "--strata", "x", "--n", "5"],
            "抽样框文件“/nope.geojson”不存在",
        ),
        (["sample-design", "--frame", "{frame}", "--n", "5"], "请用 --strata 指定分层字段名"),
        (
            ["sample-design", "--frame", "{frame}", "--strata", "风险", "--n", "5"],
            "没有分层字段“风险”",
        ),
        (
            ["sample-design", "--frame", "{frame}", "--strata", "风险等级", "--n", "五"],
            "--n“五”不是整数",
        ),
        (
            ["sample-design", "--frame", "{frame}", "--strata", "风险等级", "--n", "3"],
            "至少需要 4 个",
        ),
        (
            [
                "sample-design",
                "--frame",
                "{frame}",
                "--strata",
                "风险等级",
                "--n",
                "9",
                "--prior-sd",
                "高风险=3",
            ],
            "层一般没有给出 --prior-sd",
        ),
        (
            [
                "sample-design",
                "--frame",
                "{frame}",
                "--strata",
                "风险等级",
                "--n",
                "9",
                "--prior-sd",
                "林区=3",
            ],
            "--prior-sd 的层“林区”不在抽样框中",
        ),
        (["sample-design", "--frame", "{frame}", "--bogus"], "不认识的参数"),
        (["sample-estimate", "--design", "{frame}", "--results", "{frame}"], "抽样设计文件有误"),
    ],
)
def test_bad_input_is_one_chinese_message_and_exit_2(
    frame_file: Path, args: list[str], message: str
) -> None:
    result = run(*(a.replace("{frame}", str(frame_file)) for a in args))  # in-process: fast
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_refusal_from_the_console_script_is_one_line() -> None:
    result = run_console("sample-estimate", "--design", "/nope.json", "--results", "/nope.csv")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["错误：设计文件“/nope.json”不存在或不是文件。"]


def test_bad_results_files(frame_file: Path, tmp_path: Path) -> None:
    design, design_path = _design(frame_file, tmp_path)
    ids = [c["id"] for c in design["cells"]]

    def estimate_with(text: str) -> subprocess.CompletedProcess:
        path = tmp_path / "r.csv"
        path.write_text(text, encoding="utf-8")
        return run("sample-estimate", "--design", str(design_path), "--results", str(path))

    body = "".join(f"{i},0,0\n" for i in ids)
    missing_column = estimate_with("id,area\n" + "".join(f"{i},0\n" for i in ids))
    assert missing_column.returncode == 2 and "缺少列 area_m2、plants" in missing_column.stderr
    unknown = estimate_with("id,area_m2,plants\n" + body + "C999999,0,0\n")
    assert unknown.returncode == 2 and "网格“C999999”不在本次抽样设计" in unknown.stderr
    short = estimate_with("id,area_m2,plants\n" + "".join(f"{i},0,0\n" for i in ids[1:]))
    assert short.returncode == 2 and f"“{ids[0]}”共 1 个还没有结果" in short.stderr
    empty = estimate_with("id,area_m2,plants\n" + f"{ids[0]},,0\n")
    assert empty.returncode == 2 and "area_m2 为空；没有种植请填 0" in empty.stderr
    negative = estimate_with(
        "id,area_m2,plants\n" + body.replace(f"{ids[0]},0,0", f"{ids[0]},-3,0")
    )
    assert negative.returncode == 2 and f"网格“{ids[0]}”的种植面积是负数" in negative.stderr
    missing_file = run("sample-estimate", "--design", str(design_path), "--results", "/nope.csv")
    assert missing_file.returncode == 2 and "结果文件“/nope.csv”不存在" in missing_file.stderr


def test_the_commands_never_load_django(frame_file: Path, tmp_path: Path) -> None:
    design, design_path = _design(frame_file, tmp_path)
    results = _write_results(tmp_path / "r.csv", [(c["id"], 0, 0, "") for c in design["cells"]])
    code = (
        "import sys\n"
        "from zerocrop.cli import main\n"
        f"assert main(['sample-design', '--frame', {str(frame_file)!r}, '--strata', '风险等级',"
        " '--n', '8', '--seed', '1', '--json']) == 0\n"
        f"assert main(['sample-estimate', '--design', {str(design_path)!r}, '--results',"
        f" {str(results)!r}, '--json']) == 0\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded[:5]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert '"frame_version"' in result.stdout and '"upper_bound_if_zero"' in result.stdout
    module = subprocess.run(
        [sys.executable, "-m", "zerocrop.cli", "sample-design", "-h"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert module.returncode == 0 and "--prior-sd" in module.stdout


def test_the_help_lists_both_commands():
    """A "%" in a command's help once broke `zerocrop --help` itself."""
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert "sample-estimate" in result.stdout and "95%置信区间" in result.stdout
