from django.db import models


class UnitLevel(models.TextChoices):
    COUNTY = "county", "旗县"
    TOWN = "town", "乡镇"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"
    OFFICE = "office", "单位"


class OfficeKind(models.TextChoices):
    NONE = "", "—"
    POLICE_STATION = "police_station", "派出所"
    JUDICIAL_OFFICE = "judicial_office", "司法所"
    TOWN_OFFICE = "office", "镇机关科室"


class Role(models.TextChoices):
    TOWN_ADMIN = "town_admin", "镇管理员"
    LEADER = "leader", "领导"
    VILLAGE_CADRE = "village_cadre", "村干部"
    GRID_WORKER = "grid_worker", "网格员"
    POLICE = "police", "民警"
