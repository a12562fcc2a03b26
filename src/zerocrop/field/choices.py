from django.db import models


class RecordKind(models.TextChoices):
    """What a phone sends; each kind is applied through its app's own service."""

    PATROL = "patrol", "踏查记录"
    FINDING = "finding", "发现种植"
    ERADICATION = "eradication", "铲除登记"
    TARGET_VERIFICATION = "target_verification", "靶点核查"


class RecordStatus(models.TextChoices):
    WAITING_FILES = "waiting_files", "等待照片/文件"
    APPLIED = "applied", "已入库"
    REJECTED = "rejected", "被退回"


class FileStatus(models.TextChoices):
    PARTIAL = "partial", "上传中"
    COMPLETE = "complete", "已收齐"


class CheckVerdict(models.TextChoices):
    """A device self-test's overall result, shown to the town admin per phone."""

    SAFE = "safe", "可放心使用"
    WARN = "warn", "可用但有风险"
    UNSAFE = "unsafe", "不安全（离线数据可能丢失）"
