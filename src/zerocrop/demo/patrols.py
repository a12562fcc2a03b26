"""A demo survey round with a few patrols, so the progress and dead-corner pages have content."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from shapely.geometry import shape

from zerocrop.campaigns.models import Campaign
from zerocrop.geo.crs import get_transformer, utm_epsg_for
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import SurveyRound, TaskCell
from zerocrop.patrols.services import cells_assign, patrol_record_create, round_create
from zerocrop.patrols.tracks import Fix

DEMO_ROUND = "利剑-22罂粟开花期踏查"
DEMO_UNITS = ("毛布拉格村", "王窑湾村")
LOCAL = ZoneInfo("Asia/Shanghai")


def sweep_fixes(geometry: dict, start: datetime, *, lane_m: float = 40.0) -> list[Fix]:
    """A walker sweeping a plot's bounding box in lanes, one fix every 5 m at 1 m/s."""
    lon0, lat0, lon1, lat1 = shape(geometry).bounds
    utm = f"EPSG:{utm_epsg_for((lon0 + lon1) / 2, (lat0 + lat1) / 2)}"
    to_wgs = get_transformer(utm, "EPSG:4326")
    (x0, x1), (y0, y1) = get_transformer("EPSG:4326", utm).transform([lon0, lon1], [lat0, lat1])
    xs: list[float] = []
    ys: list[float] = []
    for i, y in enumerate(np.arange(y0 + 10, y1 + lane_m / 2, lane_m)):
        lane = np.arange(x0 - 10, x1 + 10, 5.0)
        xs.extend(lane if i % 2 == 0 else lane[::-1])
        ys.extend([y] * len(lane))
    lons, lats = to_wgs.transform(xs, ys)
    return [
        Fix(float(lon), float(lat), start + timedelta(seconds=5 * k))
        for k, (lon, lat) in enumerate(zip(lons, lats, strict=True))
    ]


@transaction.atomic
def demo_round_load(*, campaign: Campaign) -> SurveyRound | None:
    if SurveyRound.objects.filter(campaign=campaign, name=DEMO_ROUND).exists():
        return None
    units = list(AdminUnit.objects.filter(parent=campaign.unit, name__in=DEMO_UNITS))
    window = campaign.critical_windows.get(species="poppy", stage="flowering")
    survey_round = round_create(campaign=campaign, window=window, name=DEMO_ROUND, units=units)
    village = next(u for u in units if u.name == DEMO_UNITS[0])
    worker = Person.objects.get(name="高志刚", unit=village)
    cells = list(TaskCell.objects.filter(round=survey_round, unit=village).order_by("code"))
    cells_assign(cells=cells, people=[worker], team="毛布拉格村踏查组")
    # One morning's work in 毛布拉格村: six plots swept closely.
    start = datetime(2022, 7, 5, 8, 0, tzinfo=LOCAL)
    plots = [c for c in cells if c.plot_id][:6]
    patrol_record_create(
        survey_round=survey_round,
        unit=village,
        people=[worker],
        started_at=start,
        ended_at=start + timedelta(hours=4),
        result="nothing",
        note="按分包地块逐块踏查，未发现罂粟。",
        tracks=[
            sweep_fixes(c.geometry, start + timedelta(minutes=40 * i)) for i, c in enumerate(plots)
        ],
        track_source="示例轨迹.gpx",
    )
    # In 王窑湾村 a short walk along the southern edge of a grid cell: a dead corner remains.
    other = next(u for u in units if u.name == DEMO_UNITS[1])
    cell = (
        TaskCell.objects.filter(round=survey_round, unit=other, kind="grid")
        .order_by("-area_m2")
        .first()
    )
    if cell is not None:
        secretary = Person.objects.filter(unit=other).order_by("created_at").first()
        cells_assign(cells=[cell], people=[secretary], team="王窑湾村踏查组")
        walk = sweep_fixes(cell.geometry, start, lane_m=1000.0)
        patrol_record_create(
            survey_round=survey_round,
            unit=other,
            people=[secretary],
            started_at=start,
            ended_at=start + timedelta(hours=1),
            result="nothing",
            note="沿网格南侧踏查一段，北侧沟壑未到达。",
            tracks=[walk[: max(2, len(walk) // 3)]],
            track_source="示例轨迹2.gpx",
        )
    return survey_round
