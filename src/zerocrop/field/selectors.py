"""Reads for the field app: the worker, their people and their offline package, devices.

Every read is the user's scope, as everywhere (`core.scoping`); the package is what a phone
stores so that the worker can walk and verify with no signal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from zerocrop.core.clock import today as clock_today
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.field import rules
from zerocrop.field.checks import Failure, verdict_of
from zerocrop.field.choices import CheckVerdict
from zerocrop.field.models import Device, DeviceCheck, SyncRecord
from zerocrop.findings.capabilities import FINDING_ERADICATE
from zerocrop.findings.choices import (
    EradicationMethod,
    FindingSpecies,
    FindingStatus,
    GrowthStage,
    Setting,
)
from zerocrop.findings.selectors import finding_list, finding_state, state_label
from zerocrop.geo.mapdata import feature_collection
from zerocrop.geo.selectors import plot_list
from zerocrop.monitoring.capabilities import TARGET_VERIFY
from zerocrop.monitoring.choices import FalseReason, PhotoRole, VerifyResult
from zerocrop.monitoring.selectors import targets_by_urgency, targets_visible
from zerocrop.monitoring.states import OPEN_STATUSES, target_state
from zerocrop.org.capabilities import can
from zerocrop.org.models import AdminUnit, Person
from zerocrop.org.selectors import person_list
from zerocrop.patrols.choices import CellState, PatrolResult, RoundStatus
from zerocrop.patrols.models import TaskCell
from zerocrop.patrols.selectors import round_list

# Plot outlines are simplified as for the map at this zoom (a few metres): the package of a
# village stays small, and a phone's map never needs more.
PACKAGE_ZOOM = 17

# Suggestions for the free-text reason a target could not be reached (the worker may type any).
UNREACHABLE_REASONS = [
    ["road_cut", "道路中断"],
    ["landslide", "塌方/滑坡"],
    ["water", "河水上涨无法涉水"],
    ["cliff", "陡崖无路可上"],
    ["other", "其他"],
]


def _choices(choices: Any) -> list[list[str]]:
    return [[str(value), str(label)] for value, label in choices.choices]


def choice_lists() -> dict[str, list[list[str]]]:
    """The code lists a phone needs to fill its forms offline, as [value, 中文] pairs."""
    return {
        "species": _choices(FindingSpecies),
        "stage": _choices(GrowthStage),
        "setting": _choices(Setting),
        "patrol_result": _choices(PatrolResult),
        "eradication_method": _choices(EradicationMethod),
        "verify_result": _choices(VerifyResult),
        "false_reason": _choices(FalseReason),
        "unreachable_reason": UNREACHABLE_REASONS,
        "photo_role": _choices(PhotoRole),
    }


def people_for(*, user: Any) -> QuerySet[Person]:
    """The persons a worker may name as walkers, finders, verifiers or witnesses."""
    return person_list(user=user).order_by("unit__path", "name")


def _feature(id_: Any, geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": str(id_), "geometry": geometry, "properties": properties}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def open_cells(*, user: Any) -> QuerySet[TaskCell]:
    """The open task cells of active rounds assigned to the user's person."""
    if not user.person_id:
        return TaskCell.objects.none()
    cells = TaskCell.objects.filter(
        assignees=user.person_id,
        round__in=round_list(user=user).filter(status=RoundStatus.ACTIVE),
        state__in=[CellState.ASSIGNED, CellState.INVALIDATED],
    )
    return visible_to(cells, user).select_related("round", "unit", "plot")


def _cell_features(cells: list[TaskCell]) -> list[dict[str, Any]]:
    features = []
    for cell in cells:
        label = f"{cell.code} {cell.plot.name}".strip() if cell.plot else cell.code
        features.append(
            _feature(
                cell.pk,
                cell.geometry,
                {
                    "round_id": str(cell.round_id),
                    "round": cell.round.name,
                    "unit_id": str(cell.unit_id),
                    "unit": cell.unit.name,
                    "label": label,
                    "kind": cell.kind,
                    "plot_id": str(cell.plot_id) if cell.plot_id else None,
                    "state": cell.state,
                    "state_label": cell.get_state_display(),
                    "ends_on": cell.round.ends_on.isoformat(),
                },
            )
        )
    return features


def _plot_features(*, user: Any, unit_ids: set[Any]) -> list[dict[str, Any]]:
    if not unit_ids:
        return []
    rows = [
        {
            "geometry": plot.geometry,
            "id": str(plot.pk),
            "code": plot.code,
            "name": plot.name,
            "risk": plot.risk,
            "owner": plot.responsible.name if plot.responsible else "",
        }
        for plot in plot_list(user=user).filter(unit_id__in=unit_ids)
    ]
    simplified = feature_collection(rows, zoom=PACKAGE_ZOOM, as_points=False)
    return [
        _feature(f["properties"].pop("id"), f["geometry"], f["properties"])
        for f in simplified["features"]
    ]


def _target_features(*, user: Any, today: date) -> list[dict[str, Any]]:
    targets = targets_by_urgency(
        targets_visible(user=user).filter(status__in=OPEN_STATUSES), today=today
    )
    features = []
    for target in targets:
        shown = target_state(status=target.status, due_on=target.due_on, today=today)
        features.append(
            _feature(
                target.pk,
                {"type": "Point", "coordinates": [target.lon, target.lat]},
                {
                    "code": target.code,
                    "batch": target.batch.name,
                    "due_on": target.due_on.isoformat(),
                    "days_left": shown.days_left,
                    "overdue": shown.overdue,
                    "reminder": shown.reminder,
                    "unit_id": str(target.unit_id),
                    "unit": target.unit.name,
                    "status": target.status,
                    "status_label": shown.label,
                },
            )
        )
    return features


def _finding_features(*, user: Any, today: date) -> list[dict[str, Any]]:
    findings = finding_list(user=user).filter(status=FindingStatus.OPEN).order_by("found_at")
    features = []
    for finding in findings:
        features.append(
            _feature(
                finding.pk,
                {"type": "Point", "coordinates": [finding.lon, finding.lat]},
                {
                    "code": str(finding.pk)[:8],
                    "label": str(finding),
                    "species_label": finding.species_label,
                    "plant_count": finding.plant_count,
                    "found_at": timezone.localtime(finding.found_at).isoformat(),
                    "unit_id": str(finding.unit_id),
                    "unit": finding.unit.name,
                    "place": finding.place,
                    "status": finding.status,
                    "status_label": state_label(finding_state(finding, today=today)),
                },
            )
        )
    return features


def _rounds(*, user: Any) -> list[dict[str, Any]]:
    rounds = (
        round_list(user=user)
        .filter(status=RoundStatus.ACTIVE)
        .prefetch_related("units")
        .order_by("ends_on", "name")
    )
    units = visible_to(AdminUnit.objects.all(), user, unit_field="")
    scope = set(units.values_list("pk", flat=True))
    found = []
    for r in rounds:
        unit_ids = [str(u.pk) for u in r.units.all() if u.pk in scope]
        if unit_ids:  # a round of other villages is none of this worker's business
            found.append(
                {
                    "id": str(r.pk),
                    "name": r.name,
                    "unit_ids": unit_ids,
                    "starts_on": r.starts_on.isoformat(),
                    "ends_on": r.ends_on.isoformat(),
                }
            )
    return found


def task_package(*, user: Any) -> dict[str, Any]:
    """The worker's offline package of `GET /sync/tasks` (docs/field-sync.md), in their scope."""
    today = clock_today()
    cells = list(open_cells(user=user).order_by("round__ends_on", "code"))
    unit_ids = {cell.unit_id for cell in cells}
    return {
        "generated_at": timezone.localtime().isoformat(),
        "schema": rules.SCHEMA_VERSION,
        "today": today.isoformat(),
        "cells": _collection(_cell_features(cells)),
        "plots": _collection(_plot_features(user=user, unit_ids=unit_ids)),
        "targets": _collection(
            _target_features(user=user, today=today) if can(user, TARGET_VERIFY) else []
        ),
        "findings": _collection(
            _finding_features(user=user, today=today) if can(user, FINDING_ERADICATE) else []
        ),
        "rounds": _rounds(user=user) if user.unit_id else [],
        "choices": choice_lists(),
    }


def package_etag(package: dict[str, Any]) -> str:
    """A strong ETag of the package's content (its `generated_at` left out)."""
    content = {k: v for k, v in package.items() if k != "generated_at"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


# --- Devices -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceRow:
    """One phone on the admin's device page."""

    device: Device
    check: DeviceCheck | None
    last_receipt_at: datetime | None

    @property
    def verdict(self) -> str:
        return self.check.verdict if self.check else ""

    @property
    def unsafe(self) -> bool:
        return self.verdict == CheckVerdict.UNSAFE

    @property
    def failures(self) -> tuple[Failure, ...]:
        if self.check is None:
            return ()
        return verdict_of(self.check.results, browser=self.check.browser).failures


VERDICT_RANK = {CheckVerdict.UNSAFE: 0, CheckVerdict.WARN: 1, "": 2, CheckVerdict.SAFE: 3}


def devices_visible(*, user: Any) -> QuerySet[Device]:
    """Devices of the users in the user's unit and below."""
    return visible_to(
        Device.objects.select_related("user", "user__unit", "revoked_by"),
        user,
        unit_field="user__unit",
    )


def device_get(*, user: Any, device_id: Any) -> Device:
    return get_visible_or_404(
        Device.objects.select_related("user", "user__unit"),
        user,
        unit_field="user__unit",
        pk=device_id,
    )


def my_devices(*, user: Any) -> QuerySet[Device]:
    return Device.objects.filter(user=user).order_by("revoked_at", "-paired_at")


def _latest_checks(devices: list[Device]) -> dict[Any, DeviceCheck]:
    checks = DeviceCheck.objects.filter(device__in=devices).order_by("device_id", "-ran_at")
    latest: dict[Any, DeviceCheck] = {}
    for check in checks:
        latest.setdefault(check.device_id, check)
    return latest


def device_rows(
    *, user: Any, unit: Any = None, verdict: str = "", include_revoked: bool = True
) -> list[DeviceRow]:
    """The admin's device list: unsafe phones first, then warned, unknown and safe ones."""
    devices = devices_visible(user=user)
    if unit is not None:
        devices = devices.filter(user__unit__path__startswith=unit.path)
    if not include_revoked:
        devices = devices.filter(revoked_at=None)
    newest_receipt = (
        SyncRecord.objects.filter(device=OuterRef("pk"))
        .order_by("-received_at")
        .values("received_at")[:1]
    )
    items = list(devices.annotate(last_receipt_at=Subquery(newest_receipt)))
    latest = _latest_checks(items)
    rows = [DeviceRow(d, latest.get(d.pk), d.last_receipt_at) for d in items]
    if verdict == "none":
        rows = [r for r in rows if r.check is None]
    elif verdict:
        rows = [r for r in rows if r.verdict == verdict]
    rows.sort(
        key=lambda r: (
            r.device.revoked_at is not None,
            VERDICT_RANK.get(r.verdict, 2),
            r.device.user.username,
            -r.device.paired_at.timestamp(),
        )
    )
    return rows
