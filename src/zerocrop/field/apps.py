from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "zerocrop.field"
    verbose_name = "外业采集与同步"

    def ready(self) -> None:
        from zerocrop.field.registrations import register_all

        register_all()
