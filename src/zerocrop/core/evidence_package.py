"""Evidence packages (证据包): one ZIP a court can check without the system.

An app registers how to collect the evidence of one of its records
(`register_evidence_package(kind, collect=..., label=...)`); `collect(*, user, object_id)` finds
the record *in the user's scope* (404 otherwise) and answers a `PackageSubject`: its files, with
the record that links each, and the audit objects whose events make its timeline.

The ZIP holds `files/` (the stored bytes as received, never re-encoded), `manifest.json` (each
file's size, SHA-256, SM3, receipt time, uploader, owner and EXIF claim, plus who generated the
package, when, for what, and the audit checkpoint at that moment), `manifest.sha256`,
`清单.csv` (the same rows for Excel), `timeline.json` (the subject's audit events with their
chain hashes) and `verify.py` (core/evidence_verify.py, standard library only).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

from zerocrop.core import evidence_verify
from zerocrop.core.audit import (
    audit_action,
    audit_event_genuine,
    audit_events_of,
    current_checkpoint,
)
from zerocrop.core.audit_chain import canonical
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence import evidence_original_visible
from zerocrop.core.evidence_models import EvidenceFile

PACKAGE_VERSION = 1
CSV_NAME = "清单.csv"
TIMELINE = evidence_verify.TIMELINE
README = "说明.txt"
AUDIT_OBJECT_TYPE = "evidence_package"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class PackageItem:
    """One file and the record that links it (e.g. `patrols.patrolphoto` and its id)."""

    evidence: EvidenceFile
    owner_type: str
    owner_id: str
    owner_label: str  # Chinese, e.g. 踏查照片「现场.jpg」


@dataclass(frozen=True)
class PackageSubject:
    title: str  # Chinese, names the record: 踏查记录 毛布拉格村 2022年5月20日
    items: list[PackageItem]
    audit_objects: list[tuple[str, str]]  # (object_type, object_id) whose events form the timeline
    # object_type -> the before/after fields this user may not read (e.g. a finding's police-only
    # facts for a cadre); they are removed from the timeline's events, which are marked redacted.
    redact: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # What the record says, as this user may read it: (Chinese label, value), in the manifest.
    facts: list[tuple[str, str]] = field(default_factory=list)


Collect = Callable[..., PackageSubject]


@dataclass(frozen=True)
class _Registration:
    collect: Collect
    label: str
    redactable: Mapping[str, tuple[str, ...]]


_PACKAGES: dict[str, _Registration] = {}


def register_evidence_package(
    kind: str,
    *,
    collect: Collect,
    label: str,
    redactable: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """`collect(*, user, object_id)` answers the subject in the user's scope or raises Http404.

    `redactable` names the only fields a subject of this kind may redact (by object type); a
    packed event claiming any other field redacted fails the check against the system.
    """
    _PACKAGES[kind] = _Registration(collect=collect, label=label, redactable=redactable or {})


def evidence_package_kinds() -> list[str]:
    return sorted(_PACKAGES)


@dataclass(frozen=True)
class BuiltPackage:
    file: IO[bytes]  # a temporary file, deleted when closed; positioned at 0
    filename: str
    size: int
    sha256: str
    count: int


def _user(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "pk", None):
        return {"id": None, "name": "系统"}
    return {"id": str(user.pk), "name": getattr(user, "display_name", "") or user.get_username()}


def _zip_name(index: int, evidence: EvidenceFile) -> str:
    name = _UNSAFE.sub("_", evidence.original_name).strip(" .") or evidence.sha256[:16]
    return f"files/{index:03d}_{name}"


def redact_event(event: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The event with `fields` removed from its before/after; marked `redacted` (with the fields
    actually removed) when any was there, else returned as it is."""
    names = set(fields)
    removed: set[str] = set()
    result = dict(event)
    for side in ("before", "after"):
        values = event.get(side)
        if isinstance(values, Mapping):
            removed |= names & set(values)
            result[side] = {k: v for k, v in values.items() if k not in names}
    if not removed:
        return dict(event)
    result["redacted"] = True
    result["redacted_fields"] = sorted(removed)
    return result


def _timeline(subject: PackageSubject, *, kind: str, object_id: str) -> list[dict[str, Any]]:
    events = audit_events_of(
        objects=[*subject.audit_objects, (AUDIT_OBJECT_TYPE, f"{kind}:{object_id}")]
    )
    return [
        redact_event(e, subject.redact[e["object_type"]])
        if e["object_type"] in subject.redact
        else e
        for e in events
    ]


def _entry(*, path: str, size: int, sha256: str, sm3: str) -> dict[str, Any]:
    return {"path": path, "size": size, "sha256": sha256, "sm3": sm3}


def _bytes_entry(path: str, data: bytes) -> dict[str, Any]:
    size, sha256, sm3 = evidence_verify.file_hashes(io.BytesIO(data))
    return _entry(path=path, size=size, sha256=sha256, sm3=sm3)


def _csv(files: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "包内文件",
            "原文件名",
            "大小（字节）",
            "SHA-256",
            "SM3",
            "收取时间",
            "上传人",
            "所属记录",
            "所属记录标识",
            "EXIF 声称",
        ]
    )
    for f in files:
        writer.writerow(
            [
                f["path"],
                f["original_name"],
                f["size"],
                f["sha256"],
                f["sm3"],
                f["received_at"],
                f["uploaded_by"]["name"],
                f["owner"]["label"],
                f"{f['owner']['type']}:{f['owner']['id']}",
                canonical(f["exif_claim"]) if f["exif_claim"] else "",
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def _readme(title: str, *, redacted: bool) -> bytes:
    text = (
        f"ZeroCrop 证据包：{title}\n\n"
        "files/          收取时的原始文件（未重新编码）\n"
        "manifest.json   清单：每个文件的大小、SHA-256、SM3、收取时间、上传人、所属记录、"
        "EXIF 声称\n"
        "manifest.sha256 清单本身的 SHA-256（可用 sha256sum -c manifest.sha256 核对）\n"
        f"{CSV_NAME}        同一清单，供 Excel 打开\n"
        "timeline.json   相关记录在审计链中的事件（含链哈希，可由系统核对）\n"
        "verify.py       核对脚本，只需 Python 3.10 或更新版本的标准库：python verify.py\n\n"
        "EXIF 中的拍摄时间与位置是相机的“声称”，可被修改，仅供参考；收取时间由服务器记录。\n"
        "对照系统核对（摘要是否为收取时所记、时间线是否与审计链一致）：\n"
        "zerocrop evidence-verify 证据包.zip\n"
    )
    if redacted:
        text += (
            "\n本证据包已按生成人的权限脱敏：时间线中标注 redacted 的事件去除了仅限民警查看的"
            "字段（redacted_fields），离线无法核验其链哈希；系统核对时按同样规则脱敏后与审计链比对。\n"
        )
    return text.encode("utf-8")


def _write_file(archive: zipfile.ZipFile, path: str, evidence: EvidenceFile) -> None:
    if not default_storage.exists(evidence.storage_name):
        raise ApplicationError(
            f"证据文件「{evidence.original_name}」的存储内容已丢失，无法生成证据包；"
            "请管理员运行 zerocrop evidence-verify 检查证据库"
        )
    with (
        default_storage.open(evidence.storage_name, "rb") as source,
        archive.open(zipfile.ZipInfo(path, date_time=_zip_time()), "w", force_zip64=True) as target,
    ):
        # SM3 only where it was recorded at receipt (OpenSSL may lack it; the pure one is slow).
        size, sha256, sm3 = evidence_verify.file_hashes(
            source, sm3=bool(evidence.sm3), copy_to=target
        )
    if sha256 != evidence.sha256 or (evidence.sm3 and sm3 != evidence.sm3) or size != evidence.size:
        raise ApplicationError(
            f"证据文件「{evidence.original_name}」的存储内容与收取时的摘要不符，无法生成证据包；"
            "请管理员运行 zerocrop evidence-verify 检查证据库"
        )


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _write_bytes(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    info = zipfile.ZipInfo(path, date_time=_zip_time())
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _file_row(path: str, item: PackageItem) -> dict[str, Any]:
    evidence = item.evidence
    return {
        **_entry(path=path, size=evidence.size, sha256=evidence.sha256, sm3=evidence.sm3),
        "evidence_id": str(evidence.pk),
        "original_name": evidence.original_name,
        "content_type": evidence.content_type,
        "kind": evidence.kind,
        "received_at": timezone.localtime(evidence.created_at).isoformat(),
        "uploaded_by": _user(evidence.created_by),
        "owner": {"type": item.owner_type, "id": item.owner_id, "label": item.owner_label},
        "exif_claim": evidence.exif_claim,
    }


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def _unique_items(items: Iterable[PackageItem]) -> list[PackageItem]:
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for item in items:
        key = (str(item.evidence.pk), item.owner_type, item.owner_id)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def evidence_package_build(*, user: Any, kind: str, object_id: str) -> BuiltPackage:
    """Build the package of one record in the user's scope into a temporary file, audited.

    Raises Http404 for an unknown kind or a record outside the user's scope, ApplicationError
    when a stored file is lost or no longer matches its hashes (nothing is exported then).
    """
    registration = _PACKAGES.get(kind)
    if registration is None:
        raise Http404("不存在或无权查看")
    subject = registration.collect(user=user, object_id=object_id)
    for object_type, fields in subject.redact.items():
        if not set(fields) <= set(registration.redactable.get(object_type, ())):
            raise ValueError(f"package {kind!r} redacts unregistered fields of {object_type}")
    # The same scoping as /evidence/<id>/: a file whose original the user may not fetch is not
    # packed either (a package holds originals only, never previews).
    items = [
        i
        for i in _unique_items(subject.items)
        if evidence_original_visible(user=user, evidence=i.evidence)
    ]
    generated_at = timezone.localtime()
    temp = tempfile.TemporaryFile(prefix="zerocrop-package-")  # noqa: SIM115 (returned open)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED) as archive:
            rows = []
            written: dict[str, str] = {}  # evidence id -> path, the same bytes packed once
            for item in items:
                path = written.get(str(item.evidence.pk))
                if path is None:
                    path = _zip_name(len(written) + 1, item.evidence)
                    _write_file(archive, path, item.evidence)
                    written[str(item.evidence.pk)] = path
                rows.append(_file_row(path, item))
            events = _timeline(subject, kind=kind, object_id=object_id)
            redacted = any(e.get("redacted") for e in events)
            timeline = _json(
                {
                    "subject": {"kind": kind, "id": object_id, "title": subject.title},
                    "note": "审计链事件：hash 为密钥 HMAC，"
                    "可由系统用 zerocrop evidence-verify 核对",
                    "events": events,
                }
            )
            table = _csv(rows)
            readme = _readme(subject.title, redacted=redacted)
            verifier = Path(evidence_verify.__file__).read_bytes()
            files = list({r["path"]: r for r in rows}.values())
            manifest = {
                "format": evidence_verify.FORMAT,
                "version": PACKAGE_VERSION,
                "generated_at": generated_at.isoformat(),
                "generated_by": _user(user),
                "subject": {
                    "kind": kind,
                    "kind_label": registration.label,
                    "id": object_id,
                    "title": subject.title,
                    "facts": [{"label": label, "value": value} for label, value in subject.facts],
                },
                "audit_checkpoint": current_checkpoint().to_token(),
                "files": files,
                "links": [
                    {"path": r["path"], "evidence_id": r["evidence_id"], "owner": r["owner"]}
                    for r in rows
                ],
                "package_files": [
                    _bytes_entry(TIMELINE, timeline),
                    _bytes_entry(CSV_NAME, table),
                    _bytes_entry(README, readme),
                    _bytes_entry(evidence_verify.VERIFIER, verifier),
                ],
            }
            manifest_bytes = _json(manifest)
            digest = hashlib.sha256(manifest_bytes).hexdigest()
            _write_bytes(archive, evidence_verify.MANIFEST, manifest_bytes)
            _write_bytes(
                archive,
                evidence_verify.MANIFEST_HASH,
                f"{digest}  {evidence_verify.MANIFEST}\n".encode(),
            )
            _write_bytes(archive, TIMELINE, timeline)
            _write_bytes(archive, CSV_NAME, table)
            _write_bytes(archive, README, readme)
            _write_bytes(archive, evidence_verify.VERIFIER, verifier)
        temp.seek(0)
        size, sha256, _ = evidence_verify.file_hashes(temp, sm3=False)
        temp.seek(0)
    except BaseException:
        temp.close()
        raise
    filename = f"证据包_{_UNSAFE.sub('_', subject.title)}_{generated_at:%Y%m%d%H%M}.zip"
    audit_action(
        actor=user,
        action="export",
        object_type=AUDIT_OBJECT_TYPE,
        object_id=f"{kind}:{object_id}",
        object_repr=f"证据包：{subject.title}"[:255],
        after={"files": len(files), "size": size, "sha256": sha256, "manifest_sha256": digest},
    )
    return BuiltPackage(file=temp, filename=filename, size=size, sha256=sha256, count=len(files))


# --------------------------------------------------------------------------- against the system


def evidence_package_check(*, path: str | Path) -> list[str]:
    """What only the system can check, in Chinese: that the manifest's hashes are the ones the
    store recorded at receipt, and that the timeline's events are the audit chain's, unchanged.

    Run after `evidence_verify.verify_package`, which checks the files against the manifest.
    """
    problems: list[str] = []
    try:
        manifest = json.loads(_member(path, evidence_verify.MANIFEST))
        timeline = json.loads(_member(path, TIMELINE))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return []  # the standalone verifier has reported it
    if not isinstance(manifest, Mapping):
        return []
    for entry in manifest.get("files", []):
        if not isinstance(entry, Mapping):
            continue
        stored = EvidenceFile.objects.filter(pk=_uuid(entry.get("evidence_id"))).first()
        if stored is None:
            problems.append(f"系统中没有该证据文件：{entry.get('path')}")
        elif stored.sha256 != entry.get("sha256") or (
            stored.sm3 and stored.sm3 != entry.get("sm3")
        ):
            problems.append(f"清单中的摘要与系统收取时记录的不符：{entry.get('path')}")
    events = timeline.get("events", []) if isinstance(timeline, Mapping) else []
    subject = manifest.get("subject")
    registration = _PACKAGES.get(subject.get("kind")) if isinstance(subject, Mapping) else None
    redactable = registration.redactable if registration is not None else {}
    for event in events:
        if not isinstance(event, Mapping) or not _event_genuine(event, redactable):
            seq = event.get("seq") if isinstance(event, Mapping) else "?"
            problems.append(f"时间线第 {seq} 号事件与审计链不符（被改动、删除或不属于本系统）")
    return problems


def _event_genuine(event: Mapping[str, Any], redactable: Mapping[str, tuple[str, ...]]) -> bool:
    if not event.get("redacted"):
        return audit_event_genuine(event)
    # A redacted event cannot be re-hashed as it is: the chain's stored event must be genuine,
    # removing the same fields (only those the kind may redact) must give exactly the packed one.
    fields = event.get("redacted_fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        return False
    if not set(fields) <= set(redactable.get(str(event.get("object_type")), ())):
        return False
    try:
        objects = [(str(event["object_type"]), str(event["object_id"]))]
        seq = int(event["seq"])
    except (KeyError, TypeError, ValueError):
        return False
    stored = next((e for e in audit_events_of(objects=objects) if e["seq"] == seq), None)
    if stored is None or not audit_event_genuine(stored):
        return False
    return json.loads(json.dumps(redact_event(stored, fields))) == dict(event)


def _member(path: str | Path, name: str) -> bytes:
    if Path(path).is_dir():
        return (Path(path) / name).read_bytes()
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None
