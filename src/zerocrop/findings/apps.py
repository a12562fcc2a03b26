from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "zerocrop.findings"
    verbose_name = "发现与铲除"
