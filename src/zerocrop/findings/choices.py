from django.db import models

from zerocrop.core.vocabulary import Species


class FindingSpecies(models.TextChoices):
    POPPY = Species.POPPY.value, Species.POPPY.label
    CANNABIS = Species.CANNABIS.value, Species.CANNABIS.label
    OTHER = "other", "其他"


class CountingMethod(models.TextChoices):
    EXACT = "exact", "实数清点"
    SAMPLED = "sampled", "样方推算（密度×面积）"


class GrowthStage(models.TextChoices):
    EMERGED = "emerged", "出苗"
    BUDDING = "budding", "现蕾"
    FLOWERING = "flowering", "开花"
    FRUITING = "fruiting", "结果"
    AFTER_LATEX = "after_latex", "割浆后"


class Setting(models.TextChoices):
    COURTYARD = "courtyard", "庭院"
    AROUND_HOUSE = "around_house", "房前屋后"
    FIELD_EDGE = "field_edge", "田间地头"
    INTERCROPPED = "intercropped", "夹种在作物中"
    GREENHOUSE = "greenhouse", "大棚"
    WILD = "wild", "荒坡野外"


class FindingSource(models.TextChoices):
    PATROL = "patrol", "本级踏查"
    TARGET = "target", "靶点核查"
    TIP = "tip", "群众举报"
    POLICE = "police", "公安发现"
    SUPERVISION = "supervision", "督导检查"
    OTHER = "other", "其他"


class FindingStatus(models.TextChoices):
    """What is stored; the shown state (`states.State`) also depends on today."""

    OPEN = "open", "待铲除"
    ERADICATED = "eradicated", "已铲除"
    RECHECKED = "rechecked", "已复查"


class EradicationMethod(models.TextChoices):
    PULLED = "pulled", "人工拔除"
    DUG = "dug", "铲除"
    BURNED = "burned", "焚烧"
    OTHER = "other", "其他"


class PhotoPhase(models.TextChoices):
    FOUND = "found", "发现时"
    BEFORE = "before", "铲除前"
    AFTER = "after", "铲除后"
    RECHECK = "recheck", "复查"


CRS_CHOICES = [
    ("wgs84", "WGS84（GPS）"),
    ("gcj02", "GCJ-02（高德/腾讯）"),
    ("bd09", "BD-09（百度）"),
]


# --- Key persons and cases -------------------------------------------------------------------


class KeyPersonCategory(models.TextChoices):
    PRIOR_GROWER = "prior_grower", "曾种植人员"
    DRUG_USER = "drug_user", "吸毒人员"
    OUTSIDER = "outsider", "外来人员"
    OTHER = "other", "其他"


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", "受理"
    FILED = "filed", "立案"
    INVESTIGATING = "investigating", "侦查"
    PENALIZED = "penalized", "处罚"
    CLOSED = "closed", "结案"


class CaseOutcome(models.TextChoices):
    PENDING = "", "未定"
    EDUCATION = "education", "批评教育"
    DETENTION = "detention", "行政拘留"
    FINE = "fine", "罚款"
    CRIMINAL = "criminal", "刑事立案"
    NO_PENALTY = "no_penalty", "不予处罚"
