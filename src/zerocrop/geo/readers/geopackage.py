"""GeoPackage reader: every layer with geometry (attribute-only tables are skipped)."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import pyogrio

from zerocrop.geo.crs import normalize_crs
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers.base import ReadResult
from zerocrop.geo.readers.ogr import OGR_ERRORS, read_layer
from zerocrop.geo.safety import check_feature_count

MAX_LAYERS = 50


_SQLITE_STEP_BUDGET = 5_000_000  # VM instructions for the pre-check queries
_SQLITE_SECONDS = 2.0
_PROGRESS_EVERY = 1000  # instructions between two calls of the progress handler
# Tables GDAL reads while opening a GeoPackage, before any data layer.
SYSTEM_TABLES = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")


def _install_budget(connection: sqlite3.Connection) -> None:
    """Abort any statement past the instruction or time budget (sqlite3 raises "interrupted")."""
    deadline = time.monotonic() + _SQLITE_SECONDS
    calls = {"n": 0}

    def budget() -> int:
        calls["n"] += 1
        over = calls["n"] * _PROGRESS_EVERY > _SQLITE_STEP_BUDGET or time.monotonic() > deadline
        return 1 if over else 0

    connection.set_progress_handler(budget, _PROGRESS_EVERY)


def _refuse_views(objects: list[tuple[str, str, str]], layers: set[str]) -> None:
    """Refuse every SQL view, wherever it is: a view can hide an endless (recursive) query.

    GDAL queries the system tables, and any view they name, with no limit; a real GeoPackage
    exported by a GIS program keeps all of them as plain tables. Triggers are left alone: the
    file is opened read-only (here and by GDAL), so none can fire.
    """
    views = [name for kind, name, _table in objects if kind == "view"]
    for name in views:
        if name in SYSTEM_TABLES or name.startswith(("gpkg_", "sqlite_", "rtree_")):
            raise GeoFileError(
                f"GeoPackage 的系统表「{name}」被替换成了数据库视图（可能是无限循环的查询），"
                "这不是 GIS 软件导出的正常文件，出于安全原因拒绝。",
                code="gpkg_view",
            )
    for name in views:
        if name in layers:
            raise GeoFileError(
                f"GeoPackage 图层「{name}」是数据库视图而不是数据表，出于安全原因拒绝，"
                "请在 GIS 软件中另存为普通图层。",
                code="gpkg_view",
            )
    if views:
        raise GeoFileError(
            f"GeoPackage 中含有数据库视图「{views[0]}」，出于安全原因拒绝，"
            "请在 GIS 软件中另存为只含普通图层的文件。",
            code="gpkg_view",
        )


def check_geopackage_tables(path: Path) -> None:
    """Refuse GeoPackages whose structure can make a reader run without end.

    Runs before GDAL, read-only and immutable (no journal, no lock, nothing written), with an
    instruction and time budget on every statement; only `sqlite_master` and, once it is known
    to be a plain table, `gpkg_contents` are queried.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise GeoFileError("GeoPackage 文件无法打开，可能已损坏。", code="gpkg_bad") from exc
    _install_budget(connection)
    try:
        objects = [
            (str(kind), str(name), str(table))
            for kind, name, table in connection.execute(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        ]
        kinds = {name: kind for kind, name, _table in objects}
        if kinds.get("gpkg_contents") == "table":
            layers = {
                str(row[0]) for row in connection.execute("SELECT table_name FROM gpkg_contents")
            }
        else:
            layers = set()
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise GeoFileError(
                "GeoPackage 文件结构过于复杂（检查超时），出于安全原因拒绝。",
                code="gpkg_too_complex",
            ) from exc
        raise GeoFileError("GeoPackage 文件无法读取，可能已损坏。", code="gpkg_bad") from exc
    except sqlite3.Error as exc:
        raise GeoFileError("GeoPackage 文件无法读取，可能已损坏。", code="gpkg_bad") from exc
    finally:
        connection.close()
    _refuse_views(objects, layers)
    if kinds.get("gpkg_contents") != "table":
        raise GeoFileError(
            "文件不是有效的 GeoPackage（缺少 gpkg_contents 表）或已损坏。", code="gpkg_bad"
        )


def read_geopackage(data: bytes) -> ReadResult:
    # GDAL identifies GeoPackages partly by extension: copy under a fixed, server-chosen name.
    with tempfile.TemporaryDirectory(prefix="zerocrop-gpkg-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        check_geopackage_tables(path)
        try:
            layers = pyogrio.list_layers(path)
        except OGR_ERRORS as exc:
            raise GeoFileError(
                "GeoPackage 文件无法打开，可能已损坏或不完整。", code="gpkg_bad"
            ) from exc
        spatial = [str(name) for name, geom_type in layers if geom_type is not None]
        if not spatial:
            raise GeoFileError("GeoPackage 中没有含几何图形的图层。", code="gpkg_empty")
        if len(spatial) > MAX_LAYERS:
            raise GeoFileError(f"GeoPackage 图层太多（{len(spatial)} 个）。", code="gpkg_layers")
        result = ReadResult(features=[], source_format="GeoPackage")
        layer_crs: dict[str, str | None] = {}
        for name in spatial:
            layer = read_layer(
                path,
                layer=name,
                label=f"GeoPackage 图层「{name}」",
                start_index=len(result.features),
            )
            layer_crs[name] = normalize_crs(layer.crs) if layer.crs else None
            if len(spatial) > 1:
                for feature in layer.features:
                    feature.properties.setdefault("layer", name)
            result.features.extend(layer.features)
            check_feature_count(len(result.features))
    distinct = set(layer_crs.values())
    if len(distinct) > 1:
        raise GeoFileError(
            "GeoPackage 中的多个图层坐标系不同，请分别导出后导入。", code="crs_mixed"
        )
    result.declared_crs = distinct.pop() if distinct else None
    return result
