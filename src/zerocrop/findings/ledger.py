"""The Excel 发现铲除台账 (one row per finding, field_and_reporting.md §2.3b), inline or as a job.

Police-only columns (grower, prior handling) are filled only for users who may read them; for
everyone else the columns stay, empty, so every copy of the ledger has the same layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from zerocrop.core.audit import checkpoint_note
from zerocrop.core.clock import today
from zerocrop.core.downloads import Download
from zerocrop.core.ledger import Column, Ledger, Note, ledger_xlsx
from zerocrop.findings import selectors
from zerocrop.findings.choices import CRS_CHOICES, CountingMethod
from zerocrop.findings.models import Finding
from zerocrop.findings.selectors_persons import sees_cases
from zerocrop.findings.visibility import sees_police_fields
from zerocrop.geo.downloads import scope_name

FINDING_EXPORT = "findings.finding_export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CRS_LABELS = dict(CRS_CHOICES)

COLUMNS = [
    Column("_seq", "编号"),
    Column("found_at", "发现日期时间"),
    Column("source", "发现方式"),
    Column("source_ref", "来源编号"),
    Column("place", "地点（村组+地名）"),
    Column("lon", "经度", number_format="0.000000"),
    Column("lat", "纬度", number_format="0.000000"),
    Column("crs", "坐标系"),
    Column("setting", "地块类型"),
    Column("species", "植物种类"),
    Column("stage", "生长期"),
    Column("area_m2", "面积（m²）"),
    Column("plants", "株数"),
    Column("counting", "计数方法"),
    Column("grower", "种植人 或 无主"),
    Column("self_removed", "是否自行铲除/收获前"),
    Column("eradicated_on", "铲除日期"),
    Column("eradicators", "铲除人员/见证人（村干部）"),
    Column("destruction", "销毁方式"),
    Column("photos", "铲除前后照片号"),
    Column("reported", "移交派出所时间/接收人"),
    Column("outcome", "处理结果"),
    Column("recheck", "复查日期/结果"),
    Column("state", "状态"),
]


def _local(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _grower(finding: Finding, police: bool) -> str:
    if not police:
        return ""
    if finding.grower_id:
        return f"{finding.grower.name}（{finding.grower.unit.name}）"
    return "无主" if finding.grower_unowned else ""


def _outcome(finding: Finding, user: Any) -> str:
    if not sees_cases(user):
        return ""
    return "；".join(
        f"{c.number} {c.outcome_label or c.get_status_display()}" for c in finding.cases.all()
    )


def _reported(finding: Finding) -> str:
    if not finding.reported_at:
        return ""
    return f"{_local(finding.reported_at):%Y-%m-%d %H:%M} {finding.report_receiver}".strip()


def finding_rows(findings: Iterable[Finding], *, user: Any, today: date) -> list[dict[str, object]]:
    rows = []
    for finding in findings:
        police = sees_police_fields(user, finding)
        eradications = list(finding.eradications.all())
        rechecks = list(finding.rechecks.all())
        photos = [p for p in finding.photos.all() if p.phase in ("before", "after")]
        last = eradications[-1] if eradications else None
        rows.append(
            {
                "found_at": _local(finding.found_at),
                "source": finding.get_source_display(),
                "source_ref": finding.source_ref,
                "place": f"{finding.unit.name} {finding.place}".strip(),
                "lon": finding.lon,
                "lat": finding.lat,
                "crs": f"WGS84（录入：{CRS_LABELS.get(finding.source_crs, finding.source_crs)}）",
                "setting": finding.get_setting_display(),
                "species": finding.species_label,
                "stage": finding.get_stage_display(),
                "area_m2": finding.area_m2,
                "plants": finding.plant_count,
                "counting": (
                    f"样方推算（{len(finding.quadrats)} 个样方）"
                    if finding.counting_method == CountingMethod.SAMPLED
                    else "实数"
                ),
                "grower": _grower(finding, police),
                "self_removed": "是" if finding.self_removed else "否",
                "eradicated_on": _local(last.done_at) if last else None,
                "eradicators": (
                    "、".join(p.name for p in last.done_by.all())
                    + " / "
                    + "、".join(p.name for p in last.witnesses.all())
                    if last
                    else ""
                ),
                "destruction": last.destruction if last else "",
                "photos": "、".join(p.evidence.sha256[:8] for p in photos),
                "reported": _reported(finding),
                "outcome": _outcome(finding, user) if police else "",
                "recheck": "；".join(
                    f"{_local(r.done_at):%Y-%m-%d} "
                    + (f"再生 {r.regrowth_plants} 株" if r.regrowth else "未见再生")
                    for r in rechecks
                ),
                "state": selectors.state_label(selectors.finding_state(finding, today=today)),
            }
        )
    return rows


def finding_workbook(
    *, findings: Sequence[Finding], user: Any, today: date, unit_name: str = "", filled_by: str = ""
) -> bytes:
    ledger = Ledger(
        title=f"发现铲除台账（截至{today:%Y年%m月%d日}）",
        sheet="发现铲除台账",
        columns=COLUMNS,
        rows=finding_rows(findings, user=user, today=today),
        unit_name=unit_name,
        filled_by=filled_by,
        reported_on=today,
        notes=[
            Note("照片号为证据文件 SHA-256 摘要的前 8 位，可在系统中核对原文件。"),
            Note(checkpoint_note()),
        ],
    )
    return ledger_xlsx(ledger)


def export_queryset(*, user: Any, params: dict[str, Any]) -> Any:
    return (
        selectors.finding_list(
            user=user,
            unit_id=params.get("unit") or None,
            species=params.get("species", ""),
            state=params.get("state", ""),
            source=params.get("source", ""),
            today=today(),
        )
        .select_related("grower__unit")
        .prefetch_related(
            "eradications__done_by",
            "eradications__witnesses",
            "rechecks",
            "photos__evidence",
            "cases",
        )
        .order_by("found_at")
    )


def finding_download(*, user: Any, params: dict[str, Any]) -> Download:
    day = today()
    findings = list(export_queryset(user=user, params=params))
    data = finding_workbook(
        findings=findings,
        user=user,
        today=day,
        unit_name=scope_name(user),
        filled_by=user.display_name,
    )
    return Download(
        data=data,
        filename=f"发现铲除台账{day:%Y%m%d}.xlsx",
        content_type=XLSX_TYPE,
        file_format="xlsx",
        count=len(findings),
        what="发现铲除台账",
        ascii_name=f"zerocrop-findings-{day:%Y%m%d}.xlsx",
    )
