from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zerocrop.core"
    verbose_name = "基础"
