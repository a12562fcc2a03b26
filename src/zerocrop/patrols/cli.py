"""`zerocrop coverage`: survey coverage of target polygons by GPS tracks, no database.

zerocrop coverage --targets plots.geojson --tracks a.gpx b.kml --radius 30 --json
zerocrop coverage --targets plots.geojson --tracks amap.gpx --crs gcj02   # 高德/腾讯导出的轨迹
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from zerocrop.patrols.rules import DEFAULT_RADIUS_M, DEFAULT_THRESHOLD

if TYPE_CHECKING:  # the heavy imports wait until the command actually runs
    from zerocrop.patrols.coverage import TargetCoverage
    from zerocrop.patrols.tracks import CleaningReport

CRS_CHOICES = ("wgs84", "gcj02", "bd09")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "coverage",
        help="按 GPS 轨迹计算图斑/网格的踏查覆盖率（无需数据库）",
        description="按 GPS 轨迹计算每个目标（图斑或网格）的踏查覆盖率。",
    )
    parser.add_argument(
        "--targets",
        type=Path,
        required=True,
        help="目标面文件（GeoJSON、KML/KMZ、Shapefile zip、GeoPackage 等）",
    )
    parser.add_argument(
        "--tracks",
        type=Path,
        nargs="+",
        required=True,
        help="轨迹文件（GPX、KML/KMZ、GeoJSON 线等）",
    )
    parser.add_argument(
        "--crs",
        choices=CRS_CHOICES,
        default=None,
        help="文件坐标系：wgs84（GPS 原始坐标）、gcj02（高德/腾讯）、bd09（百度）；默认按文件判断",
    )
    parser.add_argument(
        "--radius",
        type=float,
        default=DEFAULT_RADIUS_M,
        help=f"视距半径，米（默认 {DEFAULT_RADIUS_M:g}）",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"达标覆盖率，0–1（默认 {DEFAULT_THRESHOLD:g}）",
    )
    parser.add_argument(
        "--max-speed", type=float, default=None, help="剔除跳点的最大速度，千米/小时（默认 30）"
    )
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def _check_numbers(args: argparse.Namespace) -> str | None:
    if not args.radius > 0:
        return "视距半径 --radius 必须大于 0。"
    if not 0 < args.threshold <= 1:
        return "达标覆盖率 --threshold 必须在 0 到 1 之间（如 0.9 表示 90%）。"
    if args.max_speed is not None and not args.max_speed > 0:
        return "最大速度 --max-speed 必须大于 0。"
    return None


def run(args: argparse.Namespace) -> int:
    from zerocrop.patrols.coverage import compute_coverage
    from zerocrop.patrols.track_files import TrackFileError, load_targets, load_tracks
    from zerocrop.patrols.tracks import CleaningOptions, clean_tracks

    problem = _check_numbers(args)
    if problem:
        return _fail(problem)
    notes: list[str] = []
    try:
        targets = load_targets(args.targets, source_crs=args.crs, warnings=notes)
        raw = [
            track
            for path in args.tracks
            for track in load_tracks(path, source_crs=args.crs, warnings=notes)
        ]
    except TrackFileError as exc:
        return _fail(str(exc))
    for note in notes:
        print(f"提示：{note}", file=sys.stderr)
    options = CleaningOptions()
    if args.max_speed is not None:
        options = CleaningOptions(max_speed_kmh=args.max_speed)
    cleaned = clean_tracks(raw, options)
    results = compute_coverage(targets, cleaned.lines, radius_m=args.radius)
    if args.json:
        rows = [{"id": r.id, "fraction": round(r.fraction, 4)} for r in results]
        print(json.dumps(rows, ensure_ascii=False))
    else:
        _print_table(results, args.threshold, cleaned.report)
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, *, right: bool = False) -> str:
    pad = " " * max(0, width - _width(text))
    return pad + text if right else text + pad


def _line(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    pairs = enumerate(zip(cells, widths, strict=True))
    return "  ".join(_cell(text, width, right=i > 0) for i, (text, width) in pairs)


def _print_table(results: list[TargetCoverage], threshold: float, report: CleaningReport) -> None:
    id_width = max([4, *(_width(r.id) for r in results)])
    widths = (id_width, 8, 14, 12, 4)
    head = ("目标", "覆盖率", "已覆盖(平方米)", "面积(平方米)", "达标")
    print(_line(head, widths))
    for r in results:
        row = (
            r.id,
            f"{r.fraction * 100:.1f}%",
            f"{r.covered_m2:,.0f}",
            f"{r.area_m2:,.0f}",
            "是" if r.fraction >= threshold else "否",
        )
        print(_line(row, widths))
    passed = sum(r.fraction >= threshold for r in results)
    print(f"共 {len(results)} 个目标，达标 {passed} 个（达标线 {threshold * 100:g}%）。")
    from dataclasses import asdict

    from zerocrop.patrols.tracks import cleaning_summary

    print(f"轨迹清洗：{cleaning_summary(asdict(report)).text}。")
