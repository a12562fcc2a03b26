"""Verify a ZeroCrop evidence package (证据包) using only Python's standard library.

This file is copied unchanged into every package as `verify.py`, so it must stay standalone:
no Django, no project imports, nothing outside the standard library. Run it in the unpacked
folder, or give it the ZIP:

    python verify.py              核对本文件夹中的证据包
    python verify.py 证据包.zip    核对一个 ZIP
    python verify.py --pure-sm3   SM3 用本脚本自带的纯 Python 实现（不依赖 OpenSSL）

It re-hashes every listed file (SHA-256 and SM3), checks manifest.json against
manifest.sha256, and reports in Chinese every file changed, missing or extra. Exit code 0 when
everything matches, 1 otherwise. manifest.sha256 only shows that manifest.json was edited after
packing; whether the hashes are those recorded at receipt is checked against the system with
`zerocrop evidence-verify 证据包.zip`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "zerocrop-evidence-package"
MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
VERIFIER = "verify.py"
TIMELINE = "timeline.json"
UNLISTED = frozenset({MANIFEST, MANIFEST_HASH})  # the two files that cannot list themselves
CHUNK = 1024 * 1024

# --------------------------------------------------------------------------- SM3 (GB/T 32905-2016)

_IV = (
    0x7380166F,
    0x4914B2B9,
    0x172442D7,
    0xDA8A0600,
    0xA96F30BC,
    0x163138AA,
    0xE38DEE4D,
    0xB0FB0E4E,
)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


_T = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _compress(v: list[int], block: bytes) -> list[int]:
    w = [int.from_bytes(block[i : i + 4], "big") for i in range(0, 64, 4)]
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
        w.append((x ^ _rotl(x, 15) ^ _rotl(x, 23)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff = a ^ b ^ c
            gg = e ^ f ^ g
        else:
            ff = (a & b) | (a & c) | (b & c)
            gg = (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f = g, _rotl(f, 19), e
        e = tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
    return [x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True)]


class PureSM3:
    """SM3 in pure Python with hashlib's update()/hexdigest() interface (slow; needs nothing)."""

    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._v = list(_IV)
        self._buffer = b""
        self._length = 0
        self.update(data)

    def update(self, data: bytes) -> None:
        self._length += len(data)
        buffer = self._buffer + bytes(data)
        whole = len(buffer) - len(buffer) % 64
        for i in range(0, whole, 64):
            self._v = _compress(self._v, buffer[i : i + 64])
        self._buffer = buffer[whole:]

    def hexdigest(self) -> str:
        tail = self._buffer + b"\x80" + b"\x00" * ((55 - len(self._buffer)) % 64)
        tail += (self._length * 8).to_bytes(8, "big")
        v = self._v
        for i in range(0, len(tail), 64):
            v = _compress(v, tail[i : i + 64])
        return "".join(f"{x:08x}" for x in v)


def sm3_hasher(*, pure: bool = False) -> Any:
    """OpenSSL's SM3 when this Python has it (fast), else the pure one."""
    if not pure and "sm3" in hashlib.algorithms_available:
        try:
            return hashlib.new("sm3")
        except ValueError:  # listed but disabled by the OpenSSL configuration
            pass
    return PureSM3()


def file_hashes(
    file: IO[bytes], *, pure_sm3: bool = False, sm3: bool = True, copy_to: IO[bytes] | None = None
) -> tuple[int, str, str]:
    """(size, SHA-256, SM3) of a file read from where it stands to its end; SM3 is "" when not
    asked for. `copy_to` receives the bytes as they are hashed."""
    sha256, size = hashlib.sha256(), 0
    sm3_hash = sm3_hasher(pure=pure_sm3) if sm3 else None
    while chunk := file.read(CHUNK):
        size += len(chunk)
        sha256.update(chunk)
        if sm3_hash is not None:
            sm3_hash.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return size, sha256.hexdigest(), sm3_hash.hexdigest() if sm3_hash is not None else ""


# --------------------------------------------------------------------------- the package


class _Folder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def open(self, name: str) -> IO[bytes]:
        return (self.root / name).open("rb")


class _Zip:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def names(self) -> set[str]:
        return {n for n in self.archive.namelist() if not n.endswith("/")}

    def open(self, name: str) -> IO[bytes]:
        return self.archive.open(name)


@dataclass
class Report:
    """What was checked and every problem found, each a Chinese sentence."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not problems: what could not be checked
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [
                f"核对通过：{self.checked} 个文件的大小、SHA-256 和 SM3 与清单一致，"
                "无缺少、无多余。",
                *self.notes,
            ]
        return [
            *self.problems,
            *self.notes,
            f"共发现 {len(self.problems)} 处问题（核对了 {self.checked} 个文件）。",
        ]


def _safe(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _entries(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("files", "package_files"):
        entries = manifest.get(key, [])
        if isinstance(entries, list):
            yield from (e for e in entries if isinstance(e, dict))


def _check_entry(
    source: Any, entry: dict[str, Any], present: set[str], report: Report, pure: bool
) -> None:
    name = entry.get("path")
    if not _safe(name):
        report.problems.append(f"清单中的文件名不合法：{name!r}")
        return
    if name not in present:
        report.problems.append(f"缺少文件：{name}")
        return
    with source.open(name) as file:
        size, sha256, sm3 = file_hashes(file, pure_sm3=pure)
    report.checked += 1
    if sha256 != entry.get("sha256"):
        report.problems.append(
            f"文件内容已改变：{name}（SHA-256 不符，清单 {entry.get('sha256')}，实际 {sha256}）"
        )
    elif entry.get("sm3") and sm3 != entry["sm3"]:
        report.problems.append(
            f"文件内容已改变：{name}（SM3 不符，清单 {entry['sm3']}，实际 {sm3}）"
        )
    elif entry.get("size") is not None and size != entry["size"]:
        report.problems.append(
            f"文件大小不符：{name}（清单 {entry['size']} 字节，实际 {size} 字节）"
        )


def _read_manifest(source: Any, present: set[str], report: Report) -> dict[str, Any] | None:
    if MANIFEST not in present:
        report.problems.append(f"缺少 {MANIFEST}，无法核对")
        return None
    with source.open(MANIFEST) as file:
        raw = file.read()
    if MANIFEST_HASH not in present:
        report.problems.append(f"缺少 {MANIFEST_HASH}，无法确认清单未被改动")
    else:
        with source.open(MANIFEST_HASH) as file:
            recorded = file.read().decode("utf-8", "replace").split()
        if not recorded or recorded[0].lower() != hashlib.sha256(raw).hexdigest():
            report.problems.append(f"{MANIFEST} 已被改动（与 {MANIFEST_HASH} 中的 SHA-256 不符）")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        report.problems.append(f"{MANIFEST} 无法读取（不是有效的 JSON）")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append(f"{MANIFEST} 不是 ZeroCrop 证据包清单")
        return None
    return manifest


def _verify(source: Any, *, pure_sm3: bool) -> Report:
    report = Report()
    present = source.names()
    manifest = _read_manifest(source, present, report)
    if manifest is None:
        return report
    report.manifest = manifest
    listed: set[str] = set()
    for entry in _entries(manifest):
        _check_entry(source, entry, present, report, pure_sm3)
        listed.add(entry.get("path"))
    for name in sorted(present - listed - UNLISTED):
        report.problems.append(f"多出清单之外的文件：{name}")
    if TIMELINE in listed and TIMELINE in present:
        report.notes.extend(_redacted_notes(source))
    return report


def _redacted_notes(source: Any) -> list[str]:
    """A redacted event (fields the packer's user may not read were removed) is not tampering,
    but its chain hash cannot be re-computed from what is left; say so for each."""
    try:
        with source.open(TIMELINE) as file:
            timeline = json.loads(file.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    events = timeline.get("events", []) if isinstance(timeline, dict) else []
    notes = []
    for event in events:
        if isinstance(event, dict) and event.get("redacted"):
            fields = event.get("redacted_fields")
            named = "、".join(str(f) for f in fields) if isinstance(fields, list) else ""
            notes.append(
                f"时间线第 {event.get('seq')} 号事件已脱敏，离线无法核验链哈希"
                f"（去除了 {named}；可由系统用 zerocrop evidence-verify 核对）"
            )
    return notes


def verify_package(path: str | Path, *, pure_sm3: bool = False) -> Report:
    """Verify an unpacked package folder or a package ZIP."""
    path = Path(path)
    if path.is_dir():
        return _verify(_Folder(path), pure_sm3=pure_sm3)
    if not path.is_file():
        return Report(problems=[f"找不到证据包：{path}"])
    try:
        with zipfile.ZipFile(path) as archive:
            return _verify(_Zip(archive), pure_sm3=pure_sm3)
    except zipfile.BadZipFile:
        return Report(problems=[f"不是有效的 ZIP 文件：{path}"])


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(
        description="核对 ZeroCrop 证据包：逐个文件重新计算 SHA-256 与 SM3"
    )
    parser.add_argument(
        "package", nargs="?", help="证据包 ZIP 或解压后的文件夹（默认：本脚本所在文件夹）"
    )
    parser.add_argument(
        "--pure-sm3", action="store_true", help="SM3 用纯 Python 计算（不依赖 OpenSSL）"
    )
    args = parser.parse_args(argv)
    target = args.package or Path(__file__).resolve().parent
    report = verify_package(target, pure_sm3=args.pure_sm3)
    for line in report.lines():
        out(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
