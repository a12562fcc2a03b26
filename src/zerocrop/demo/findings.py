"""Three demo findings around the demo date (2022-07-10): one eradicated and re-checked, one
eradicated and due for its re-check, one overdue, so the findings pages and panels have content;
two key persons, a home visit and a case, so the 重点人员 and 案件 pages have content too."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from PIL import Image
from shapely.geometry import mapping, shape

from zerocrop.campaigns.models import Campaign
from zerocrop.findings.choices import KeyPersonCategory
from zerocrop.findings.models import Finding
from zerocrop.findings.services import (
    finding_eradicate,
    finding_recheck,
    finding_record,
    finding_update,
)
from zerocrop.findings.services_persons import case_create, key_person_create, visit_record
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.org.models import AdminUnit, Person

LOCAL = ZoneInfo("Asia/Shanghai")


def _photo(label: str, colour: tuple[int, int, int]) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG", quality=80)
    return f"示例{label}.jpg", buffer.getvalue()


def _point(unit: AdminUnit, rank: int = 0) -> dict:
    plot = Plot.objects.filter(unit=unit, voided_at__isnull=True).order_by("sort_key")[
        rank : rank + 1
    ]
    if plot:
        return mapping(shape(plot[0].geometry).representative_point())
    return mapping(shape(UnitBoundary.objects.get(unit=unit).geometry).representative_point())


def _cadre(unit: AdminUnit) -> Person:
    people = Person.objects.filter(unit=unit).order_by("created_at")
    return next((p for p in people if "书记" in p.title or "主任" in p.title), people.first())


@transaction.atomic
def demo_findings_load(*, campaign: Campaign) -> int:
    """Idempotent: nothing is added once the campaign has findings."""
    if Finding.objects.filter(campaign=campaign).exists():
        return 0
    town = campaign.unit
    wyw = AdminUnit.objects.get(parent=town, name="王窑湾村")
    pzw = AdminUnit.objects.get(parent=town, name="排子湾村")
    wyw_cadre, pzw_cadre = _cadre(wyw), _cadre(pzw)

    def at(month: int, day: int, hour: int) -> datetime:
        return datetime(2022, month, day, hour, tzinfo=LOCAL)

    done = finding_record(
        unit=wyw,
        campaign=campaign,
        geometry=_point(wyw),
        place="二组房后菜园",
        species="poppy",
        stage="flowering",
        setting="around_house",
        source="patrol",
        found_at=at(6, 28, 10),
        found_by=[wyw_cadre],
        plant_count=35,
        note="踏查中发现菜园内夹种罂粟，已开花。",
        photos=[_photo("发现", (200, 60, 60))],
    )
    finding_eradicate(
        finding=done,
        done_at=at(6, 29, 9),
        method="pulled",
        done_by=[wyw_cadre],
        witnesses=[wyw_cadre],
        plants_destroyed=35,
        destruction="就地焚烧",
        before_photos=[_photo("铲除前", (180, 80, 60))],
        after_photos=[_photo("铲除后", (120, 110, 90))],
    )
    finding_recheck(
        finding=done,
        done_at=at(7, 6, 15),
        done_by=[wyw_cadre],
        photos=[_photo("复查", (90, 140, 90))],
        note="原种植点未见再生。",
    )
    due = finding_record(
        unit=pzw,
        campaign=campaign,
        geometry=_point(pzw),
        species="cannabis",
        stage="emerged",
        setting="field_edge",
        source="tip",
        source_ref="举报-2022-017",
        found_at=at(7, 1, 16),
        found_by=[pzw_cadre],
        counting_method="sampled",
        area_m2=40,
        quadrats=[{"area_m2": 1, "plants": 18}, {"area_m2": 1, "plants": 14}],
        photos=[_photo("大麻发现", (60, 160, 60))],
    )
    finding_eradicate(
        finding=due,
        done_at=at(7, 2, 10),
        method="dug",
        done_by=[pzw_cadre],
        witnesses=[pzw_cadre],
        plants_destroyed=due.plant_count,
        destruction="集中焚烧",
        before_photos=[_photo("大麻铲除前", (70, 150, 70))],
        after_photos=[_photo("大麻铲除后", (110, 100, 80))],
    )
    overdue = finding_record(
        unit=wyw,
        campaign=campaign,
        geometry=_point(wyw, 1),
        place="五组荒坡",
        species="poppy",
        stage="budding",
        setting="wild",
        source="target",
        source_ref="靶点-0712",
        found_at=at(7, 5, 11),
        found_by=[wyw_cadre],
        plant_count=12,
        note="核查上级下发靶点时发现，待组织铲除。",
        photos=[_photo("靶点", (200, 120, 40))],
    )
    _demo_key_persons_load(town=town, wyw=wyw, pzw=pzw, overdue=overdue, at=at)
    return 3


def _demo_key_persons_load(
    *, town: AdminUnit, wyw: AdminUnit, pzw: AdminUnit, overdue: Finding, at: Any
) -> None:
    """Two watched persons, a visit with its signed 告知书, and the overdue site's grower, who
    planted before: a repeat planting (复种) with a police case."""
    prior = key_person_create(
        unit=wyw,
        name="白有福",
        category=KeyPersonCategory.PRIOR_GROWER,
        address="王窑湾村五组",
        note="2021 年在房前屋后种植罂粟 60 株，经派出所批评教育。",
        since=date(2021, 8, 3),
    )
    key_person_create(
        unit=pzw,
        name="贺三娃",
        category=KeyPersonCategory.OUTSIDER,
        address="排子湾村三组（租住）",
        since=date(2022, 3, 1),
    )
    visit_record(
        person=prior,
        visited_on=date(2022, 5, 12),
        visitors=[_cadre(wyw)],
        notes="入户宣讲禁种铲毒政策，讲解种植罂粟的法律后果。",
        notice_given=True,
        notice_signed=True,
        scan=_photo("告知书签收", (235, 235, 225)),
    )
    finding_update(
        finding=overdue,
        changes={
            "grower": prior,
            "prior_handled": True,
            "prior_handling": "2021 年种植罂粟 60 株，派出所批评教育",
        },
    )
    case_create(
        unit=town,
        number="无公（治）受字〔2022〕0712号",
        opened_on=at(7, 6, 9).date(),
        findings=[overdue],
        key_persons=[prior],
        note="经公安机关处理后又种植，待铲除后依法处理。",
    )
