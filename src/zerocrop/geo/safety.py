"""Guards for uploaded geo files: sizes, archives (KMZ, Shapefile zip, XLSX), vertex counts.

Pure module (no Django). Archives are never extracted with the user's paths: every entry is
inspected before any byte is decompressed (count, names, symlinks, encryption, nested archives,
declared sizes, compression ratio) and bytes actually produced are counted while reading, since
`ZipInfo.file_size` is whatever the attacker wrote (reliability.md §3.3, ASVS 5.2.3/5.2.5/5.3.3).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from zerocrop.core.sizes import MiB, mb
from zerocrop.geo.features import GeoFileError

MAX_UPLOAD_BYTES = 50 * MiB
MAX_XML_BYTES = 30 * MiB
MAX_FEATURES = 50_000
MAX_VERTICES_PER_FEATURE = 200_000
MAX_TOTAL_VERTICES = 500_000

_CHUNK = 64 * 1024
_NESTED_ARCHIVE_SUFFIXES = (".zip", ".kmz", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz")
_IGNORED_PREFIXES = ("__MACOSX/",)
_IGNORED_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


def check_file_size(
    path: Path, max_bytes: int = MAX_UPLOAD_BYTES, *, name: str | None = None
) -> int:
    """Return the file size; refuse missing, empty or oversized files.

    `name` is what messages call the file (the user's file name for an upload stored under a
    server-chosen path); by default the path's last part.
    """
    shown = name or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise GeoFileError(f"找不到文件「{shown}」。", code="not_found") from exc
    if not path.is_file():
        raise GeoFileError(f"「{shown}」不是文件。", code="not_found")
    check_size(size, max_bytes)
    return size


def check_size(size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an empty or oversized file (its bytes already in hand, or its size on disk)."""
    if size == 0:
        raise GeoFileError("文件是空的（0 字节），请重新导出后上传。", code="empty")
    if size > max_bytes:
        raise GeoFileError(
            f"文件太大（{mb(size)}），上限为 {mb(max_bytes)}。请分批导出后再导入。",
            code="too_large",
        )


def read_file_limited(
    path: Path, max_bytes: int = MAX_UPLOAD_BYTES, *, name: str | None = None
) -> bytes:
    check_file_size(path, max_bytes, name=name)
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise GeoFileError(f"文件太大，上限为 {mb(max_bytes)}。", code="too_large")
    if not data:
        raise GeoFileError("文件是空的（0 字节），请重新导出后上传。", code="empty")
    return data


# --------------------------------------------------------------------------- archives


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 100
    max_total_bytes: int = 200 * MiB
    max_entry_bytes: int = 100 * MiB
    max_ratio: float = 100.0
    ratio_min_bytes: int = 2 * MiB  # tiny files may compress extremely well; ignore them
    allow_nested_archives: bool = False


DEFAULT_ZIP_LIMITS = ZipLimits()


def _eocd_entry_count(data: bytes) -> int | None:
    """Entry count from the End Of Central Directory record, read without zipfile."""
    tail_start = max(0, len(data) - (65535 + 22))
    pos = data.rfind(b"PK\x05\x06", tail_start)
    if pos < 0 or pos + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, pos + 10)
    return int(total)


def _decode_name(info: zipfile.ZipInfo) -> str:
    """Entry name as the user saw it: Windows zips store GBK names without the UTF-8 flag."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_entry_name(name: str) -> None:
    if "\x00" in name:
        raise GeoFileError("压缩包中有文件名含非法字符，已拒绝。", code="zip_path")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise GeoFileError(f"压缩包中的「{name}」使用绝对路径，出于安全原因拒绝。", code="zip_path")
    parts = re.split(r"[\\/]+", name)
    if any(part == ".." for part in parts):
        raise GeoFileError(
            f"压缩包中的「{name}」含有“..”路径（试图写到压缩包外），出于安全原因拒绝。",
            code="zip_path",
        )


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def is_ignored_entry(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith(_IGNORED_PREFIXES) or base in _IGNORED_NAMES or base.startswith("._")


class SafeZip:
    """A zip archive inspected up front and read entry by entry with byte caps."""

    def __init__(
        self, data: bytes, *, limits: ZipLimits = DEFAULT_ZIP_LIMITS, label: str = "压缩包"
    ):
        self.limits = limits
        self.label = label
        self._read_total = 0
        count = _eocd_entry_count(data)
        if count is None:
            raise GeoFileError(
                f"{label}不完整或已损坏（找不到目录区），请重新打包上传。", code="zip_bad"
            )
        if count > limits.max_entries:
            raise GeoFileError(
                f"{label}中的文件太多（{count} 个），上限为 {limits.max_entries} 个。",
                code="zip_entries",
            )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise GeoFileError(f"{label}不完整或已损坏，请重新打包上传。", code="zip_bad") from exc
        if len(infos) > limits.max_entries:
            raise GeoFileError(
                f"{label}中的文件太多（{len(infos)} 个），上限为 {limits.max_entries} 个。",
                code="zip_entries",
            )
        self._entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = _decode_name(info)
            _check_entry_name(name)
            _check_entry_name(info.filename)
            if _is_symlink(info):
                raise GeoFileError(
                    f"{label}中的「{name}」是符号链接，出于安全原因拒绝。", code="zip_symlink"
                )
            if info.flag_bits & 0x1:
                raise GeoFileError(f"{label}中的「{name}」已加密，无法读取。", code="zip_encrypted")
            if info.is_dir() or is_ignored_entry(name):
                continue
            if not limits.allow_nested_archives and name.lower().endswith(_NESTED_ARCHIVE_SUFFIXES):
                raise GeoFileError(
                    f"{label}中含有嵌套的压缩包「{name}」，请解压后直接打包其中的文件。",
                    code="zip_nested",
                )
            self._check_sizes(name, info)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise GeoFileError(
                    f"{label}解压后太大（超过 {mb(limits.max_total_bytes)}），已拒绝。",
                    code="zip_too_large",
                )
            self._entries[name] = info

    def _check_sizes(self, name: str, info: zipfile.ZipInfo) -> None:
        limits = self.limits
        if info.file_size > limits.max_entry_bytes:
            raise GeoFileError(
                f"{self.label}中的「{name}」解压后太大（{mb(info.file_size)}），"
                f"上限为 {mb(limits.max_entry_bytes)}。",
                code="zip_too_large",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise GeoFileError(
                f"{self.label}中的「{name}」压缩比异常（{ratio:.0f}:1），疑似压缩炸弹，已拒绝。",
                code="zip_ratio",
            )

    @property
    def names(self) -> list[str]:
        """Regular file entries (decoded names; directories and OS junk left out)."""
        return list(self._entries)

    def size_of(self, name: str) -> int:
        return self._entries[name].file_size

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """Decompress one entry, counting real output bytes against every cap."""
        return b"".join(self._stream(name, max_bytes))

    def verify_all(self) -> None:
        """Inflate every entry without keeping it: prove each one is exactly its declared size.

        For archives handed afterwards to a library that decompresses on its own (openpyxl,
        python-docx): once this passed, the caps checked on the declared sizes really bound
        what the library can inflate, whatever the local headers claim.
        """
        for name in self._entries:
            for _chunk in self._stream(name, None):
                pass

    def _stream(self, name: str, max_bytes: int | None) -> Iterator[bytes]:
        info = self._entries[name]
        cap = info.file_size
        if max_bytes is not None and cap > max_bytes:
            raise GeoFileError(
                f"{self.label}中的「{name}」太大（{mb(cap)}），上限为 {mb(max_bytes)}。",
                code="zip_too_large",
            )
        produced = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    # Never ask for more than one byte past the declared size: a lying header
                    # is caught after at most one chunk of extra output.
                    chunk = handle.read(min(_CHUNK, cap - produced + 1))
                    if not chunk:
                        break
                    produced += len(chunk)
                    self._read_total += len(chunk)
                    if produced > cap:
                        raise GeoFileError(
                            f"{self.label}中的「{name}」实际大小超过声明的大小，疑似压缩炸弹，已拒绝。",
                            code="zip_size_lie",
                        )
                    if self._read_total > self.limits.max_total_bytes:
                        raise GeoFileError(
                            f"{self.label}解压后太大"
                            f"（超过 {mb(self.limits.max_total_bytes)}），已拒绝。",
                            code="zip_too_large",
                        )
                    yield chunk
        except GeoFileError:
            raise
        except zipfile.BadZipFile as exc:
            # zipfile stops at the size the directory declares and then checks the CRC: a
            # member whose data is longer (a lying header) or altered fails here.
            raise GeoFileError(
                f"{self.label}中的「{name}」与压缩包目录记录的大小或校验值不符，"
                "文件已损坏或被篡改（疑似压缩炸弹），已拒绝。",
                code="zip_bad",
            ) from exc
        except (zlib.error, EOFError, OSError, ValueError) as exc:
            raise GeoFileError(
                f"{self.label}中的「{name}」已损坏或不完整，请重新打包上传。", code="zip_bad"
            ) from exc
        except NotImplementedError as exc:
            raise GeoFileError(
                f"{self.label}中的「{name}」使用了不支持的压缩方式，请用普通 zip 格式重新打包。",
                code="zip_bad",
            ) from exc
        if produced != cap:
            raise GeoFileError(
                f"{self.label}中的「{name}」大小与声明不符，文件可能已损坏。", code="zip_bad"
            )


# --------------------------------------------------------------------------- geometry caps


def check_feature_count(count: int, limit: int = MAX_FEATURES) -> None:
    if count > limit:
        raise GeoFileError(
            f"要素太多（{count} 个），单个文件上限为 {limit} 个，请分批导入。",
            code="too_many_features",
        )


def check_vertex_count(
    geometries: Iterable[BaseGeometry],
    *,
    per_feature: int = MAX_VERTICES_PER_FEATURE,
    total: int = MAX_TOTAL_VERTICES,
) -> int:
    """Refuse a feature with too many vertices, or a file with too many in total."""
    running = 0
    for position, geom in enumerate(geometries):
        count = int(shapely.get_num_coordinates(geom))
        if count > per_feature:
            raise GeoFileError(
                f"第{position + 1}个要素的顶点太多（{count} 个），单个要素上限为 {per_feature} 个，"
                "请先抽稀（简化）后再导入。",
                code="too_many_vertices",
            )
        running += count
        if running > total:
            raise GeoFileError(
                f"文件的顶点总数超过上限 {total} 个，请先抽稀（简化）或分批导入。",
                code="too_many_vertices",
            )
    return running


def check_vertex_estimate(estimate: int, *, total: int = MAX_TOTAL_VERTICES) -> None:
    """Cheap early refusal from an upper-bound count made before parsing (e.g. "[" in JSON).

    The estimate over-counts a little (rings, arrays in attributes), hence the 1.5 slack; the
    exact check runs again on the parsed geometries.
    """
    if estimate > total * 1.5:
        raise GeoFileError(
            f"文件的顶点数约 {estimate} 个，超过上限 {total} 个，请先抽稀（简化）或分批导入。",
            code="too_many_vertices",
        )
