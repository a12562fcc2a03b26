from django.db import models

from zerocrop.patrols import states


class CellState(models.TextChoices):
    """The states of the pure table in `patrols.states`, with its labels."""

    READY = states.READY, states.STATE_LABELS[states.READY]
    ASSIGNED = states.ASSIGNED, states.STATE_LABELS[states.ASSIGNED]
    SURVEYED = states.SURVEYED, states.STATE_LABELS[states.SURVEYED]
    VALIDATED = states.VALIDATED, states.STATE_LABELS[states.VALIDATED]
    INVALIDATED = states.INVALIDATED, states.STATE_LABELS[states.INVALIDATED]
    UNREACHABLE = states.UNREACHABLE, states.STATE_LABELS[states.UNREACHABLE]


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
