"""Registrations of batch import (upload route, the batch file's evidence owner, the menu)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def _file_units(evidence: Any) -> QuerySet[Any]:
    from zerocrop.monitoring.models import TargetBatch
    from zerocrop.org.models import AdminUnit

    batches = TargetBatch.objects.filter(source_file=evidence, voided_at=None).values("unit")
    return AdminUnit.objects.filter(pk__in=batches)


def _sees_targets(request: Any) -> bool:
    user = request.user
    return bool(user.is_authenticated and (user.unit_id or user.is_superuser))


def register() -> None:
    from django.conf import settings
    from django.utils.translation import gettext_lazy as _

    from zerocrop.core.evidence import register_evidence_owner
    from zerocrop.core.evidence_models import EvidenceKind
    from zerocrop.core.navigation import register_menu_item
    from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route

    register_upload_route(
        "batch-import",
        lambda: RouteLimit(
            files={"file": FileLimit("靶点文件", settings.ZEROCROP_TARGET_MAX_BYTES)}
        ),
    )
    register_evidence_owner(EvidenceKind.TARGET_FILE, _file_units)
    register_menu_item(
        section="monitoring",
        label=_("靶点批次"),
        url_name="batch-list",
        icon="inboxes",
        order=72,
        visible=_sees_targets,
        testid="menu-target-batches",
    )
