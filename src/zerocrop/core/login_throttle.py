"""Slow down guessing one user name from many addresses, without ever locking it.

axes locks a user name only together with the address the failures came from. This adds a
per-name throttle: once a name has had `failures` failed logins (from anywhere, with no quiet
`window_s` in between), at most one attempt for it is checked every `interval_s` seconds and
the others are refused with the wait. Addresses the user has logged in from before are never
slowed, so an attacker can delay the owner by seconds, never keep him out. State lives in the
cache (settings.CACHES), never in the database.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessLog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

USUAL_ADDRESS_DAYS = 180


def _config() -> dict[str, int]:
    return settings.ZEROCROP_LOGIN_THROTTLE


def _enabled() -> bool:
    # One switch for all login protections (the test settings turn axes off for Client.login).
    return bool(settings.AXES_ENABLED)


def _key(kind: str, username: str) -> str:
    return f"zerocrop:login-{kind}:{hashlib.sha256(username.encode('utf-8')).hexdigest()}"


def client_address(request: HttpRequest) -> str | None:
    """The client address as axes sees it (the configured trusted header, else REMOTE_ADDR)."""
    return get_client_ip_address(request)


def is_usual_address(*, username: str, address: str | None) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(days=USUAL_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


def record_failure(*, username: str, now: float | None = None) -> int:
    """Count a failed login for the name; the count ends after a quiet window. Returns it."""
    if not _enabled() or not username:
        return 0
    config = _config()
    now = time.time() if now is None else now
    last, count = cache.get(_key("failures", username), (now, 0))
    if now - last > config["window_s"]:
        count = 0
    count += 1
    cache.set(_key("failures", username), (now, count), timeout=config["window_s"])
    return count


def wait_seconds(*, username: str, address: str | None, now: float | None = None) -> int:
    """0 if this attempt for the name may be checked now, else the seconds to wait first."""
    if not _enabled() or not username:
        return 0
    config = _config()
    now = time.time() if now is None else now
    last, count = cache.get(_key("failures", username), (now, 0))
    if count < config["failures"] or now - last > config["window_s"]:
        return 0
    if is_usual_address(username=username, address=address):
        return 0
    slot = _key("slot", username)
    next_free = cache.get(slot, 0.0)
    if next_free <= now:
        cache.set(slot, now + config["interval_s"], timeout=config["interval_s"] + 1)
        return 0
    return max(1, math.ceil(next_free - now))


def throttle_message(seconds: int) -> str:
    return f"该账号登录失败次数过多，请 {seconds} 秒后再试"


def check_before_login(request: Any, username: str) -> str | None:
    """The Chinese refusal for a throttled attempt, or None if it may go ahead."""
    if request is None:
        return None
    wait = wait_seconds(username=username, address=client_address(request))
    return throttle_message(wait) if wait else None
