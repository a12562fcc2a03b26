from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zerocrop.campaigns"
    verbose_name = "禁种铲毒行动"
