"""`zerocrop sample-design` and `zerocrop sample-estimate`: 潜在区域抽测 without a database.

zerocrop sample-design --frame cells.geojson --strata risk --n 60 --seed 7 --json > design.json
zerocrop sample-estimate --design design.json --results results.csv --json

The file formats are in docs/sampling.md. Bad input is one Chinese line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import secrets
import sys
import types
from pathlib import Path
from typing import Any, NoReturn

from zerocrop.core.errors import ApplicationError
from zerocrop.monitoring.sampling import (
    DEFAULT_MINIMUM,
    METHOD_LABELS,
    CellResult,
    Design,
    Estimate,
    StratumPrior,
    design_from_json,
    design_to_json,
    draw,
    estimate,
    estimate_to_json,
    frame_from_geojson,
    neyman_allocation,
    summary_zh,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_FILE_BYTES = 200 * 1024 * 1024
RESULT_COLUMNS = ("id", "area_m2", "plants")

DESIGN_USAGE = (
    "zerocrop sample-design --frame 网格.geojson --strata 分层字段 --n 60 [--seed 整数] "
    "[--id-field 编号字段] [--prior-sd 层=标准差 ...] [--minimum 2] [--json]"
)
ESTIMATE_USAGE = (
    "zerocrop sample-estimate --design 设计.json --results 结果.csv "
    "[--bootstrap 2000] [--seed 0] [--json]"
)


class _BadInput(Exception):
    pass


def _error_handler(usage: str):  # noqa: ANN202 - bound as the parser's error method
    def handler(parser: argparse.ArgumentParser, message: str) -> NoReturn:
        print(f"错误：参数有误（{message}）。\n用法：{usage}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)

    return handler


def register(subparsers: Any) -> None:
    design = subparsers.add_parser(
        "sample-design",
        help="潜在区域抽测：从网格抽样框按层抽取要核查的网格（可复现，不连数据库）",
        description=(
            "从 GeoJSON 抽样框（每个要素一个网格）按分层字段分层，按 Neyman 分配（每层至少 2 个）"
            "抽取 n 个网格。同一抽样框、样本量与随机种子总是抽出同样的网格。"
            "输出的设计文件在外业前保存并锁定，核查后交给 sample-estimate。"
        ),
        usage=DESIGN_USAGE,
    )
    design.add_argument(
        "--frame", help="抽样框 GeoJSON 文件（FeatureCollection，每个要素一个网格）"
    )
    design.add_argument("--strata", help="分层字段名（如 风险等级）；没有值的网格归入“未分层”")
    design.add_argument("--n", help="样本量（要核查的网格总数）")
    design.add_argument("--seed", help="随机种子（整数；不填则随机生成并写入设计）")
    design.add_argument("--id-field", dest="id_field", help="网格编号字段（默认用要素 id）")
    design.add_argument(
        "--prior-sd",
        dest="prior_sd",
        action="append",
        default=[],
        metavar="层=标准差",
        help="各层每个网格种植面积的预估标准差（来自往年或试点），可重复；不填则按网格数比例分配",
    )
    design.add_argument("--minimum", help=f"每层至少抽几个网格（默认 {DEFAULT_MINIMUM}）")
    design.add_argument("--json", action="store_true", help="输出 JSON 设计文件")
    design.error = types.MethodType(_error_handler(DESIGN_USAGE), design)  # type: ignore[method-assign]
    design.set_defaults(handler=run_design)

    est = subparsers.add_parser(
        "sample-estimate",
        help="潜在区域抽测：由抽中网格的核查结果推算种植面积与株数及95%%置信区间（不连数据库）",
        description=(
            "读取 sample-design 的设计文件和核查结果 CSV（列 id,area_m2,plants；每个抽中网格一行，"
            "没有种植填 0），推算抽样框内的种植面积与株数、标准误和95%置信区间；"
            "一处都没有发现时给出有种植网格比例的95%置信上限。"
        ),
        usage=ESTIMATE_USAGE,
    )
    est.add_argument("--design", help="sample-design --json 输出的设计文件")
    est.add_argument("--results", help="核查结果 CSV（UTF-8，可带 BOM；也接受 GBK）")
    est.add_argument("--bootstrap", help="自助法重复次数（默认 2000）")
    est.add_argument("--seed", help="自助法随机种子（默认 0）")
    est.add_argument("--json", action="store_true", help="输出 JSON")
    est.error = types.MethodType(_error_handler(ESTIMATE_USAGE), est)  # type: ignore[method-assign]
    est.set_defaults(handler=run_estimate)


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_bytes(path_text: str | None, what: str, option: str) -> bytes:
    if not path_text:
        raise _BadInput(f"请用 {option} 指定{what}。")
    path = Path(path_text)
    if not path.is_file():
        raise _BadInput(f"{what}“{path_text}”不存在或不是文件。")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _BadInput(f"{what}“{path_text}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _BadInput(f"无法读取{what}“{path_text}”（{exc.strerror}）。") from exc


def _read_json(path_text: str | None, what: str, option: str) -> Any:
    raw = _read_bytes(path_text, what, option)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _BadInput(f"{what}“{path_text}”不是有效的 UTF-8 JSON 文件。") from exc


def _int(text: str | None, option: str, *, default: int | None = None) -> int:
    if text is None:
        if default is None:
            raise _BadInput(f"请用 {option} 填写一个整数。")
        return default
    try:
        return int(text.strip().replace("_", ""))
    except ValueError as exc:
        raise _BadInput(f"{option}“{text}”不是整数。") from exc


def _priors(items: list[str], sizes: dict[str, int]) -> dict[str, StratumPrior]:
    given: dict[str, float] = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip():
            raise _BadInput(f"--prior-sd“{item}”应写成 层=标准差，如 高风险=120。")
        try:
            sd = float(value)
        except ValueError as exc:
            raise _BadInput(f"--prior-sd“{item}”中的标准差不是数字。") from exc
        if not (math.isfinite(sd) and sd >= 0):
            raise _BadInput(f"--prior-sd“{item}”中的标准差必须是非负数。")
        name = name.strip()
        if name not in sizes:
            known = "、".join(sizes)
            raise _BadInput(f"--prior-sd 的层“{name}”不在抽样框中（现有层：{known}）。")
        given[name] = sd
    if given and set(given) != set(sizes):
        missing = "、".join(h for h in sizes if h not in given)
        raise _BadInput(
            f"层{missing}没有给出 --prior-sd；要么每层都给，要么都不给（按网格数比例分配）。"
        )
    return {h: StratumPrior(N=n, S=given.get(h, 1.0)) for h, n in sizes.items()}


def run_design(args: argparse.Namespace) -> int:
    try:
        if not args.strata:
            raise _BadInput("请用 --strata 指定分层字段名。")
        data = _read_json(args.frame, "抽样框文件", "--frame")
        n = _int(args.n, "--n")
        seed = _int(args.seed, "--seed", default=secrets.randbelow(2**31))
        minimum = _int(args.minimum, "--minimum", default=DEFAULT_MINIMUM)
        frame = frame_from_geojson(data, strata_field=args.strata, id_field=args.id_field)
        priors = _priors(args.prior_sd, frame.strata_sizes())
        allocation = neyman_allocation(n=n, strata=priors, minimum=minimum)
        design = draw(frame=frame, allocation=allocation, seed=seed)
    except _BadInput as exc:
        return _fail(str(exc))
    except ApplicationError as exc:
        return _fail(exc.message)
    if args.json:
        print(json.dumps(design_to_json(design), ensure_ascii=False, indent=2))
    else:
        print(format_design(design))
    return EXIT_OK


def read_results_csv(raw: bytes, name: str = "结果文件") -> list[CellResult]:
    """Rows of ``id,area_m2,plants`` (header required, other columns ignored)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise _BadInput(f"{name}既不是 UTF-8 也不是 GBK 编码。") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in RESULT_COLUMNS if c not in header]
    if missing:
        raise _BadInput(
            f"{name}缺少列 {'、'.join(missing)}；第一行应为列名 id,area_m2,plants"
            f"（现为：{','.join(header) or '空'}）。"
        )
    reader.fieldnames = header
    out = []
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        cell_id = (row.get("id") or "").strip()
        if not cell_id:
            raise _BadInput(f"{name}第 {line} 行没有网格编号 id。")
        values = {}
        for column in ("area_m2", "plants"):
            text_value = (row.get(column) or "").strip().replace(",", "")
            if not text_value:
                raise _BadInput(
                    f"{name}第 {line} 行（网格“{cell_id}”）的 {column} 为空；没有种植请填 0。"
                )
            try:
                values[column] = float(text_value)
            except ValueError as exc:
                raise _BadInput(
                    f"{name}第 {line} 行（网格“{cell_id}”）的 {column}“{text_value}”不是数字。"
                ) from exc
        out.append(CellResult(id=cell_id, area_m2=values["area_m2"], plants=values["plants"]))
    return out


def run_estimate(args: argparse.Namespace) -> int:
    try:
        design = design_from_json(_read_json(args.design, "设计文件", "--design"))
        results = read_results_csv(_read_bytes(args.results, "结果文件", "--results"))
        reps = _int(args.bootstrap, "--bootstrap", default=2000)
        seed = _int(args.seed, "--seed", default=0)
        result = estimate(design=design, results=results, bootstrap=reps, seed=seed)
    except _BadInput as exc:
        return _fail(str(exc))
    except ApplicationError as exc:
        return _fail(exc.message)
    if args.json:
        print(json.dumps(estimate_to_json(result), ensure_ascii=False, indent=2))
    else:
        print(format_estimate(result))
    return EXIT_OK


def format_design(design: Design) -> str:
    lines = [
        f"抽样框版本：{design.frame_version}",
        f"随机种子：{design.seed}",
        f"样本量：{design.n} 个网格",
        "",
        "层\t网格数\t抽取数",
    ]
    for stratum, size in design.strata_sizes.items():
        lines.append(f"{stratum}\t{size}\t{design.allocation.get(stratum, 0)}")
    lines += ["", "抽中网格（编号\t层）："]
    lines += [f"{cell_id}\t{stratum}" for cell_id, stratum in design.cells]
    lines.append("\n提示：外业前保存设计（加 --json 输出到文件），之后不要再改。")
    return "\n".join(lines)


def format_estimate(result: Estimate) -> str:
    lines = [summary_zh(result), "", "项目\t估计值\t标准误\t95%置信区间\t方法"]
    for label, q in (("种植面积（平方米）", result.area_m2), ("株数", result.plants)):
        lines.append(
            f"{label}\t{q.estimate:.1f}\t{q.se:.1f}\t{q.ci95[0]:.1f}–{q.ci95[1]:.1f}\t{METHOD_LABELS[q.method]}"
        )
    lines += ["", "层\t网格数\t抽查数\t有种植\t面积估计（平方米）\t株数估计"]
    for s in result.strata:
        lines.append(
            f"{s.stratum}\t{s.N}\t{s.n}\t{s.nonzero_cells}\t{s.area_m2:.1f}\t{s.plants:.1f}"
        )
    return "\n".join(lines)
