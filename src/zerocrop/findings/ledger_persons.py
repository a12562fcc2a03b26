"""The Excel 重点人员走访台账 (one row per visit; a key person never visited gets one empty row).

The columns are assembled from field_and_reporting.md §2.3 and §2.4 (逐人走访、谈话教育、发放
告知书): no official form was found. No findings or cases are in it, so it may go to cadres;
the ID-card number is masked for everyone but the police and the town admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zerocrop.core.clock import today
from zerocrop.core.downloads import Download
from zerocrop.core.ledger import Column, Ledger, Note, ledger_xlsx
from zerocrop.findings import selectors_persons
from zerocrop.findings.models import KeyPerson
from zerocrop.findings.visibility import sees_police_fields
from zerocrop.geo.downloads import scope_name
from zerocrop.org.templatetags.people import phone_masked

VISIT_EXPORT = "findings.visit_export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    Column("_seq", "序号"),
    Column("name", "姓名"),
    Column("unit", "村（社区）"),
    Column("category", "类别"),
    Column("id_number", "身份证号"),
    Column("phone", "电话"),
    Column("address", "住址"),
    Column("visited_on", "走访日期"),
    Column("visitors", "走访人员"),
    Column("notes", "走访情况"),
    Column("notice_given", "告知书发放"),
    Column("notice_signed", "告知书签收"),
    Column("scan", "签收件号"),
]


def visit_rows(people: Iterable[KeyPerson], *, user: Any) -> list[dict[str, object]]:
    police = sees_police_fields(user)
    rows: list[dict[str, object]] = []
    for person in people:
        base = {
            "name": person.name,
            "unit": person.unit.name,
            "category": person.get_category_display(),
            "id_number": (
                person.id_number if police else selectors_persons.mask_id_number(person.id_number)
            ),
            "phone": person.phone if police else phone_masked(person.phone),
            "address": person.address,
        }
        visits = sorted(person.visits.all(), key=lambda v: v.visited_on)
        if not visits:
            rows.append({**base, "notes": "尚未走访"})
        for visit in visits:
            rows.append(
                {
                    **base,
                    "visited_on": visit.visited_on,
                    "visitors": "、".join(p.name for p in visit.visitors.all()),
                    "notes": visit.notes,
                    "notice_given": "是" if visit.notice_given else "否",
                    "notice_signed": "是" if visit.notice_signed else "否",
                    "scan": visit.scan.sha256[:8] if visit.scan_id else "",
                }
            )
    return rows


def export_queryset(*, user: Any, params: dict[str, Any]) -> Any:
    return (
        selectors_persons.key_person_list(
            user=user,
            unit_id=params.get("unit") or None,
            category=params.get("category", ""),
            query=params.get("q", ""),
        )
        .prefetch_related("visits__visitors", "visits__scan")
        .order_by("unit__path", "name")
    )


def visit_download(*, user: Any, params: dict[str, Any]) -> Download:
    day = today()
    people = list(export_queryset(user=user, params=params))
    data = ledger_xlsx(
        Ledger(
            title=f"重点人员走访台账（截至{day:%Y年%m月%d日}）",
            sheet="重点人员走访台账",
            columns=COLUMNS,
            rows=visit_rows(people, user=user),
            unit_name=scope_name(user),
            filled_by=user.display_name,
            reported_on=day,
            notes=[Note("签收件号为告知书扫描件 SHA-256 摘要的前 8 位，可在系统中核对原文件。")],
        )
    )
    return Download(
        data=data,
        filename=f"重点人员走访台账{day:%Y%m%d}.xlsx",
        content_type=XLSX_TYPE,
        file_format="xlsx",
        count=len(people),
        what="重点人员走访台账",
        ascii_name=f"zerocrop-key-person-visits-{day:%Y%m%d}.xlsx",
    )
