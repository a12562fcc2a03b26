"""The demo's 抽测 (potential-area sampling), through the real services: a frame of 200 m cells
over the town's 潜在区域 zones, a design of 30 cells with a fixed seed, drawn and locked, its 抽测
round checked by two town officials who patrol none of those cells, and a result for every drawn
cell (zero in all but two, where a small planting was found and recorded as a finding), so the
estimate page shows the estimate and its interval next to the census figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test.utils import override_settings
from shapely.geometry import mapping, shape

from zerocrop.campaigns.models import Campaign
from zerocrop.demo.monitoring import demo_photo
from zerocrop.findings.choices import FindingSource
from zerocrop.findings.services import finding_record
from zerocrop.geo.choices import ZoneKind
from zerocrop.geo.models import Zone
from zerocrop.monitoring import services_sampling
from zerocrop.monitoring.sampling_models import SampleCell, SampleDesign, SampleFrame
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import Person

LOCAL = ZoneInfo("Asia/Shanghai")
FRAME_NAME = "潜在区域抽样框（200米网格）"
DESIGN_NAME = "利剑-22潜在区域抽测"
CELL_SIZE_M = 200
SAMPLE_SIZE = 30
SEED = 20220707
# Two town officials with no patrol task in the town: an independent 抽测组.
TEAM = (("张万祥", "无定河镇"), ("边永军", "无定河第二派出所"))
# What the team found in the first two drawn 潜在 cells lying in a village: (m², plants).
FOUND = ((12.0, 60), (5.0, 18))


def demo_sampling_load(*, campaign: Campaign, actor: Any) -> SampleDesign:
    """Idempotent: the design already in the campaign is returned as it is."""
    existing = SampleDesign.objects.filter(frame__campaign=campaign, name=DESIGN_NAME).first()
    if existing is not None:
        return existing
    zones = list(
        Zone.objects.filter(
            unit__path__startswith=campaign.unit.path, kind=ZoneKind.POTENTIAL
        ).order_by("name")
    )
    frame: SampleFrame = services_sampling.frame_build(
        campaign=campaign, name=FRAME_NAME, zones=zones, cell_size_m=CELL_SIZE_M, actor=actor
    )
    design = services_sampling.design_create(
        frame=frame, name=DESIGN_NAME, n=SAMPLE_SIZE, actor=actor
    )
    design = services_sampling.design_draw(design=design, seed=SEED, actor=actor)
    team = [Person.objects.get(name=name, unit__name=unit) for name, unit in TEAM]
    # The round takes its dates from the critical window holding "today": the demo's day,
    # also when the demo is loaded by tests that run at the real date.
    with override_settings(ZEROCROP_TODAY=settings.DEMO_TODAY):
        services_sampling.sampling_round_create(design=design, team=team, actor=actor)
    _demo_results_load(design=design, team=team, actor=actor)
    return design


def found_cells(design: SampleDesign) -> list[SampleCell]:
    """The drawn cells where the demo's team found planting (see FOUND)."""
    cells = services_sampling.round_plan(design=design)
    in_village = [
        c
        for c in sorted(cells, key=lambda c: c.code)
        if c.stratum == "潜在" and c.unit.level == UnitLevel.VILLAGE
    ]
    return in_village[: len(FOUND)]


def _demo_results_load(*, design: SampleDesign, team: list[Person], actor: Any) -> None:
    found = {c.pk: counts for c, counts in zip(found_cells(design), FOUND, strict=True)}
    start = datetime(2022, 7, 8, 8, 30, tzinfo=LOCAL)
    cells = sorted(services_sampling.round_plan(design=design), key=lambda c: c.code)
    for index, cell in enumerate(cells):
        # About ten cells a day over three days, 40 minutes each.
        checked_at = start + timedelta(days=index // 10, minutes=40 * (index % 10))
        area, plants = found.get(cell.pk, (0.0, 0))
        note = ""
        if plants:
            spot = shape(cell.geometry).representative_point()
            finding = finding_record(
                unit=cell.unit,
                campaign=design.frame.campaign,
                geometry=mapping(spot),
                place=f"抽测网格{cell.code}",
                species="poppy",
                stage="flowering",
                setting="wild",
                source=FindingSource.OTHER,
                source_ref=f"抽测{cell.code}",
                found_at=checked_at,
                found_by=team,
                plant_count=plants,
                area_m2=area,
                note="潜在区域抽测中发现，本级踏查和上级靶点均未掌握。",
                photos=[
                    demo_photo(
                        name=f"抽测{cell.code}.jpg",
                        colour=(210, 60 + 3 * index, 90),
                        taken_at=checked_at,
                        lon=spot.x,
                        lat=spot.y,
                    )
                ],
                actor=actor,
            )
            note = f"发现罂粟 {plants} 株，已登记发现点（{finding.unit.name}）。"
        services_sampling.cell_result_record(
            design=design,
            cell=cell,
            area_m2=area,
            plants=plants,
            checked_at=checked_at,
            checked_by=team,
            note=note,
            actor=actor,
        )
