from __future__ import annotations

import pytest

from zerocrop.field.checks import MIN_FIXES, SAFE, UNSAFE, WARN, verdict_of


def _all_good() -> dict:
    return {
        "service_worker": {"ok": True},
        "indexeddb_blob": {"ok": True},
        "storage": {"ok": True, "quota": 10**9, "usage": 10**6},
        "persist": {"ok": True},
        "geolocation": {"ok": True, "fixes": 58, "median_acc": 6.0},
        "wake_lock": {"ok": True},
        "in_app_browser": {"ok": True},
    }


def test_everything_passing_is_safe() -> None:
    result = verdict_of(_all_good(), browser="chrome")
    assert result.verdict == SAFE
    assert result.failures == ()


@pytest.mark.parametrize("item", ["service_worker", "indexeddb_blob", "in_app_browser"])
def test_a_failed_storage_item_or_an_in_app_browser_is_unsafe(item: str) -> None:
    results = _all_good()
    results[item] = {"ok": False, "detail": "不支持"}
    result = verdict_of(results)
    assert result.verdict == UNSAFE
    assert [f.item for f in result.failures] == [item]
    assert result.failures[0].detail == "不支持"
    assert result.failures[0].explanation


@pytest.mark.parametrize("item", ["persist", "wake_lock", "geolocation"])
def test_persist_wake_lock_or_location_failing_is_a_warning(item: str) -> None:
    results = _all_good()
    results[item] = {"ok": False}
    result = verdict_of(results)
    assert result.verdict == WARN
    assert [f.severity for f in result.failures] == [WARN]


def test_too_few_fixes_is_a_warning_even_when_the_phone_says_ok() -> None:
    results = _all_good()
    results["geolocation"] = {"ok": True, "fixes": MIN_FIXES - 1}
    result = verdict_of(results)
    assert result.verdict == WARN
    assert "29 次" in result.failures[0].detail
    results["geolocation"]["fixes"] = MIN_FIXES
    assert verdict_of(results).verdict == SAFE


def test_an_item_not_reported_counts_as_failed() -> None:
    results = _all_good()
    del results["service_worker"]
    result = verdict_of(results)
    assert result.verdict == UNSAFE
    assert result.failures[0].detail == "未报告结果"


def test_wechat_is_unsafe_whatever_the_item_says() -> None:
    result = verdict_of(_all_good(), browser="WeChat")
    assert result.verdict == UNSAFE
    assert result.failures[0].item == "in_app_browser"
    assert "浏览器中打开" in result.failures[0].explanation


def test_unsafe_wins_over_warnings_and_all_failures_are_listed() -> None:
    results = _all_good()
    results["in_app_browser"] = {"ok": False, "detail": "微信内置浏览器"}
    results["persist"] = {"ok": False, "detail": "浏览器未授予持久存储"}
    result = verdict_of(results)
    assert result.verdict == UNSAFE
    assert [f.item for f in result.failures] == ["in_app_browser", "persist"]
