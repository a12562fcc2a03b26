"""What targets show on other apps' pages: the targets to verify on 我的任务."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zerocrop.core.clock import today
from zerocrop.core.panels import register_panel
from zerocrop.monitoring.capabilities import TARGET_VERIFY
from zerocrop.monitoring.choices import TargetStatus
from zerocrop.monitoring.selectors import targets_by_urgency, targets_visible
from zerocrop.monitoring.states import target_state

MY_TARGETS_MAX = 50


def my_targets_context(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """The user's assigned targets still to verify, overdue first, with their reminders."""
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        return None
    day = today()
    targets = targets_visible(user=request.user).filter(
        assignees=person_id, status__in=[TargetStatus.PENDING, TargetStatus.RETURNED]
    )
    ordered = targets_by_urgency(targets.distinct(), today=day)
    total = ordered.count()
    if not total:
        return None
    return {
        "rows": [
            (t, target_state(status=t.status, due_on=t.due_on, today=day))
            for t in ordered[:MY_TARGETS_MAX]
        ],
        "total": total,
    }


def finding_targets_context(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """The targets a finding was verified from (or linked to, 靶点吻合), on its facts."""
    targets = targets_visible(user=request.user).filter(finding=obj).select_related("batch")
    return {"targets": list(targets)} if targets else None


def register_panels() -> None:
    register_panel(
        slot="tasks.mine",
        key="monitoring.my_targets",
        template="monitoring/_panel_my_targets.html",
        order=10,
        context=my_targets_context,
        capability=TARGET_VERIFY,
    )
    register_panel(
        slot="finding.facts",
        key="monitoring.finding_targets",
        template="monitoring/_panel_finding_targets.html",
        order=10,
        context=finding_targets_context,
    )
