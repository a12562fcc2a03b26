"""Registrations of targets and their verification (menu, photos, upload route, tasks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route

PHOTO_FIELDS = ("photos_far", "photos_near", "photos_feature", "photos_other")


def _photos_limit() -> RouteLimit:
    return RouteLimit(
        files={
            field: FileLimit(
                "照片", settings.ZEROCROP_SCAN_MAX_BYTES, settings.ZEROCROP_PHOTO_MAX_COUNT
            )
            for field in PHOTO_FIELDS
        }
    )


def _photo_units(evidence: Any) -> QuerySet[Any]:
    from zerocrop.monitoring.models import TargetPhoto
    from zerocrop.org.models import AdminUnit

    targets = TargetPhoto.objects.filter(evidence=evidence).values("target__unit")
    return AdminUnit.objects.filter(pk__in=targets)


def _original_allowed(user: Any, evidence: Any) -> bool:
    # As for finding photos: the EXIF (where and when) only for field roles and police.
    from zerocrop.findings.capabilities import PHOTO_ORIGINALS
    from zerocrop.org.capabilities import can

    units = _photo_units(evidence)
    return any(can(user, PHOTO_ORIGINALS, unit) for unit in units) or not units.exists()


def register() -> None:
    from zerocrop.core.evidence import register_evidence_original, register_evidence_owner
    from zerocrop.core.evidence_models import EvidenceKind
    from zerocrop.monitoring.menu import register_menu_items
    from zerocrop.monitoring.panels import register_panels

    register_evidence_owner(EvidenceKind.TARGET_PHOTO, _photo_units)
    register_evidence_original(EvidenceKind.TARGET_PHOTO, _original_allowed)
    register_upload_route("target-verify", _photos_limit)
    register_menu_items()
    register_panels()
