from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zerocrop.demo"
    label = "demo"
    verbose_name = "示例数据"
