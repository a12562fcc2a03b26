"""Feedback upward: the batch written back in its own file, the photos and the summary, as a ZIP.

`batch_feedback_build(*, user, batch)` builds the ZIP and writes nothing (the download view or
the export job audits the export); `batch_feedback_download` is the registered export builder
(`core.export_jobs`), used at once for ordinary batches and as a job for big ones.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from zerocrop.core.clock import today
from zerocrop.core.downloads import Download
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.evidence import evidence_original_visible, evidence_visible
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.evidence_preview import PREVIEW_SIZES, preview_jpeg
from zerocrop.findings.capabilities import PHOTO_ORIGINALS
from zerocrop.geo.crs import crs_label, normalize_crs
from zerocrop.geo.features import GeoFileError
from zerocrop.monitoring import feedback_files as ff
from zerocrop.monitoring import feedback_summary, kpis
from zerocrop.monitoring.capabilities import TARGET_IMPORT
from zerocrop.monitoring.choices import FalseReason, TargetIssuer, VerifyResult
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.monitoring.selectors import batch_get, targets_visible
from zerocrop.monitoring.states import target_state
from zerocrop.org.capabilities import can

FEEDBACK_EXPORT = "monitoring.batch_feedback"
PHOTO_FOLDER = "照片"
SUMMARY_NAME = "核查情况汇总.docx"
README_NAME = "说明.txt"
NOT_ALLOWED = "只有乡镇管理员可以导出本批次的核查反馈"
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_PHOTO_EXTENSIONS = {"image/png": ".png"}


# --------------------------------------------------------------------------- records


def target_record(target: Target) -> kpis.TargetRecord:
    verified_at = target.verified_at or target.submitted_at
    return kpis.TargetRecord(
        code=target.code,
        status=target.status,
        result=target.result,
        reason=target.reason,
        issued_on=target.issued_on,
        due_on=target.due_on,
        verified_on=timezone.localdate(verified_at) if verified_at else None,
        locally_known=target.locally_known,
        unit=target.unit.name,
        source=target.batch.issuer_level,
    )


def target_records(targets: Iterable[Target]) -> list[kpis.TargetRecord]:
    return [target_record(t) for t in targets]


# --------------------------------------------------------------------------- file names


def safe_name(text: str) -> str:
    """A batch name usable as a file name inside a ZIP and on Windows."""
    cleaned = _UNSAFE_NAME.sub("_", text).strip(" .") or "靶点批次"
    return cleaned[:80]


@dataclass(frozen=True)
class PhotoEntry:
    name: str  # <靶点编号>_<n>.jpg
    evidence: EvidenceFile
    original: bool


def photos_original(*, user: Any, target: Target, evidence: EvidenceFile) -> bool:
    """May the user have the photo's original bytes (EXIF and position included)?

    The rule registered for target photos decides once targets register their photos as
    evidence; until then the finding photos' rule (`finding.photo_originals`) is used.
    """
    if evidence_visible(user=user, evidence=evidence):
        return evidence_original_visible(user=user, evidence=evidence)
    return can(user, PHOTO_ORIGINALS, target.unit)


def target_photos(
    *, user: Any, target: Target, originals: dict[Any, bool] | None = None
) -> list[PhotoEntry]:
    """The target's photos in order, named `<靶点编号>_<n>.jpg` (n from 1).

    Whether the user gets originals is decided once per village (`originals` caches it):
    the rule is about who and where, not about the single file.
    """
    photos = sorted(target.photos.all(), key=lambda p: p.seq)
    if not photos:
        return []
    cache = {} if originals is None else originals
    if target.unit_id not in cache:
        cache[target.unit_id] = photos_original(
            user=user, target=target, evidence=photos[0].evidence
        )
    original = cache[target.unit_id]
    entries = []
    for n, photo in enumerate(photos, start=1):
        ext = _PHOTO_EXTENSIONS.get(photo.evidence.content_type, ".jpg") if original else ".jpg"
        entries.append(PhotoEntry(f"{target.code}_{n}{ext}", photo.evidence, original))
    return entries


def _photo_bytes(entry: PhotoEntry) -> bytes:
    if not default_storage.exists(entry.evidence.storage_name):
        raise ApplicationError(
            f"照片 {entry.name} 的存储文件已丢失，未能生成反馈包，请联系管理员。"
        )
    with default_storage.open(entry.evidence.storage_name, "rb") as file:
        if entry.original:
            return file.read()
        return preview_jpeg(file, max_side=PREVIEW_SIZES["large"])


# --------------------------------------------------------------------------- rows


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _reason(target: Target) -> str:
    if target.result == VerifyResult.FALSE:
        label = FalseReason(target.reason).label if target.reason else ""
        if target.reason_text:
            return f"{label}：{target.reason_text}" if label else target.reason_text
        return label
    if target.result == VerifyResult.DUPLICATE and target.duplicate_of_id:
        text = f"与靶点 {target.duplicate_of.code} 重复"
        return f"{text}；{target.reason_text}" if target.reason_text else text
    return target.reason_text


def _eradication(target: Target) -> str:
    if target.result == VerifyResult.SELF_REMOVED:
        return "已自行铲除"
    if target.finding_id:
        finding = target.finding
        return f"{finding.get_status_display()}（发现点已登记）"
    if target.result == VerifyResult.TRUE:
        return "待登记发现点"
    return ""


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _arrival(target: Target, source_crs: str) -> tuple[float | None, float | None]:
    if target.arrival_lon is None or target.arrival_lat is None:
        return None, None
    x, y = ff.point_to_crs(target.arrival_lon, target.arrival_lat, source_crs)
    digits = 6 if abs(x) <= 180 and abs(y) <= 90 else 2
    return round(x, digits), round(y, digits)


def feedback_values(
    *, target: Target, photos: list[PhotoEntry], source_crs: str, day: date
) -> dict[str, Any]:
    verified = target.result and target.status in kpis.VERIFIED_STATUSES
    lon, lat = _arrival(target, source_crs) if verified else (None, None)
    state = target_state(status=target.status, due_on=target.due_on, today=day)
    names = sorted(p.name for p in target.verifiers.all())
    if verified and target.police_present:
        names.append("（民警在场）")
    return {
        ff.RESULT: VerifyResult(target.result).label if verified else "",
        ff.REASON: _reason(target) if verified else "",
        ff.VERIFIED_AT: _when(target.verified_at) if verified else "",
        ff.VERIFIERS: ";".join(names) if verified else "",
        ff.ARRIVAL_LON: lon,
        ff.ARRIVAL_LAT: lat,
        ff.DISTANCE: _round(target.distance_m, 1) if verified else None,
        ff.PLANTS: target.plant_count if verified else None,
        ff.AREA: _round(target.found_area_m2, 1) if verified else None,
        ff.ERADICATION: _eradication(target) if verified else "",
        ff.PHOTOS: ";".join(p.name for p in photos) if verified else "",
        ff.REVIEW: state.label,
    }


def _attributes(batch: TargetBatch, target: Target) -> dict[str, Any]:
    if target.attributes:
        return dict(target.attributes)
    # A target made without its row (not through the import): the mapped columns at least.
    field_values = {"code": target.code, "lon": target.lon, "lat": target.lat}
    return {column: field_values.get(key) for key, column in (batch.column_map or {}).items()}


def feedback_rows(
    *, user: Any, batch: TargetBatch, targets: list[Target], day: date
) -> tuple[list[ff.FeedbackRow], dict[str, list[PhotoEntry]]]:
    code_column = (batch.column_map or {}).get("code", "")
    rows: list[ff.FeedbackRow] = []
    photos: dict[str, list[PhotoEntry]] = {}
    originals: dict[Any, bool] = {}
    for target in targets:
        entries = target_photos(user=user, target=target, originals=originals)
        photos[target.code] = entries
        values = feedback_values(
            target=target, photos=entries, source_crs=batch.source_crs, day=day
        )
        attributes = _attributes(batch, target)
        rows.append(ff.FeedbackRow(attributes, target.geometry, values, name=target.code))
        # A same-batch near-duplicate merged into this target gets its own row, same result.
        for code in target.merged_codes or []:
            merged = dict(attributes)
            if code_column:
                merged[code_column] = code
            rows.append(ff.FeedbackRow(merged, target.geometry, values, name=str(code)))
    return rows, photos


# --------------------------------------------------------------------------- the package


def _readme(*, batch: TargetBatch, inner: str, originals: bool | None, rows: int) -> str:
    if originals is None:
        photo_line = "本批次没有核查照片。"
    elif originals:
        photo_line = "照片为存证原件（含拍摄时间和位置等 EXIF 信息），未经修改。"
    else:
        photo_line = "照片为预览图（已去除拍摄位置等 EXIF 信息）：导出人无权获取照片原件。"
    crs = crs_label(normalize_crs(batch.source_crs or "wgs84"))
    lines = [
        f"{batch.name} 核查反馈",
        "",
        f"{inner}：按原文件的格式和列写回，原有各列（含靶点编号列）的内容和顺序不变，"
        f"其后新增 {'、'.join(ff.FEEDBACK_COLUMNS)} 共 {len(ff.FEEDBACK_COLUMNS)} 列；"
        f"共 {rows} 行。同批次合并的近似重复靶点各占一行，结论相同。",
        f"坐标系：{crs}（与原文件相同，到达位置也按此坐标系填写）。",
        f"{PHOTO_FOLDER}/：核查照片，按 <靶点编号>_<序号> 命名，与“照片文件名”列一致。{photo_line}",
        f"{SUMMARY_NAME}：核查情况汇总（核查率、属实率、本地已掌握率、超期靶点等及其口径）。",
        "",
        "本文件由 ZeroCrop 禁种铲毒工作平台导出；"
        "再次导入本文件时按靶点编号识别为同一批次，不会重复建批次。",
    ]
    return "\r\n".join(lines) + "\r\n"


def batch_encoding(batch: TargetBatch) -> str:
    """The batch's text encoding; for a Shapefile the import does not record, its .cpg/DBF."""
    if batch.encoding or batch.file_format != "shp":
        return batch.encoding
    try:
        with default_storage.open(batch.source_file.storage_name, "rb") as file:
            return ff.shapefile_source_encoding(file.read())
    except (OSError, GeoFileError):
        return "utf-8"


def _check_allowed(user: Any, batch: TargetBatch) -> None:
    if not can(user, TARGET_IMPORT, batch.unit):
        raise NotPermitted(NOT_ALLOWED)


def batch_feedback_targets(*, user: Any, batch: TargetBatch) -> list[Target]:
    return list(
        targets_visible(user=user)
        .filter(batch=batch)
        .select_related("finding", "duplicate_of", "batch", "unit")
        .prefetch_related("verifiers", "photos__evidence")
        .order_by("row_index", "code")
    )


def batch_feedback_build(*, user: Any, batch: TargetBatch) -> tuple[bytes, str]:
    """The feedback ZIP of a batch and its file name; refused unless the user may import it."""
    _check_allowed(user, batch)
    day = today()
    targets = batch_feedback_targets(user=user, batch=batch)
    rows, photos = feedback_rows(user=user, batch=batch, targets=targets, day=day)
    stem = safe_name(batch.name)
    inner = f"{stem}_核查反馈.{ff.extension(batch.file_format)}"
    data = ff.write_feedback(
        ff.FeedbackFile(
            file_format=batch.file_format,
            columns=list(batch.columns or []),
            encoding=batch_encoding(batch),
            source_crs=batch.source_crs,
            title=batch.name,
            rows=rows,
        )
    )
    entries = [e for items in photos.values() for e in items]
    originals = None if not entries else all(e.original for e in entries)
    records = target_records(targets)
    summary = feedback_summary.summary_docx(
        _summary_facts(user=user, batch=batch, targets=targets, day=day, originals=originals),
        kpis.compute(records, today=day),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(inner, data)
        for entry in entries:
            archive.writestr(f"{PHOTO_FOLDER}/{entry.name}", _photo_bytes(entry))
        archive.writestr(SUMMARY_NAME, summary)
        archive.writestr(
            README_NAME,
            _readme(batch=batch, inner=inner, originals=originals, rows=len(rows)).encode("utf-8"),
        )
    return out.getvalue(), f"{stem}_核查反馈.zip"


def _summary_facts(
    *, user: Any, batch: TargetBatch, targets: list[Target], day: date, originals: bool | None
) -> feedback_summary.SummaryFacts:
    overdue = []
    for target in targets:
        state = target_state(status=target.status, due_on=target.due_on, today=day)
        if state.overdue:
            overdue.append(
                feedback_summary.OverdueItem(
                    target.code, target.unit.name, target.due_on, target.get_status_display()
                )
            )
    photos_note = {
        None: "",
        True: "随附照片为存证原件。",
        False: "随附照片为预览图（导出人无权获取原件，已去除 EXIF 信息）。",
    }[originals]
    return feedback_summary.SummaryFacts(
        batch_name=batch.name,
        issuer=batch.issuer,
        doc_number=batch.doc_number,
        issued_on=batch.issued_on,
        due_on=batch.due_on,
        town=batch.unit.name,
        today=day,
        result_labels=dict(VerifyResult.choices),
        reason_labels=dict(FalseReason.choices),
        overdue=sorted(overdue, key=lambda o: (o.due_on, o.code)),
        photos_note=photos_note,
        filled_by=getattr(user, "display_name", "") or user.get_username(),
        merged=sum(len(t.merged_codes or []) for t in targets),
    )


def batch_feedback_download(*, user: Any, params: dict[str, Any]) -> Download:
    """The registered export: what the view sends at once, or a job builds for a big batch."""
    batch = batch_get(user=user, batch_id=params.get("batch"))
    data, filename = batch_feedback_build(user=user, batch=batch)
    count = sum(
        1 + len(t.merged_codes or []) for t in batch_feedback_targets(user=user, batch=batch)
    )
    return Download(
        data=data,
        filename=filename,
        content_type="application/zip",
        file_format="zip",
        count=count,
        what=f"靶点批次核查反馈：{batch.name}",
    )


def issuer_label(value: str) -> str:
    return dict(TargetIssuer.choices).get(value, value or "未注明")
