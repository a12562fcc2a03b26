"""The rights of the findings app, added to org's one capability table."""

from zerocrop.org.capabilities import FIELD_ROLES, capability_get, register_capability
from zerocrop.org.choices import Role

FINDING_RECORD = "finding.record"
FINDING_ERADICATE = "finding.eradicate"
FINDING_POLICE_FIELDS = "finding.police_fields"
# Police use the articles and can read the official texts; the town admin keeps the system.
# Unscoped: the statute table is one for the whole installation, not per unit.
STATUTE_VERIFY = "statute.verify"


def register_capabilities() -> None:
    try:
        capability_get(FINDING_RECORD)
        return  # already registered (ready() ran twice, as in some test setups)
    except LookupError:
        pass
    register_capability(
        FINDING_RECORD, "在本单位及下级单位登记、修改和作废发现点", roles=FIELD_ROLES
    )
    register_capability(FINDING_ERADICATE, "在本单位及下级单位登记铲除和复查", roles=FIELD_ROLES)
    register_capability(
        FINDING_POLICE_FIELDS,
        "查看和填写种植人身份及此前处理情况（仅限民警和镇管理员）",
        roles=[Role.POLICE, Role.TOWN_ADMIN],
    )
    register_capability(
        STATUTE_VERIFY,
        "录入条文表中条文核实后的条号和原文（民警和镇管理员）",
        roles=[Role.POLICE, Role.TOWN_ADMIN],
        scoped=False,
    )
