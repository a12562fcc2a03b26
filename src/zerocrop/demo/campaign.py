"""The demo campaign: 利剑-22 of 无定河镇, loaded from a data file of facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from zerocrop.campaigns.models import Campaign
from zerocrop.campaigns.services import campaign_create_from_facts, pledge_register
from zerocrop.demo.field import demo_field_load
from zerocrop.demo.findings import demo_findings_load
from zerocrop.demo.geography import demo_geography_load
from zerocrop.demo.monitoring import demo_monitoring_load
from zerocrop.demo.patrols import demo_round_load
from zerocrop.demo.sampling import demo_sampling_load
from zerocrop.org.choices import Role, UnitLevel
from zerocrop.org.models import AdminUnit, User
from zerocrop.org.services import person_get_or_create, user_create

DEMO_FILE = Path(__file__).parent / "data" / "demo_lijian22.yaml"
DEMO_PASSWORD = "zerocrop-demo"  # noqa: S105 - the published demo password


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def demo_facts() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def demo_load() -> tuple[Campaign, bool]:
    """Load the demo campaign once; later calls keep the data and return it."""
    facts = demo_facts()
    existing = Campaign.objects.filter(
        name=facts["campaign"]["name"], unit__name=facts["campaign"]["town"]
    ).first()
    if existing is not None:
        return existing, False
    campaign = campaign_create_from_facts(facts=facts, is_demo=True)
    demo_geography_load(town=campaign.unit)
    _demo_users(campaign)
    _demo_pledges(campaign)
    demo_round_load(campaign=campaign)
    demo_findings_load(campaign=campaign)
    admin = User.objects.get(username="admin")
    demo_monitoring_load(town=campaign.unit, campaign=campaign, actor=admin)
    demo_sampling_load(campaign=campaign, actor=admin)
    demo_field_load()
    return campaign, True


def _demo_users(campaign: Campaign) -> None:
    town = campaign.unit
    village = AdminUnit.objects.get(parent=town, name="毛布拉格村")
    station = AdminUnit.objects.get(parent=town, name="无定河第一派出所")
    office = AdminUnit.objects.get(parent=town, name="镇平安建设办")
    specs = [
        ("admin", Role.TOWN_ADMIN, town, person_get_or_create(name="吉雅", unit=office), True),
        ("leader", Role.LEADER, town, person_get_or_create(name="李树文", unit=town), False),
        (
            "cadre",
            Role.VILLAGE_CADRE,
            village,
            person_get_or_create(name="王鸣山", unit=village),
            False,
        ),
        (
            "grid",
            Role.GRID_WORKER,
            village,
            person_get_or_create(name="高志刚", unit=village),
            False,
        ),
        ("police", Role.POLICE, town, person_get_or_create(name="李登军", unit=station), False),
        (
            "cadre2",
            Role.VILLAGE_CADRE,
            AdminUnit.objects.get(parent=town, name="排子湾村"),
            person_get_or_create(
                name="张鹏富", unit=AdminUnit.objects.get(parent=town, name="排子湾村")
            ),
            False,
        ),
    ]
    for username, role, unit, person, is_admin in specs:
        user = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            unit=unit,
            person=person,
            is_staff=is_admin,
        )
        if is_admin:
            User.objects.filter(pk=user.pk).update(is_superuser=True)


def _demo_pledges(campaign: Campaign) -> None:
    villages = AdminUnit.objects.filter(
        parent=campaign.unit, level__in=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY]
    ).order_by("sort_order")
    secretaries = {
        m.unit_id: m.person.name
        for m in campaign.group_members.select_related("person")
        if m.person is not None  # a post to fill has nobody to sign
    }
    for index, unit in enumerate(villages):
        if index % 5 == 4:
            continue  # a few villages have not signed yet, as in a real campaign
        pledge_register(
            campaign=campaign,
            kind="unit",
            unit=unit,
            signer=secretaries.get(unit.pk, "村委会"),
            signed_on=date(2022, 4, 28 + index % 3),
        )
        for household in range(index % 4):
            pledge_register(
                campaign=campaign,
                kind="household",
                unit=unit,
                signer=f"{unit.name[:1]}户{household + 1}",
                household=f"{unit.name}{household + 1}组{10 + household}号",
                signed_on=date(2022, 5, 12 + household),
            )


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(u.username, u.get_role_display(), u.unit.name if u.unit else "")
        for u in User.objects.filter(
            username__in=["admin", "leader", "cadre", "grid", "police", "cadre2"]
        )
        .select_related("unit")
        .order_by("date_joined")
    ]
