from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "zerocrop.findings"
    verbose_name = "发现与铲除"

    def ready(self) -> None:
        from zerocrop.findings.registrations import register_all

        register_all()
