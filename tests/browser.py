"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, at a phone's 375×812.

Use the `phone_page` fixture together with pytest-django's `live_server`:

    @pytest.mark.browser
    def test_x(phone_page, live_server): phone_page.goto(live_server.url + "/login/")
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.services import service_missing

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def phone_page():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        service_missing("未安装 Chromium（apt-get install chromium）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        service_missing("未安装 playwright")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes around
    # it are still synchronous, so Django's async-safety guard is lifted for browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
