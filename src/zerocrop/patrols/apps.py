from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "zerocrop.patrols"
    verbose_name = "踏查"
