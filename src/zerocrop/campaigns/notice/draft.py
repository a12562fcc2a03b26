"""The draft a notice parses into: frozen dataclasses whose `to_dict()` is the importer's JSON.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from zerocrop.campaigns.notice.dates import iso_date

GroupRole = Literal["组长", "副组长", "成员"]
UnitKind = Literal["village", "community", "police_station", "judicial_office", "office"]
OfficeRole = Literal["办公室主任", "办公室副主任"]

ROLE_LEADER: GroupRole = "组长"
ROLE_DEPUTY: GroupRole = "副组长"
ROLE_MEMBER: GroupRole = "成员"
OFFICE_HEAD: OfficeRole = "办公室主任"
OFFICE_DEPUTY: OfficeRole = "办公室副主任"

UNIT_KIND_LABELS: dict[str, str] = {
    "village": "村",
    "community": "社区",
    "police_station": "派出所",
    "judicial_office": "司法所",
    "office": "机关科室",
}

# Name of the single phase generated from an overall 时间安排 range.
OVERALL_PHASE_NAME = "全程"


@dataclass(frozen=True)
class CampaignInfo:
    name: str | None = None
    town: str | None = None
    county: str | None = None  # only when the title itself names it ("石门县青石镇…")
    issuer: str | None = None
    issued_on: date | None = None
    title: str | None = None
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "town": self.town,
            "county": self.county,
            "issuer": self.issuer,
            "issued_on": iso_date(self.issued_on),
            "title": self.title,
            "year": self.year,
        }


@dataclass(frozen=True)
class DraftMember:
    role: GroupRole
    name: str | None
    titles: tuple[str, ...] = ()
    unit: str | None = None
    office_role: OfficeRole | None = None
    phone: str | None = None
    line: int | None = None  # 1-based source line, for people who check the import

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "titles": list(self.titles),
            "unit": self.unit,
            "office_role": self.office_role,
            "phone": self.phone,
            "line": self.line,
        }


@dataclass(frozen=True)
class Office:
    location: str | None = None
    head: str | None = None
    deputy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location, "head": self.head, "deputy": self.deputy}


@dataclass(frozen=True)
class DraftPhase:
    name: str
    start: date | None
    end: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": iso_date(self.start), "end": iso_date(self.end)}


@dataclass(frozen=True)
class Unit:
    name: str
    kind: UnitKind

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class MonitoringMode:
    mode: str
    zone: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "zone": self.zone}


@dataclass(frozen=True)
class NoticeDraft:
    campaign: CampaignInfo
    goals: tuple[str, ...] = ()
    group: tuple[DraftMember, ...] = ()
    office: Office = Office()
    phases: tuple[DraftPhase, ...] = ()
    units: tuple[Unit, ...] = ()
    monitoring_modes: tuple[MonitoringMode, ...] = ()
    monitoring_sources: tuple[str, ...] = ()
    critical_stages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    source_text: str = field(default="", repr=False, compare=False)  # kept as 方案原文

    def members(self, role: GroupRole) -> tuple[DraftMember, ...]:
        return tuple(m for m in self.group if m.role == role)

    def units_of(self, kind: UnitKind) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.to_dict(),
            "goals": list(self.goals),
            "group": [m.to_dict() for m in self.group],
            "office": self.office.to_dict(),
            "phases": [p.to_dict() for p in self.phases],
            "units": [u.to_dict() for u in self.units],
            "monitoring_modes": [m.to_dict() for m in self.monitoring_modes],
            "monitoring_sources": list(self.monitoring_sources),
            "critical_stages": list(self.critical_stages),
            "warnings": list(self.warnings),
        }
