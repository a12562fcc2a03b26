from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zerocrop.monitoring"
    verbose_name = "监测靶点与抽测"

    def ready(self) -> None:
        from zerocrop.monitoring.registrations import register_all

        register_all()
