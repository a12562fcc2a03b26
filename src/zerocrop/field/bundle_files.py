"""Reading an export bundle (the ZIP the outbox page writes when sync is impossible).

Pure module: no Django. The archive is inspected by `SafeZip` (entry names, counts, sizes,
compression ratios) and every entry's SHA-256 is checked against SHA256SUMS, and every file
against its own name, before anything is handed on: a tampered bundle stores nothing.
Layout (docs/field-sync.md "Export bundle"):

    manifest.json, records/<uuid>.json, files/<sha256>, SHA256SUMS
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from zerocrop.core.errors import ApplicationError
from zerocrop.core.sizes import MiB
from zerocrop.geo.safety import SafeZip, ZipLimits

FORMAT = "zerocrop-field-bundle"
VERSION = 1
MAX_BUNDLE_BYTES = 500 * MiB
LIMITS = ZipLimits(
    max_entries=5000,
    max_total_bytes=MAX_BUNDLE_BYTES,
    max_entry_bytes=64 * MiB,
    max_ratio=100.0,
)
LABEL = "离线数据包"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


class BundleError(ApplicationError):
    default_code = "bundle_invalid"
    http_status = 422


@dataclass
class Bundle:
    user: str
    device: str
    exported_at: str
    records: list[dict[str, Any]] = field(default_factory=list)  # each a POST /sync/records body
    files: dict[str, bytes] = field(default_factory=dict)  # by SHA-256


def _json(entries: dict[str, bytes], name: str) -> Any:
    try:
        return json.loads(entries[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BundleError(f"{LABEL}中的「{name}」不是有效的 JSON，数据包可能已损坏") from None


def _sums(archive: SafeZip) -> dict[str, str]:
    if "SHA256SUMS" not in archive.names:
        raise BundleError(f"{LABEL}缺少校验清单，无法确认内容完整")
    try:
        text = archive.read("SHA256SUMS").decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(f"{LABEL}的校验清单无法读取") from None
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _SUMS_LINE.match(line.strip())
        if match is None:
            raise BundleError(f"{LABEL}的校验清单第 {number} 行格式不对")
        sums[match.group(2)] = match.group(1)
    return sums


def _verified(archive: SafeZip, sums: dict[str, str]) -> dict[str, bytes]:
    """Every entry but SHA256SUMS, each read once and checked against its listed hash."""
    entries: dict[str, bytes] = {}
    for name in archive.names:
        if name == "SHA256SUMS":
            continue
        listed = sums.get(name)
        if listed is None:
            raise BundleError(f"{LABEL}中的「{name}」不在校验清单中，数据包可能被改动过")
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != listed:
            raise BundleError(f"{LABEL}中的「{name}」校验不符（摘要不一致），数据包已损坏或被改动")
        entries[name] = data
    missing = [name for name in sums if name not in entries]
    if missing:
        raise BundleError(f"{LABEL}缺少校验清单中列出的「{missing[0]}」")
    return entries


def read_bundle(data: bytes) -> Bundle:
    """The bundle's records and files, every byte verified; or a BundleError (Chinese)."""
    archive = SafeZip(data, limits=LIMITS, label=LABEL)
    sums = _sums(archive)
    entries = _verified(archive, sums)
    if "manifest.json" not in entries:
        raise BundleError(f"{LABEL}缺少数据包清单，不是外业应用导出的数据包")
    manifest = _json(entries, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"这不是外业应用导出的{LABEL}（数据包清单的格式标记不对）")
    if manifest.get("version") != VERSION:
        raise BundleError(f"{LABEL}的格式版本 {manifest.get('version')} 无法识别，请升级平台")
    bundle = Bundle(
        user=str(manifest.get("user") or ""),
        device=str(manifest.get("device") or ""),
        exported_at=str(manifest.get("exported_at") or ""),
    )
    for item in manifest.get("files") or []:
        sha, path = str(item.get("sha256", "")), str(item.get("path", ""))
        if not _SHA256.match(sha) or path not in entries:
            raise BundleError(f"{LABEL}的文件清单中有无法识别的条目「{path or sha}」")
        content = entries[path]
        if hashlib.sha256(content).hexdigest() != sha:
            raise BundleError(f"{LABEL}中的文件「{path}」与其摘要不符，数据包已损坏或被改动")
        bundle.files[sha] = content
    for item in manifest.get("records") or []:
        path = str(item.get("path", ""))
        if path not in entries:
            raise BundleError(f"{LABEL}缺少记录「{path}」")
        body = _json(entries, path)
        if not isinstance(body, dict) or str(body.get("uuid", "")) != str(item.get("uuid", "")):
            raise BundleError(f"{LABEL}中的记录「{path}」与清单不符")
        bundle.records.append(body)
    if not bundle.records:
        raise BundleError(f"{LABEL}中没有任何记录")
    return bundle
