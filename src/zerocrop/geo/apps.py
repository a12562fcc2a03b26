from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "zerocrop.geo"
    verbose_name = "地块与区域"
