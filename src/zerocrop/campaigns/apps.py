from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zerocrop.campaigns"
    verbose_name = "禁种铲毒行动"

    def ready(self) -> None:
        from django.conf import settings

        from zerocrop.campaigns.evidence import register_evidence_owners, register_evidence_packages
        from zerocrop.campaigns.indicators import register_indicators
        from zerocrop.campaigns.menu import register_menu_items
        from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route

        register_upload_route(
            "notice-import",
            lambda: RouteLimit(
                files={"file": FileLimit("方案文件", settings.ZEROCROP_NOTICE_MAX_BYTES)},
                # A pasted notice is posted back on the confirm step, percent-encoded.
                form_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            ),
        )
        register_upload_route(
            "pledge-create",
            lambda: RouteLimit(
                files={"scan": FileLimit("扫描件", settings.ZEROCROP_SCAN_MAX_BYTES)}
            ),
        )
        register_evidence_owners()
        register_evidence_packages()
        register_indicators()
        register_menu_items()
