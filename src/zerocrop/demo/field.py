"""The demo's paired phones: 高志刚's safe phone, 王鸣山's phone in WeChat, and a revoked one.

They show the town admin's 外业设备 page with something to see: an unsafe phone first and
marked, a safe one, and one stopped after it was replaced.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from zerocrop.field.models import Device
from zerocrop.field.services_checks import device_check_record
from zerocrop.field.services_devices import device_pair, device_revoke, pairing_code_create
from zerocrop.org.models import User

LOCAL = ZoneInfo("Asia/Shanghai")
SAFE_PHONE = "红米手机（高志刚）"
WECHAT_PHONE = "华为畅享（王鸣山）"
OLD_PHONE = "旧手机（高志刚）"

CHROME_UA = (
    "Mozilla/5.0 (Linux; Android 12; 21091116AC) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/103.0.5060.129 Mobile Safari/537.36"
)
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 10; WKG-AN00) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/86.0.4240.99 XWEB/4263 MMWEBSDK/20220604 Mobile Safari/537.36 "
    "MMWEBID/6170 MicroMessenger/8.0.24.2180(0x28001851) WeChat/arm64 Weixin NetType/4G"
)

SAFE_RESULTS = {
    "service_worker": {"ok": True, "detail": "已注册，离线可打开"},
    "indexeddb_blob": {"ok": True, "detail": "写入并读回 1 MB 照片"},
    "storage": {"ok": True, "quota": 52_000_000_000, "usage": 48_000_000, "detail": ""},
    "persist": {"ok": True, "detail": "已授予持久存储"},
    "geolocation": {"ok": True, "fixes": 58, "median_acc": 6.0, "detail": "60 秒内 58 次定位"},
    "wake_lock": {"ok": True, "detail": "支持屏幕常亮"},
    "in_app_browser": {"ok": True, "detail": "系统浏览器"},
}
WECHAT_RESULTS = {
    **SAFE_RESULTS,
    "storage": {"ok": True, "quota": 300_000_000, "usage": 2_000_000, "detail": ""},
    "persist": {"ok": False, "detail": "浏览器未授予持久存储"},
    "geolocation": {"ok": True, "fixes": 41, "median_acc": 12.0, "detail": "60 秒内 41 次定位"},
    "in_app_browser": {"ok": False, "detail": "微信内置浏览器"},
}


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 7, day, hour, minute, tzinfo=LOCAL)


def _phone(user: User, name: str, user_agent: str, paired: datetime, seen: datetime) -> Device:
    _, code = pairing_code_create(user=user)
    device, _ = device_pair(code=code, name=name, user_agent=user_agent)
    # Pairing stamps the real now; the demo's story happens around its own date.
    Device.objects.filter(pk=device.pk).update(
        paired_at=paired, last_seen_at=seen, last_sync_at=seen
    )
    device.refresh_from_db()
    return device


@transaction.atomic
def demo_field_load() -> list[Device]:
    """Pair the demo's phones once; a second call changes nothing."""
    if Device.objects.filter(name__in=[SAFE_PHONE, WECHAT_PHONE, OLD_PHONE]).exists():
        return []
    grid = User.objects.get(username="grid")
    cadre = User.objects.get(username="cadre")
    admin = User.objects.get(username="admin")

    old = _phone(grid, OLD_PHONE, CHROME_UA, _at(1, 9), _at(3, 18))
    device_revoke(device=old, actor=admin, reason="换了新手机，旧手机停用")
    Device.objects.filter(pk=old.pk).update(revoked_at=_at(4, 8, 20))

    safe = _phone(grid, SAFE_PHONE, CHROME_UA, _at(4, 8, 30), _at(10, 8, 40))
    device_check_record(
        user=grid,
        device=safe,
        ran_at=_at(4, 8, 45),
        user_agent=CHROME_UA,
        browser="chrome",
        results=SAFE_RESULTS,
    )
    wechat = _phone(cadre, WECHAT_PHONE, WECHAT_UA, _at(6, 15), _at(9, 17, 20))
    device_check_record(
        user=cadre,
        device=wechat,
        ran_at=_at(6, 15, 10),
        user_agent=WECHAT_UA,
        browser="wechat",
        results=WECHAT_RESULTS,
    )
    return [old, safe, wechat]
