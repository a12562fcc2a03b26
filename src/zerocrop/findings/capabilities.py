"""The rights of the findings app, added to org's one capability table."""

from zerocrop.org.capabilities import FIELD_ROLES, capability_get, register_capability
from zerocrop.org.choices import Role

FINDING_RECORD = "finding.record"
FINDING_ERADICATE = "finding.eradicate"
FINDING_POLICE_FIELDS = "finding.police_fields"
# Who may fetch a finding photo's original bytes, whose EXIF holds where and when it was taken.
# Everyone else in scope (the leader: overviews, not field locations) gets the re-encoded
# preview without EXIF at /evidence/<id>/preview/, and no camera position on the page.
PHOTO_ORIGINALS = "finding.photo_originals"
# Police use the articles and can read the official texts; the town admin keeps the system.
# Unscoped: the statute table is one for the whole installation, not per unit.
STATUTE_VERIFY = "statute.verify"
KEY_PERSON_VIEW = "keyperson.view"
KEY_PERSON_MANAGE = "keyperson.manage"
KEY_PERSON_VISIT = "keyperson.visit"
CASE_MANAGE = "case.manage"


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
        PHOTO_ORIGINALS,
        "查看发现铲除照片原件（含相机记录的拍摄时间与 GPS 位置）；其他人只看去除这些信息的预览图",
        roles=[*FIELD_ROLES, Role.POLICE],
    )
    register_capability(
        STATUTE_VERIFY,
        "录入条文表中条文核实后的条号和原文（民警和镇管理员）",
        roles=[Role.POLICE, Role.TOWN_ADMIN],
        scoped=False,
    )
    register_capability(
        KEY_PERSON_VIEW,
        "查看本单位及下级单位的重点人员及走访记录",
        roles=[*FIELD_ROLES, Role.POLICE, Role.LEADER],
    )
    register_capability(
        KEY_PERSON_MANAGE,
        "在本单位及下级单位登记、修改和作废重点人员",
        roles=[Role.TOWN_ADMIN, Role.VILLAGE_CADRE, Role.POLICE],
    )
    register_capability(
        KEY_PERSON_VISIT,
        "为本单位及下级单位的重点人员登记走访",
        roles=[*FIELD_ROLES, Role.POLICE],
    )
    register_capability(
        CASE_MANAGE, "查看和登记案件（仅限民警和镇管理员）", roles=[Role.POLICE, Role.TOWN_ADMIN]
    )
