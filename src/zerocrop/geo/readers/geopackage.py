"""GeoPackage reader: every layer with geometry (attribute-only tables are skipped)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pyogrio

from zerocrop.geo.crs import normalize_crs
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers.base import ReadResult
from zerocrop.geo.readers.ogr import OGR_ERRORS, read_layer
from zerocrop.geo.safety import check_feature_count

MAX_LAYERS = 50


_SQLITE_STEP_BUDGET = 5_000_000  # VM instructions for the pre-check queries


def check_geopackage_tables(path: Path) -> None:
    """Refuse layers that are SQL views: a view can hide an endless (recursive) query.

    Runs before GDAL, read-only and immutable, with an instruction budget.
    """
    uri = f"file:{path}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise GeoFileError("GeoPackage 文件无法打开，可能已损坏。", code="gpkg_bad") from exc
    steps = {"n": 0}

    def budget() -> int:
        steps["n"] += 1
        return 1 if steps["n"] > _SQLITE_STEP_BUDGET // 1000 else 0

    connection.set_progress_handler(budget, 1000)
    try:
        rows = connection.execute(
            "SELECT c.table_name, m.type FROM gpkg_contents AS c "
            "LEFT JOIN sqlite_master AS m ON m.name = c.table_name"
        ).fetchall()
    except sqlite3.Error as exc:
        raise GeoFileError(
            "文件不是有效的 GeoPackage（缺少 gpkg_contents 表）或已损坏。", code="gpkg_bad"
        ) from exc
    finally:
        connection.close()
    views = [str(name) for name, kind in rows if kind == "view"]
    if views:
        raise GeoFileError(
            f"GeoPackage 图层「{views[0]}」是数据库视图而不是数据表，出于安全原因拒绝，"
            "请在 GIS 软件中另存为普通图层。",
            code="gpkg_view",
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
