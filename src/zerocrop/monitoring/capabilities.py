from zerocrop.org.capabilities import FIELD_ROLES, capability_get, register_capability
from zerocrop.org.choices import Role

TARGET_IMPORT = "target.import"
TARGET_VERIFY = "target.verify"
TARGET_REVIEW = "target.review"
SAMPLING_DESIGN = "sampling.design"
SAMPLING_CHECK = "sampling.check"


def register_capabilities() -> None:
    if _registered():
        return
    register_capability(
        TARGET_IMPORT,
        "导入上级下发的监测靶点批次、分派核查人员、导出核查反馈",
        roles=[Role.TOWN_ADMIN],
    )
    register_capability(
        TARGET_VERIFY, "在本单位及下级单位登记靶点核查结果", roles=[*FIELD_ROLES, Role.POLICE]
    )
    register_capability(
        TARGET_REVIEW,
        "审核本单位及下级单位的靶点核查结果（通过或退回）",
        roles=[Role.TOWN_ADMIN, Role.VILLAGE_CADRE],
    )
    register_capability(
        SAMPLING_DESIGN, "制定和抽取潜在区域抽测方案、查看推算结果", roles=[Role.TOWN_ADMIN]
    )
    register_capability(SAMPLING_CHECK, "登记抽测网格的核查结果", roles=FIELD_ROLES)


def _registered() -> bool:
    try:
        capability_get(TARGET_IMPORT)
    except LookupError:
        return False
    return True
