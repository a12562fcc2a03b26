"""Helpers shared by the field app's end-to-end tests against the real server: a phone-sized
context with emulated geolocation, JPEG photos, polling an async page expression, walking a
track fix by fix, and pairing the demo's grid worker."""

from __future__ import annotations

import io
import time

from PIL import Image

from zerocrop.field.services_devices import device_pair, pairing_code_create
from zerocrop.org.models import User

DB = "/static/field/js/db.js"
# Playwright's locale emulation makes service-worker navigations fail offline (ERR_FAILED):
# this context keeps the browser's own locale; the app is Chinese whatever it is.
PHONE = {"viewport": {"width": 390, "height": 844}, "permissions": ["geolocation"]}
FIX_EVERY_S = 1.1  # 5 m apart: a walker, not a jump the track cleaner drops as too fast
ALL_APPLIED = (
    f"async () => (await (await import('{DB}')).listRecords()).every((r) => r.status === 'applied')"
)


def jpeg(shade: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 90, 30)).save(buffer, format="JPEG")
    return {"name": f"p{shade}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def until(page, expression: str, timeout_s: float = 20) -> object:  # noqa: ANN001
    """Poll an async page expression (wait_for_function would take its promise as truthy)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for {expression}"
            return value
        page.wait_for_timeout(300)


def walk(page, fixes: list) -> None:  # noqa: ANN001
    for fix in fixes:
        page.context.set_geolocation({"longitude": fix.lon, "latitude": fix.lat, "accuracy": 5})
        page.wait_for_timeout(int(FIX_EVERY_S * 1000))


def pair_token(username: str = "grid") -> str:
    _, code = pairing_code_create(user=User.objects.get(username=username))
    _, token = device_pair(code=code, name="测试手机", user_agent="e2e")
    return token


def open_paired(page, base_url: str, token: str) -> None:  # noqa: ANN001
    """Store the device token, reload, and wait until the package and the service worker are in."""
    page.goto(f"{base_url}/field/app/#/pair")
    page.wait_for_selector(".zf-tabbar")
    page.evaluate(f"async () => (await import('{DB}')).setMeta('token', '{token}')")
    page.goto(f"{base_url}/field/app/#/tasks")
    page.reload()
    until(page, f"async () => Boolean(await (await import('{DB}')).getMeta('tasks'))")
    until(page, "async () => Boolean(navigator.serviceWorker.controller)")
