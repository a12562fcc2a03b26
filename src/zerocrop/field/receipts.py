"""The server's receipt of a synced record (服务器回执), and its side of a conflict."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zerocrop.field.choices import RecordKind, RecordStatus
from zerocrop.field.models import SyncFile, SyncRecord
from zerocrop.field.services_files import file_state
from zerocrop.findings.models import Eradication, Finding

# What a finding's receipt may change once it is applied (through `finding_update`).
FINDING_EDITABLE = ("stage", "setting", "place", "note")


def waiting_for(record: SyncRecord) -> list[str]:
    payload = record.payload or {}
    pointer = {
        RecordKind.FINDING: payload.get("patrol_uuid"),
        RecordKind.ERADICATION: None if payload.get("finding_id") else payload.get("finding_uuid"),
    }.get(record.kind)
    if not pointer:
        return []
    applied = SyncRecord.objects.filter(client_uuid=pointer, status=RecordStatus.APPLIED).exists()
    return [] if applied else [str(pointer)]


def _object(record: SyncRecord) -> dict[str, Any] | None:
    if not record.object_id:
        return None
    url = label = ""
    if record.object_type == "patrols.patrolrecord":
        url = reverse("patrol-detail", kwargs={"record_id": record.object_id})
        label = "踏查记录"
    elif record.object_type == "findings.finding":
        finding = Finding.objects.filter(pk=record.object_id).first()
        url = reverse("finding-detail", kwargs={"finding_id": record.object_id})
        label = str(finding) if finding else "发现点"
    elif record.object_type == "findings.eradication":
        eradication = Eradication.objects.filter(pk=record.object_id).first()
        if eradication is not None:
            url = reverse("finding-detail", kwargs={"finding_id": eradication.finding_id})
        label = "铲除记录"
    elif record.object_type == "monitoring.target":
        url = reverse("target-detail", kwargs={"target_id": record.object_id})
        label = "靶点核查"
    return {"type": record.object_type, "id": str(record.object_id), "url": url, "label": label}


def record_receipt(record: SyncRecord) -> dict[str, Any]:
    """The server's receipt of a record, which the phone keeps as proof (服务器回执)."""
    entries = record.files or []
    rows = {r.sha256: r for r in SyncFile.objects.filter(sha256__in=[e["sha256"] for e in entries])}
    files = []
    for entry in entries:
        sha = entry["sha256"]
        state = file_state(rows.get(sha), sha256=sha, size=entry.get("size"))
        files.append({k: state[k] for k in ("sha256", "received", "size", "complete")})
    return {
        "uuid": str(record.client_uuid),
        "kind": record.kind,
        "status": record.status,
        "status_label": record.get_status_display(),
        "received_at": record.received_at.isoformat(),
        "applied_at": record.applied_at.isoformat() if record.applied_at else None,
        "missing_files": [f["sha256"] for f in files if not f["complete"]],
        "files": files,
        "waiting_for": [] if record.status == RecordStatus.APPLIED else waiting_for(record),
        "object": _object(record),
        "version": current_version(record),
        "error": record.error,
        "error_field": record.error_field,
    }


def server_side(record: SyncRecord) -> dict[str, Any]:
    payload = dict(record.payload or {})
    if record.object_type == "findings.finding" and record.object_id:
        finding = Finding.objects.filter(pk=record.object_id).first()
        if finding is not None:  # what the office may have changed on the web since
            payload.update({name: getattr(finding, name) for name in FINDING_EDITABLE})
    return {"receipt": record_receipt(record), "payload": payload}


def current_version(record: SyncRecord) -> str:
    if record.status == RecordStatus.APPLIED and record.object_type == "findings.finding":
        finding = Finding.objects.filter(pk=record.object_id).first()
        if finding is not None:
            return finding.updated_at.isoformat()
    return record.version
