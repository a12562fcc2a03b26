"""`zerocrop legal-route`: the suggested legal route of one finding, no database.

zerocrop legal-route --species poppy --plants 600 --date 2026-05-20 --json
zerocrop legal-route --species cannabis --plants 0 --area-m2 2500 --unsprouted
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import types
from datetime import date
from typing import Any, NoReturn

from zerocrop.core.errors import ApplicationError
from zerocrop.findings.legal import SPECIES_LABELS, RouteSuggestion, suggest_route

EXIT_OK = 0
EXIT_BAD_INPUT = 2

USAGE = (
    "zerocrop legal-route --species poppy|cannabis --plants N [--area-m2 A --unsprouted] "
    "[--prior-handling] [--resisted] [--self-removed-before-maturity] [--date YYYY-MM-DD] "
    "[--json]"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "legal-route",
        help="按条文表给出一处发现的处理途径建议（刑事/治安/不予处罚；供公安机关参考；只读随软件发布的条文表，不读数据库中的核实录入）",
        description=(
            "按条文表给出一处发现的处理途径建议。仅供公安机关参考，不是定性结论。"
            "本命令只读随软件发布的条文表（findings/data/statutes.toml），不连数据库："
            "在系统“条文表与核实”页录入的核实结果不在这里生效，网页上的建议才会引用它们。"
        ),
        usage=USAGE,
    )
    # Values are read as text and checked in `run`, so that every refusal is in Chinese.
    parser.add_argument("--species", help="物种：poppy（罂粟）或 cannabis（大麻）")
    parser.add_argument("--plants", help="株数（整数；尚未出苗的可填 0）")
    parser.add_argument("--area-m2", dest="area_m2", help="种植面积，平方米")
    parser.add_argument("--unsprouted", action="store_true", help="尚未出苗（按面积认定）")
    parser.add_argument("--prior-handling", action="store_true", help="经公安机关处理后又种植")
    parser.add_argument("--resisted", action="store_true", help="抗拒铲除")
    parser.add_argument(
        "--self-removed-before-maturity",
        action="store_true",
        help="种植者在成熟（收获）前自行铲除",
    )
    parser.add_argument("--date", help="发现日期 YYYY-MM-DD（决定适用的条文版本；默认今天）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.error = types.MethodType(_argparse_error, parser)  # type: ignore[method-assign]
    parser.set_defaults(handler=run)


def _argparse_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    print(f"错误：参数有误（{message}）。\n用法：{USAGE}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    if args.species is None:
        return _fail("请用 --species 指定物种：poppy（罂粟）或 cannabis（大麻）。")
    if args.species not in SPECIES_LABELS:
        return _fail(f"物种“{args.species}”不认识：只能是 poppy（罂粟）或 cannabis（大麻）。")
    if args.plants is None:
        return _fail("请用 --plants 填写株数（尚未出苗的可填 0）。")
    try:
        plants = int(args.plants.strip().replace("_", ""))
    except ValueError:
        return _fail(f"株数 --plants“{args.plants}”不是整数。")
    area: float | None = None
    if args.area_m2 is not None:
        try:
            area = float(args.area_m2)
        except ValueError:
            return _fail(f"面积 --area-m2“{args.area_m2}”不是数字。")
        if not math.isfinite(area):
            return _fail(f"面积 --area-m2“{args.area_m2}”不是有限的数字。")
    on = date.today()  # noqa: DTZ011 - the operator's calendar day is the finding's date
    if args.date is not None:
        try:
            on = date.fromisoformat(args.date)
        except ValueError:
            return _fail(f"日期 --date“{args.date}”应为 YYYY-MM-DD，如 2026-05-20。")
    try:
        suggestion = suggest_route(
            species=args.species,
            plants=plants,
            area_m2=area,
            unsprouted=args.unsprouted,
            prior_handling=args.prior_handling,
            resisted=args.resisted,
            self_removed_before_maturity=args.self_removed_before_maturity,
            on=on,
        )
    except ApplicationError as exc:
        return _fail(exc.message)
    if args.json:
        print(json.dumps(suggestion.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(suggestion))
    return EXIT_OK


def format_summary(suggestion: RouteSuggestion) -> str:
    """A readable Chinese summary for people at a terminal."""
    lines = [
        f"建议处理途径：{suggestion.route_label}",
        f"档次：{suggestion.tier_label}",
        f"适用日期：{suggestion.on.isoformat()}（条文表版本 {suggestion.table_version}）",
        "理由：",
        *(f"  - {reason}" for reason in suggestion.reasons),
        "所依据条文：",
    ]
    for article in suggestion.articles:
        state = "已核实" if article.verified else "未核实"
        lines.append(f"  - {article.label}［{state}］ 来源：{article.source}")
    lines.append(f"提示：{suggestion.disclaimer}")
    return "\n".join(lines)
