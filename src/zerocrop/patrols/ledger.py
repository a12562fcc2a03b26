"""The Excel 踏查台账 of a round's dead corners, and its export (inline or as a job)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zerocrop.core.audit import checkpoint_note
from zerocrop.core.clock import today
from zerocrop.core.downloads import Download
from zerocrop.core.ledger import Column, Ledger, Note, ledger_xlsx
from zerocrop.core.units import mu
from zerocrop.geo.downloads import scope_name
from zerocrop.org.selectors import villages_and_communities
from zerocrop.patrols import selectors

DEAD_CORNER_EXPORT = "patrols.dead_corner_export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    Column("_seq", "序号"),
    Column("unit", "村（社区）"),
    Column("code", "任务编号"),
    Column("kind", "类型"),
    Column("target", "地块/区域"),
    Column("state", "状态"),
    Column("covered", "覆盖率（%）"),
    Column("area_mu", "面积（亩）"),
    Column("assignees", "分包人员"),
    Column("team", "踏查组"),
    Column("reason", "退回原因"),
    Column("days_left", "剩余天数"),
    Column("lon", "中心经度"),
    Column("lat", "中心纬度"),
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
                "area_mu": mu(cell.area_m2),
                "assignees": "、".join(corner.assignees) or "未分配",
                "team": cell.team,
                "reason": cell.reason,
                "days_left": corner.days_left,
                "lon": round((cell.min_lon + cell.max_lon) / 2, 6),
                "lat": round((cell.min_lat + cell.max_lat) / 2, 6),
            }
        )
    return rows


def dead_corner_workbook(
    *,
    survey_round: Any,
    corners: Sequence[Any],
    today: date,
    unit_name: str = "",
    filled_by: str = "",
) -> bytes:
    title = f"{survey_round.name}踏查台账（未覆盖任务，截至{today:%Y年%m月%d日}）"
    ledger = Ledger(
        title=title,
        sheet="踏查台账",
        columns=COLUMNS,
        rows=dead_corner_rows(corners),
        unit_name=unit_name,
        filled_by=filled_by,
        reported_on=today,
        notes=[Note(checkpoint_note())],
    )
    return ledger_xlsx(ledger)


def dead_corner_download(*, user: Any, params: dict[str, Any]) -> Download:
    """The round's dead corners (`params["round"]`, optionally one `params["unit"]`) as Excel."""
    survey_round = selectors.round_get(user=user, round_id=params["round"])
    villages = villages_and_communities(user=user).filter(pk__in=survey_round.units.all())
    unit = selectors.unit_choice(villages, params.get("unit"))
    day = today()
    corners = selectors.dead_corners(
        user=user, survey_round=survey_round, today=day, unit_id=str(unit.pk) if unit else None
    )
    data = dead_corner_workbook(
        survey_round=survey_round,
        corners=corners,
        today=day,
        unit_name=unit.name if unit else scope_name(user),
        filled_by=user.display_name,
    )
    stamp = day
    return Download(
        data=data,
        filename=f"{survey_round.name}踏查台账{stamp:%Y%m%d}.xlsx",
        content_type=XLSX_TYPE,
        file_format="xlsx",
        count=len(corners),
        ascii_name=f"zerocrop-dead-corners-{stamp:%Y%m%d}.xlsx",
    )
