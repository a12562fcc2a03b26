from zerocrop.org.capabilities import FIELD_ROLES, capability_get, register_capability
from zerocrop.org.choices import Role

DEVICE_PAIR = "device.pair"
DEVICE_MANAGE = "device.manage"


def register_capabilities() -> None:
    if _registered():
        return
    register_capability(
        DEVICE_PAIR,
        "在手机上启用外业采集（离线踏查、发现、铲除、靶点核查）并同步到平台",
        roles=[*FIELD_ROLES, Role.POLICE],
        scoped=False,
    )
    register_capability(
        DEVICE_MANAGE,
        "查看本单位及下级单位的外业设备、自检结果，停用设备",
        roles=[Role.TOWN_ADMIN],
    )


def _registered() -> bool:
    try:
        capability_get(DEVICE_PAIR)
    except LookupError:
        return False
    return True
