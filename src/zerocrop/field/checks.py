"""Pure module: a device self-test's verdict and the Chinese explanation of each failed item.

The rule is docs/field-sync.md's: no service worker, no IndexedDB blob write or an in-app
browser (WeChat's) makes a phone *unsafe* — offline records may be lost; refused persistent
storage, no wake lock or fewer than `MIN_FIXES` fixes in 60 s make it *warn*; else *safe*.
An item the phone did not report counts as failed: a test that could not run proved nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SAFE = "safe"
WARN = "warn"
UNSAFE = "unsafe"

MIN_FIXES = 30

# Browsers inside other apps: their storage is not the phone browser's and is cleared at will.
IN_APP_BROWSERS = frozenset({"wechat", "qq", "alipay", "dingtalk", "weibo", "douyin"})

UNSAFE_ITEMS = ("service_worker", "indexeddb_blob", "in_app_browser")
WARN_ITEMS = ("persist", "wake_lock", "geolocation")

ITEM_LABELS = {
    "service_worker": "离线缓存",
    "indexeddb_blob": "本机数据库写入照片",
    "storage": "存储空间",
    "persist": "持久存储",
    "geolocation": "定位",
    "wake_lock": "屏幕常亮",
    "in_app_browser": "浏览器",
}

EXPLANATIONS = {
    "service_worker": (
        "浏览器不支持或未能注册离线缓存，没有信号时打不开应用。请换用系统浏览器或谷歌浏览器。"
    ),
    "indexeddb_blob": (
        "无法在本机数据库保存照片，离线记录可能丢失。"
        "请换用系统浏览器或谷歌浏览器，并确认未开启无痕模式。"
    ),
    "in_app_browser": (
        "正在微信等应用的内置浏览器中运行，离线数据不能可靠保存。"
        "请点右上角「…」选择「在浏览器中打开」。"
    ),
    "persist": (
        "浏览器未授予持久存储，空间不足时可能清除离线数据。请把应用「添加到主屏幕」后再自检。"
    ),
    "wake_lock": ("不支持屏幕常亮，踏查时锁屏会中断轨迹记录。请在手机设置中延长自动锁屏时间。"),
    "geolocation": (
        "定位次数不足（60 秒内少于 30 次），轨迹可能断续。请开启 GPS 高精度定位并到开阔处重试。"
    ),
}


@dataclass(frozen=True)
class Failure:
    item: str
    label: str
    severity: str  # UNSAFE or WARN
    explanation: str
    detail: str  # what the phone itself reported


@dataclass(frozen=True)
class Verdict:
    verdict: str
    failures: tuple[Failure, ...]


def _ok(item: Any) -> bool:
    return isinstance(item, Mapping) and item.get("ok") is True


def _fixes(item: Any) -> int:
    if not isinstance(item, Mapping):
        return 0
    fixes = item.get("fixes")
    return fixes if isinstance(fixes, int) and not isinstance(fixes, bool) else 0


def _failed(name: str, results: Mapping[str, Any], browser: str) -> bool:
    item = results.get(name)
    if name == "in_app_browser" and browser.lower() in IN_APP_BROWSERS:
        return True
    if name == "geolocation":
        return not _ok(item) or _fixes(item) < MIN_FIXES
    return not _ok(item)


def _failure(name: str, severity: str, results: Mapping[str, Any]) -> Failure:
    item = results.get(name)
    detail = item.get("detail", "") if isinstance(item, Mapping) else ""
    if name == "in_app_browser" and not detail and _ok(item):
        detail = "内置浏览器"
    if name == "geolocation" and isinstance(item, Mapping):
        detail = detail or f"60 秒内 {_fixes(item)} 次定位"
    return Failure(
        item=name,
        label=ITEM_LABELS[name],
        severity=severity,
        explanation=EXPLANATIONS[name],
        detail=str(detail or "未报告结果")[:300],
    )


def verdict_of(results: Mapping[str, Any], *, browser: str = "") -> Verdict:
    """The verdict of one self-test's `results` ({item: {"ok": …, …}}); `browser` is the
    app's own guess ("wechat", "chrome", …): an in-app one fails whatever the item says."""
    failures = [_failure(n, UNSAFE, results) for n in UNSAFE_ITEMS if _failed(n, results, browser)]
    failures += [_failure(n, WARN, results) for n in WARN_ITEMS if _failed(n, results, browser)]
    if any(f.severity == UNSAFE for f in failures):
        verdict = UNSAFE
    elif failures:
        verdict = WARN
    else:
        verdict = SAFE
    return Verdict(verdict, tuple(failures))
