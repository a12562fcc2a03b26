"""Pure CLI commands of the geo app: `convert-coords` and `import-geo`.

Registered by `zerocrop.cli` through `register(subparsers)`. `convert-coords` and
`import-geo --dry-run` need no database; `import-geo` without --dry-run hands the preview to
`zerocrop.geo.services.geo_import_preview` (Django).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from zerocrop.geo import attributes
from zerocrop.geo.crs import convert_coords
from zerocrop.geo.features import GeoFileError, GeoPreview

MAP_SYSTEMS = ("wgs84", "gcj02", "bd09")
EXIT_REFUSED = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    convert = subparsers.add_parser(
        "convert-coords",
        help="WGS84 / GCJ-02 / BD-09 坐标互转",
        description="在 WGS84（GPS）、GCJ-02（高德/腾讯）和 BD-09（百度）之间转换一个点。",
    )
    convert.add_argument("--from", dest="source", required=True, choices=MAP_SYSTEMS)
    convert.add_argument("--to", dest="target", required=True, choices=MAP_SYSTEMS)
    convert.add_argument("lon", type=float, help="经度")
    convert.add_argument("lat", type=float, help="纬度")
    convert.add_argument("--json", action="store_true", help='输出 {"lon": ..., "lat": ...}')
    convert.set_defaults(handler=handle_convert_coords)

    geo = subparsers.add_parser(
        "import-geo",
        help="导入地块等空间数据文件（--dry-run 只预览，不写数据库）",
        description=(
            "读取 GeoJSON/KML/KMZ/GPX/Shapefile(zip)/GeoPackage/CSV/XLSX，换算为 WGS84 并检查。"
        ),
    )
    geo.add_argument("file", type=Path, help="文件路径")
    geo.add_argument(
        "--crs",
        default=None,
        help="源坐标系：wgs84、gcj02（高德/腾讯）、bd09（百度）或 EPSG:xxxx；不填则自动判断",
    )
    geo.add_argument("--dry-run", action="store_true", help="只读取和检查，不写数据库")
    geo.add_argument("--json", action="store_true", help="以 JSON 输出预览")
    geo.add_argument("--unit", default=None, help="导入到哪个单位（村/社区名称）")
    geo.add_argument("--kind", default=None, help="地块类型，如 historical、key")
    geo.set_defaults(handler=handle_import_geo)


def handle_convert_coords(args: argparse.Namespace) -> int:
    lon, lat = convert_coords(args.lon, args.lat, args.source, args.target)
    if args.json:
        print(json.dumps({"lon": round(lon, 8), "lat": round(lat, 8)}))
    else:
        print(f"{lon:.8f} {lat:.8f}")
    return 0


def _summary(preview: GeoPreview) -> str:
    min_lon, min_lat, max_lon, max_lat = preview.bbox
    kinds = "，".join(f"{k} {v} 个" for k, v in preview.geometry_types.items())
    lines = [
        f"格式：{preview.source_format}",
        f"要素：{len(preview.features)} 个（{kinds}）",
        f"源坐标系：{preview.crs_label}（已换算为 WGS84）",
        f"范围：经度 {min_lon:.6f}–{max_lon:.6f}，纬度 {min_lat:.6f}–{max_lat:.6f}",
    ]
    if preview.warnings:
        lines.append(f"提示（{len(preview.warnings)} 条）：")
        lines.extend(f"  - {w}" for w in preview.warnings)
    return "\n".join(lines)


def handle_import_geo(args: argparse.Namespace) -> int:
    from zerocrop.geo.readers import read_geofile

    if not args.dry_run and (not args.unit or not args.kind):
        print(
            "错误：正式导入需要用 --unit 指定单位、用 --kind 指定地块类型；只预览请加 --dry-run。",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    try:
        preview = read_geofile(args.file, source_crs=args.crs, original_name=args.file.name)
    except GeoFileError as exc:
        print(f"文件被拒绝：{exc}", file=sys.stderr)
        return EXIT_REFUSED
    features, code_column, name_column = attributes.with_guessed_columns(preview.features)
    preview = replace(preview, features=features)
    used = [f"编号取自「{code_column}」列"] if code_column else []
    used += [f"名称取自「{name_column}」列"] if name_column else []
    if args.dry_run:
        if args.json:
            print(json.dumps(preview.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(_summary(preview))
            if used:
                print("，".join(used) + "。")
        return 0
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerocrop.config.settings")
    django.setup()
    from zerocrop.core.errors import ApplicationError
    from zerocrop.geo.services import geo_import_preview

    try:
        result = geo_import_preview(
            preview=preview,
            unit_name=args.unit,
            kind=args.kind,
            source=args.file.name,
            actor=None,
        )
    except ApplicationError as exc:
        print(f"错误：未导入：{exc.message}", file=sys.stderr)
        return 2
    print(str(result) + (f"（{'，'.join(used)}）" if used else ""))
    return 0
