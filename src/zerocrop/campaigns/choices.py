from django.db import models

# Shared vocabulary, re-exported for campaigns' own modules; other apps import core.vocabulary.
from zerocrop.core.vocabulary import Species, Stage  # noqa: F401


class GroupRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class OfficeRole(models.TextChoices):
    NONE = "", "—"
    DIRECTOR = "director", "办公室主任"
    DEPUTY_DIRECTOR = "deputy_director", "办公室副主任"


class PledgeKind(models.TextChoices):
    UNIT = "unit", "单位责任状"
    HOUSEHOLD = "household", "农户承诺书"


GROUP_ROLE_BY_LABEL = {
    "组长": GroupRole.LEADER,
    "副组长": GroupRole.DEPUTY,
    "成员": GroupRole.MEMBER,
}
OFFICE_ROLE_BY_LABEL = {
    "办公室主任": OfficeRole.DIRECTOR,
    "办公室副主任": OfficeRole.DEPUTY_DIRECTOR,
}
