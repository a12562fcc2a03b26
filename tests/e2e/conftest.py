"""Real-browser tests: Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("ZEROCROP_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen
# in their own thread, the test's own ORM setup runs before the page is driven.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM):
        return
    if os.environ.get("ZEROCROP_REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"浏览器测试需要 Chromium，但找不到 {CHROMIUM}（apt-get install chromium）"
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def logged_in(page: object, live_server: object, demo_campaign: object):  # noqa: ANN201
    def do_login(username: str = "admin") -> object:
        from zerocrop.demo.campaign import DEMO_PASSWORD

        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        # A grid worker lands on 我的任务 (ZEROCROP_ROLE_LANDING), the others on the campaign.
        page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(campaigns/|patrols/mine/)"))
        return page

    return do_login
