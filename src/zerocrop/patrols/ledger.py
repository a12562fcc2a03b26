"""The Excel 踏查台账 of a round's dead corners."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zerocrop.geo.exports import with_audit_checkpoint
from zerocrop.geo.writers import write_excel_ledger

COLUMNS = [
    ("_seq", "序号"),
    ("unit", "村（社区）"),
    ("code", "任务编号"),
    ("kind", "类型"),
    ("target", "地块/区域"),
    ("state", "状态"),
    ("covered", "覆盖率（%）"),
    ("area_mu", "面积（亩）"),
    ("assignees", "分包人员"),
    ("team", "踏查组"),
    ("reason", "退回原因"),
    ("days_left", "剩余天数"),
    ("lon", "中心经度"),
    ("lat", "中心纬度"),
]


def dead_corner_rows(corners: Sequence[Any]) -> list[dict[str, object]]:
    rows = []
    for corner in corners:
        cell = corner.cell
        rows.append(
            {
                "unit": cell.unit.name,
                "code": cell.code,
                "kind": cell.get_kind_display(),
                "target": cell.plot.name if cell.plot else (cell.zone.name if cell.zone else ""),
                "state": cell.get_state_display(),
                "covered": round(100 * cell.covered_fraction, 1),
                "area_mu": round(cell.area_m2 / 666.6667, 2),
                "assignees": "、".join(corner.assignees) or "未分配",
                "team": cell.team,
                "reason": cell.reason,
                "days_left": corner.days_left,
                "lon": round((cell.min_lon + cell.max_lon) / 2, 6),
                "lat": round((cell.min_lat + cell.max_lat) / 2, 6),
            }
        )
    return rows


def dead_corner_workbook(*, survey_round: Any, corners: Sequence[Any], today: date) -> bytes:
    title = f"{survey_round.name}踏查台账（未覆盖任务，截至{today:%Y年%m月%d日}）"
    return with_audit_checkpoint(
        write_excel_ledger(dead_corner_rows(corners), COLUMNS, sheet_title="踏查台账", title=title)
    )
