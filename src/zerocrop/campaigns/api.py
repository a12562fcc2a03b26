from __future__ import annotations

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from zerocrop.campaigns import selectors
from zerocrop.core.clock import today

router = Router(tags=["行动"])


class PhaseOut(Schema):
    name: str
    start: date
    end: date
    state: str
    days_left: int | None


class CampaignOut(Schema):
    id: UUID
    name: str
    year: int
    town: str


class UnitStatusOut(Schema):
    unit: str
    level: str
    liaison: str | None
    unit_pledge_signed_on: date | None
    household_pledges: int


class OverviewOut(CampaignOut):
    today: date
    current_phase: str | None
    phases: list[PhaseOut]
    units: list[UnitStatusOut]
    counts: dict[str, int]


@router.get("/", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[dict]:
    return [
        {"id": c.pk, "name": c.name, "year": c.year, "town": c.unit.name}
        for c in selectors.campaign_list(user=request.user)
    ]


@router.get("/{campaign_id}", response=OverviewOut)
def campaign_overview(request: HttpRequest, campaign_id: UUID) -> dict:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    o = selectors.campaign_overview(campaign=campaign, user=request.user, today=today())
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "year": campaign.year,
        "town": campaign.unit.name,
        "today": o.today,
        "current_phase": o.current.item.name if o.current else None,
        "phases": [
            {
                "name": p.item.name,
                "start": p.item.starts_on,
                "end": p.item.ends_on,
                "state": p.state,
                "days_left": p.days_left,
            }
            for p in o.phases
        ],
        "units": [
            {
                "unit": r.unit.name,
                "level": r.unit.level,
                "liaison": r.liaison.person.name if r.liaison else None,
                "unit_pledge_signed_on": r.unit_pledge.signed_on if r.unit_pledge else None,
                "household_pledges": r.household_pledges,
            }
            for r in o.unit_rows
        ],
        "counts": o.counts,
    }
