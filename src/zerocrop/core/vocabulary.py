"""Vocabulary several apps share: the crops the campaign is against and their growth stages.

It lives in core so that geo (plots), campaigns (windows) and the coming findings and
monitoring apps can all use it without importing each other.
"""

from django.db import models


class Species(models.TextChoices):
    POPPY = "poppy", "罂粟"
    CANNABIS = "cannabis", "大麻"


class Stage(models.TextChoices):
    SOWING = "sowing", "播种期"
    FLOWERING = "flowering", "开花期"
    LATEX = "latex", "割浆期"
    SEED = "seed", "结籽期"
