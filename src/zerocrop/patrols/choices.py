from django.db import models


class CellState(models.TextChoices):
    READY = "ready", "待分配"
    ASSIGNED = "assigned", "已分配"
    SURVEYED = "surveyed", "已踏查"
    VALIDATED = "validated", "已复核"
    INVALIDATED = "invalidated", "复核退回"
    UNREACHABLE = "unreachable", "无法到达"


class CellKind(models.TextChoices):
    PLOT = "plot", "地块"
    GRID = "grid", "网格单元"


class PatrolResult(models.TextChoices):
    NOTHING = "nothing", "未发现"
    SUSPECTED = "suspected", "发现疑似"
    FINDING = "finding", "发现种植"


class RoundStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"
