from django.db import models


class PlotKind(models.TextChoices):
    HISTORICAL = "historical", "历史种植地块"
    KEY = "key", "重点地块"
    COURTYARD = "courtyard", "庭院"
    GREENHOUSE = "greenhouse", "大棚"
    OTHER = "other", "其他"


class RiskClass(models.TextChoices):
    KEY = "key", "重点"
    TRADITIONAL = "traditional", "传统"
    POTENTIAL = "potential", "潜在"


class ZoneKind(models.TextChoices):
    KEY = "key", "重点区域"
    TRADITIONAL = "traditional", "传统区域"
    POTENTIAL = "potential", "潜在区域"


RISK_COLOURS = {"key": "#d63384", "traditional": "#fd7e14", "potential": "#0d6efd"}
