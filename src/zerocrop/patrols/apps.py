from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "zerocrop.patrols"
    verbose_name = "踏查"

    def ready(self) -> None:
        from django.conf import settings

        from zerocrop.core.export_jobs import register_export
        from zerocrop.core.jobs import register_job_kind
        from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route
        from zerocrop.patrols.evidence import register_evidence_owners, register_evidence_packages
        from zerocrop.patrols.indicators import register_indicators
        from zerocrop.patrols.jobs import recompute_coverage
        from zerocrop.patrols.ledger import DEAD_CORNER_EXPORT, dead_corner_download
        from zerocrop.patrols.menu import register_menu_items
        from zerocrop.patrols.panels import register_page_campaigns, register_panels
        from zerocrop.patrols.services import RECOMPUTE_COVERAGE

        register_job_kind(RECOMPUTE_COVERAGE, recompute_coverage, label="计算踏查覆盖率")
        register_export(DEAD_CORNER_EXPORT, dead_corner_download, label="导出踏查台账")

        register_upload_route(
            "patrol-create",
            lambda: RouteLimit(
                files={
                    "track": FileLimit("轨迹文件", settings.ZEROCROP_TRACK_MAX_BYTES),
                    "photos": FileLimit(
                        "照片", settings.ZEROCROP_SCAN_MAX_BYTES, settings.ZEROCROP_PHOTO_MAX_COUNT
                    ),
                }
            ),
        )
        register_evidence_owners()
        register_evidence_packages()
        register_indicators()
        register_panels()
        register_menu_items()
        register_page_campaigns()
