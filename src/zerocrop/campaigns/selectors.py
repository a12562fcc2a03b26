from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404

from zerocrop.campaigns.choices import PledgeKind
from zerocrop.campaigns.models import Campaign, CriticalWindow, GroupMember, Liaison, Pledge
from zerocrop.campaigns.timeline import PhaseStatus, next_window, phase_statuses
from zerocrop.campaigns.windows import period_of, windows_outside
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit


def _ancestor_ids(unit: AdminUnit) -> list[str]:
    return [part for part in unit.path.split("/") if part]


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns run by the user's unit, a unit above it (a village sees its town's), or below."""
    campaigns = Campaign.objects.select_related("unit")
    if user.is_superuser and user.unit_id is None:
        return campaigns
    if not user.is_authenticated or user.unit_id is None:
        return campaigns.none()
    return campaigns.filter(
        Q(unit_id__in=_ancestor_ids(user.unit)) | Q(unit__path__startswith=user.unit.path)
    )


def campaign_get(*, user: Any, campaign_id: Any) -> Campaign:
    try:
        return campaign_list(user=user).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("不存在或无权查看") from exc


def campaign_current(*, user: Any, today: date) -> Campaign | None:
    campaigns = list(campaign_list(user=user).prefetch_related("phases"))
    if not campaigns:
        return None

    def rank(campaign: Campaign) -> tuple[int, date]:
        phases = list(campaign.phases.all())
        running = any(p.starts_on <= today <= p.ends_on for p in phases)
        last = max((p.ends_on for p in phases), default=date(campaign.year, 12, 31))
        return (1 if running else 0, last)

    return max(campaigns, key=rank)


@dataclass
class UnitRow:
    unit: AdminUnit
    liaison: Liaison | None
    unit_pledge: Pledge | None
    household_pledges: int


@dataclass
class CampaignOverview:
    campaign: Campaign
    today: date
    phases: list[PhaseStatus]
    current: PhaseStatus | None
    next_window: CriticalWindow | None
    windows: list[CriticalWindow]
    group: list[GroupMember]
    unit_rows: list[UnitRow]
    counts: dict[str, int] = field(default_factory=dict)
    windows_outside: list[CriticalWindow] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.current is not None:
            return "running"
        if self.phases and all(p.state == "past" for p in self.phases):
            return "ended"
        return "upcoming"


def campaign_overview(*, campaign: Campaign, user: Any, today: date) -> CampaignOverview:
    phases = phase_statuses(list(campaign.phases.all()), today)
    windows = list(campaign.critical_windows.all())
    group = list(campaign.group_members.select_related("person", "unit"))
    units = visible_to(
        AdminUnit.objects.filter(
            path__startswith=campaign.unit.path,
            level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY, UnitLevel.OFFICE],
        ),
        user,
        unit_field="",
    ).order_by(
        Case(When(level=UnitLevel.OFFICE, then=Value(1)), default=Value(0)), "sort_order", "name"
    )
    liaisons = {
        liaison.unit_id: liaison
        for liaison in campaign.liaisons.select_related("person").filter(unit__in=units)
    }
    pledges = visible_to(pledge_queryset(campaign=campaign), user).filter(voided_at__isnull=True)
    unit_pledges: dict[Any, Pledge] = {}
    household_counts: dict[Any, int] = {}
    for pledge in pledges:
        if pledge.kind == "unit":
            unit_pledges.setdefault(pledge.unit_id, pledge)
        else:
            household_counts[pledge.unit_id] = household_counts.get(pledge.unit_id, 0) + 1
    rows = [
        UnitRow(u, liaisons.get(u.pk), unit_pledges.get(u.pk), household_counts.get(u.pk, 0))
        for u in units
    ]
    village_rows = [r for r in rows if r.unit.level != UnitLevel.OFFICE]
    counts = {
        "villages": sum(1 for r in rows if r.unit.level == UnitLevel.VILLAGE),
        "communities": sum(1 for r in rows if r.unit.level == UnitLevel.COMMUNITY),
        "offices": sum(1 for r in rows if r.unit.level == UnitLevel.OFFICE),
        "group": len(group),
        "liaisons": sum(1 for r in rows if r.liaison),
        "unit_pledges": sum(1 for r in village_rows if r.unit_pledge),
        "unit_pledges_due": len(village_rows),
        "household_pledges": sum(household_counts.values()),
    }
    return CampaignOverview(
        campaign=campaign,
        today=today,
        phases=phases,
        current=next((p for p in phases if p.state == "current"), None),
        next_window=next_window(windows, today),
        windows=windows,
        group=group,
        unit_rows=rows,
        counts=counts,
        windows_outside=windows_outside_campaign(campaign=campaign, windows=windows),
    )


def windows_outside_campaign(
    *, campaign: Campaign, windows: list[CriticalWindow]
) -> list[CriticalWindow]:
    """The critical windows that begin before the first phase or end after the last."""
    period = period_of([(p.starts_on, p.ends_on) for p in campaign.phases.all()])
    outside = windows_outside([(w.pk, "", w.starts_on, w.ends_on) for w in windows], period)
    ids = {pk for pk, *_ in outside}
    return [w for w in windows if w.pk in ids]


def town_choices(*, user: Any) -> QuerySet[AdminUnit]:
    """The towns the user may run a campaign in: their own (all towns for a superuser)."""
    return visible_to(AdminUnit.objects.filter(level=UnitLevel.TOWN), user, unit_field="").order_by(
        "sort_order", "name"
    )


def pledge_queryset(*, campaign: Campaign) -> QuerySet[Pledge]:
    return campaign.pledges.select_related("unit", "campaign")


def pledge_list(*, user: Any, campaign: Campaign, include_void: bool = False) -> QuerySet[Pledge]:
    pledges = visible_to(pledge_queryset(campaign=campaign), user)
    return pledges if include_void else pledges.filter(voided_at__isnull=True)


def pledge_get(*, user: Any, pledge_id: Any) -> Pledge:
    return get_visible_or_404(Pledge.objects.select_related("unit", "campaign"), user, pk=pledge_id)


def unit_pledge_counts(*, campaign: Campaign, user: Any, unit: Any = None) -> tuple[int, int]:
    """(villages and communities with a signed 责任状, those that owe one); offices owe none."""
    owing = visible_to(
        AdminUnit.objects.filter(
            path__startswith=(unit or campaign.unit).path,
            level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY],
        ),
        user,
        unit_field="",
    )
    if unit is not None:
        owing = owing.filter(path__startswith=campaign.unit.path)
    signed = (
        pledge_list(user=user, campaign=campaign)
        .filter(kind=PledgeKind.UNIT, unit__in=owing)
        .values("unit")
        .distinct()
        .count()
    )
    return signed, owing.count()
