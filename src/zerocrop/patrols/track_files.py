"""Tracks and targets read by `zerocrop.geo.readers`: the `coverage` command's files (by path,
in this process) and the tracks of a patrol upload (bytes in hand, in the bounded child).

Pure module: no Django. `read_geofile_unbounded` does the reading (format from content and
extension:
GPX, KML/KMZ, GeoJSON, Shapefile zip, GeoPackage, CSV/XLSX; XML through defusedxml; size and
vertex limits; CRS detection, GCJ-02/BD-09 via ``source_crs``; validation in WGS84). This
module only picks the lines (tracks) or polygons (targets) out of what it returns.
Every failure is a ``TrackFileError`` whose message names the file and is meant for the user
(Chinese); the reader's warnings (features left out, repairs) go to ``warnings`` if given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zerocrop.core.errors import ApplicationError
from zerocrop.geo.features import GeoFeature, GeoFileError, GeoPreview
from zerocrop.geo.readers import read_geobytes, read_geofile_unbounded
from zerocrop.patrols.coverage import Target
from zerocrop.patrols.track_import import fixes_from_features
from zerocrop.patrols.tracks import Fix

_POLYGONAL = {"Polygon", "MultiPolygon"}


class TrackFileError(ApplicationError):
    """A file that cannot be used; ``str(error)`` is the user-facing Chinese message."""

    default_code = "track_file"


def _read(path: Path, source_crs: str | None, warnings: list[str] | None) -> GeoPreview:
    try:
        # The command reads the operator's own files in this process: the child-process bound
        # keeps server threads free from hostile uploads, and starting its interpreter would
        # cost the command more than the whole computation. Size, vertex, XML and archive
        # limits still apply.
        preview = read_geofile_unbounded(path, source_crs=source_crs)
    except GeoFileError as exc:
        raise TrackFileError(f"文件 {path}：{exc}") from exc
    except OSError as exc:
        raise TrackFileError(f"无法读取文件 {path}：{exc.strerror or exc}。") from exc
    if warnings is not None:
        warnings.extend(f"文件 {path}：{text}" for text in preview.warnings)
    return preview


# --------------------------------------------------------------------------- targets


def _property_id(feature: GeoFeature) -> str | None:
    value = feature.properties.get("id")
    return None if value is None or str(value) == "" else str(value)


def _target_radius(feature: GeoFeature, path: Path) -> float | None:
    value = feature.properties.get("radius_m")
    if value is None:
        return None
    try:
        radius = float(value) if isinstance(value, int | float | str) else float("nan")
    except ValueError:
        radius = float("nan")
    if not radius > 0:
        raise TrackFileError(f"文件 {path} {feature.label}的 radius_m 必须是正数。")
    return radius


def _without_skipped(message: str) -> str:
    return message.removesuffix("，已跳过。").removesuffix("。")


def load_targets(
    path: Path, *, source_crs: str | None = None, warnings: list[str] | None = None
) -> list[Target]:
    """Polygon features as targets: id from the ``id`` property, else the GeoJSON feature id,
    else the 0-based feature position; optional per-target ``radius_m`` property.

    Every feature must be usable: a target left out would silently shrink the report.
    """
    preview = _read(path, source_crs, warnings)
    if preview.rejected:
        shown = "；".join(_without_skipped(text) for text in preview.rejected[:3])
        more = f"等 {len(preview.rejected)} 处问题" if len(preview.rejected) > 3 else ""
        raise TrackFileError(f"文件 {path} 中有无法使用的目标：{shown}{more}。请修正后重试。")
    features = preview.features
    for feature in features:
        if feature.geometry.geom_type not in _POLYGONAL:
            raise TrackFileError(f"文件 {path} {feature.label}不是面（多边形），无法统计覆盖率。")
    return [
        Target(
            _property_id(feature) or str(feature.index),
            feature.geometry,
            _target_radius(feature, path),
        )
        for feature in features
    ]


# --------------------------------------------------------------------------- tracks


def load_tracks(
    path: Path, *, source_crs: str | None = None, warnings: list[str] | None = None
) -> list[list[Fix]]:
    """Every line of the file as a track (GPX trk segments and routes, KML LineString and
    gx:Track, GeoJSON lines, ...), with per-point times where the file has them. Points and
    polygons are ignored; a file without any line is refused."""
    preview = _read(path, source_crs, warnings)
    tracks = [track for track in fixes_from_features(preview.features) if track]
    if not tracks:
        found = "、".join(f"{kind} {count} 个" for kind, count in preview.geometry_types.items())
        raise TrackFileError(f"文件 {path} 中没有任何轨迹线（只有：{found}）。")
    return tracks


@dataclass(frozen=True)
class UploadedTracks:
    tracks: list[list[Fix]]
    warnings: list[str]


def tracks_from_upload(data: bytes, *, name: str, source_crs: str | None = None) -> UploadedTracks:
    """The lines of an uploaded track file as fixes, read in the bounded child process.

    `name` is the user's file name (it selects the reader and names the file in messages).
    Raises `GeoFileError` (the reader's own, or "no track line") with a Chinese message.
    """
    preview = read_geobytes(data, name=name, source_crs=source_crs)
    tracks = fixes_from_features(preview.features)
    if not tracks:
        raise GeoFileError(f"「{name}」中没有轨迹线（只有点或面），请导出轨迹而不是标注点")
    return UploadedTracks(tracks=tracks, warnings=list(preview.warnings))
