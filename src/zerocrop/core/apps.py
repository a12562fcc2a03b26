from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zerocrop.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zerocrop.core.evidence import register_evidence_access
        from zerocrop.core.evidence_models import EvidenceKind
        from zerocrop.core.export_jobs import export_readable
        from zerocrop.core.indicator_panel import register_indicator_panel
        from zerocrop.core.navigation import register_menu_item

        register_evidence_access(EvidenceKind.EXPORT, export_readable)
        register_indicator_panel()
        register_menu_item(
            section="core",
            label=_("数据管理"),
            url_name="admin:index",
            icon="gear",
            order=900,
            visible=lambda request: request.user.is_staff,
        )
