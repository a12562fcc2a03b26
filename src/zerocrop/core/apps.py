from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zerocrop.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from zerocrop.core.evidence import register_evidence_access
        from zerocrop.core.evidence_models import EvidenceKind
        from zerocrop.core.export_jobs import export_readable

        register_evidence_access(EvidenceKind.EXPORT, export_readable)
