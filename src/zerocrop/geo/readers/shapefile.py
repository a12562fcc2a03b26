"""Zipped Shapefile reader (.shp + .shx + .dbf, optional .prj / .cpg; several layers allowed).

Entries are read through `SafeZip` (capped, verified sizes) and written under fixed names into
a private temporary directory; GDAL never sees the user's paths or the archive itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zerocrop.geo.crs import crs_from_prj, normalize_crs
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers.base import ReadResult
from zerocrop.geo.readers.ogr import read_layer
from zerocrop.geo.safety import SafeZip, ZipLimits, check_feature_count

SHAPEFILE_LIMITS = ZipLimits(max_entries=100)
_REQUIRED = (".shx", ".dbf")
_OPTIONAL = (".prj", ".cpg")


def _stem_map(names: list[str]) -> dict[str, dict[str, str]]:
    """{"dir/地块": {".shp": "dir/地块.shp", ".dbf": ...}} with case-insensitive suffixes."""
    stems: dict[str, dict[str, str]] = {}
    for name in names:
        lower = name.lower()
        for suffix in (".shp", *_REQUIRED, *_OPTIONAL):
            if lower.endswith(suffix):
                stems.setdefault(name[: -len(suffix)].lower(), {})[suffix] = name
    return stems


def dbf_encoding(dbf: bytes) -> str | None:
    """Encoding to force when neither a .cpg nor the DBF language driver byte says it.

    Chinese shapefiles without .cpg are usually GBK (ArcGIS "ANSI" on a Chinese Windows);
    GDAL would read them as ISO-8859-1. Decide from the record bytes: UTF-8 if they decode.
    """
    if len(dbf) < 32:
        return None
    if dbf[29] != 0:  # language driver id present (0x4D = GBK/936): GDAL honours it
        return None
    header_len = int.from_bytes(dbf[8:10], "little")
    records = dbf[header_len:]
    if all(b < 0x80 for b in records[:200000]):
        return None
    try:
        records.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _zip_contents_hint(names: list[str]) -> str:
    shown = "、".join(n for n in names[:8]) or "（空）"
    return shown + ("等" if len(names) > 8 else "")


def read_shapefile_zip(data: bytes) -> ReadResult:
    archive = SafeZip(data, limits=SHAPEFILE_LIMITS, label="压缩包")
    names = archive.names
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        raise GeoFileError(
            "文件扩展名为 .zip，但内容是 Excel 表格，请改为 .xlsx 上传。", code="format_mismatch"
        )
    stems = {k: v for k, v in _stem_map(names).items() if ".shp" in v}
    if not stems:
        raise GeoFileError(
            f"压缩包中没有 Shapefile（.shp）文件。压缩包内容：{_zip_contents_hint(names)}。",
            code="zip_no_shapefile",
        )
    result = ReadResult(features=[], source_format="Shapefile")
    layer_crs: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="zerocrop-shp-") as tmp:
        for number, (_stem, parts) in enumerate(sorted(stems.items())):
            shp_name = parts[".shp"]
            display = shp_name.rsplit("/", 1)[-1]
            missing = [s for s in _REQUIRED if s not in parts]
            if missing:
                raise GeoFileError(
                    f"Shapefile「{display}」缺少 {'、'.join(missing)} 文件，请把同名的 "
                    ".shp、.shx、.dbf、.prj 一起打包。",
                    code="shp_incomplete",
                )
            base = Path(tmp) / f"layer{number}"
            dbf_bytes = b""
            for suffix, entry in parts.items():
                content = archive.read(entry)
                base.with_suffix(suffix).write_bytes(content)
                if suffix == ".dbf":
                    dbf_bytes = content
            encoding = None if ".cpg" in parts else dbf_encoding(dbf_bytes)
            declared: str | None = None
            if ".prj" in parts:
                prj_text = base.with_suffix(".prj").read_bytes().decode("utf-8", errors="replace")
                declared = crs_from_prj(prj_text)
            layer = read_layer(
                base.with_suffix(".shp"),
                encoding=encoding,
                label=f"Shapefile「{display}」",
                start_index=len(result.features),
            )
            if declared is None and layer.crs:
                declared = normalize_crs(layer.crs)
            layer_crs[display] = declared
            if len(stems) > 1:
                for feature in layer.features:
                    feature.properties.setdefault("layer", display[:-4])
            result.features.extend(layer.features)
            check_feature_count(len(result.features))
    distinct = set(layer_crs.values())
    if len(distinct) > 1:
        raise GeoFileError(
            "压缩包中的多个 Shapefile 坐标系不同（"
            + "；".join(f"{k}: {v or '未说明'}" for k, v in layer_crs.items())[:300]
            + "），请分别导入。",
            code="crs_mixed",
        )
    result.declared_crs = distinct.pop() if distinct else None
    if result.declared_crs is None:
        result.warnings.append(
            "Shapefile 没有坐标系文件（.prj），已根据坐标数值判断坐标系，请核对位置。"
        )
    return result
