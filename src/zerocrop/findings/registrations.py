"""Everything findings adds to other apps' registries, called once from `ready()`."""

from __future__ import annotations

from django.conf import settings

from zerocrop.core.export_jobs import register_export
from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route


def _photos_limit(*fields: str) -> RouteLimit:
    return RouteLimit(
        files={
            field: FileLimit(
                "照片", settings.ZEROCROP_SCAN_MAX_BYTES, settings.ZEROCROP_PHOTO_MAX_COUNT
            )
            for field in fields
        }
    )


def register_all() -> None:
    from zerocrop.findings.capabilities import register_capabilities
    from zerocrop.findings.evidence import register_evidence_owners, register_evidence_packages
    from zerocrop.findings.indicators import register_indicators
    from zerocrop.findings.ledger import FINDING_EXPORT, finding_download
    from zerocrop.findings.ledger_persons import VISIT_EXPORT, visit_download
    from zerocrop.findings.menu import register_menu_items
    from zerocrop.findings.panels import register_panels

    register_capabilities()
    register_evidence_owners()
    register_evidence_packages()
    register_upload_route("finding-create", lambda: _photos_limit("photos"))
    register_upload_route(
        "finding-eradicate", lambda: _photos_limit("before_photos", "after_photos")
    )
    register_upload_route("finding-recheck", lambda: _photos_limit("photos"))
    register_upload_route(
        "key-person-visit",
        lambda: RouteLimit(
            files={"scan": FileLimit("签收告知书扫描件", settings.ZEROCROP_SCAN_MAX_BYTES, 1)}
        ),
    )
    register_export(FINDING_EXPORT, finding_download, label="导出发现铲除台账")
    register_export(VISIT_EXPORT, visit_download, label="导出重点人员走访台账")
    register_menu_items()
    register_indicators()
    register_panels()
