from django.db import models


class TargetIssuer(models.TextChoices):
    """Who pushed a batch of targets down (下发单位的层级)."""

    NATIONAL = "national", "国家禁毒办"
    CAS = "cas", "中科院航测"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    DRONE = "drone", "无人机服务商"
    OTHER = "other", "其他"


class BatchFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    KML = "kml", "KML"
    KMZ = "kmz", "KMZ"
    SHP = "shp", "Shapefile（zip）"
    GEOJSON = "geojson", "GeoJSON"


class TargetStatus(models.TextChoices):
    """Where a target is in its verification; overdue is shown from the deadline and today."""

    PENDING = "pending", "待核查"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已核查"
    RETURNED = "returned", "已退回"


class VerifyResult(models.TextChoices):
    TRUE = "true", "属实"
    FALSE = "false", "不属实"
    UNREACHABLE = "unreachable", "无法到达"
    SELF_REMOVED = "self_removed", "已自行铲除"
    DUPLICATE = "duplicate", "重复"


class FalseReason(models.TextChoices):
    """Coded reasons a target was not planting (不属实原因)."""

    LAWN = "lawn", "草坪"
    BARE = "bare", "裸地/滑坡"
    ORNAMENTAL = "ornamental", "观赏花卉（如虞美人）"
    WILD_POPPY = "wild_poppy", "野生罂粟"
    OTHER_CROP = "other_crop", "其他作物"
    ROOF = "roof", "屋顶/地膜/塑料"
    SHADOW = "shadow", "阴影/影像误判"
    OTHER = "other", "其他"


class ArrivalSource(models.TextChoices):
    PHOTO = "photo", "照片定位"
    TRACK = "track", "轨迹"
    PHONE = "phone", "手机定位"
    TYPED = "typed", "手工录入"


class PhotoRole(models.TextChoices):
    FAR = "far", "远景"
    NEAR = "near", "近景"
    FEATURE = "feature", "特征"
    OTHER = "other", "其他"


class LinkKind(models.TextChoices):
    """What a target lies near (within the batch's matching distance)."""

    TARGET = "target", "其他未核查靶点"
    MERGED = "merged", "同批次近似重复（已合并）"
    PLOT = "plot", "地块"
    FINDING = "finding", "发现点"
