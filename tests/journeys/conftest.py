"""Journeys across apps, as users meet them: headless Chromium against the real server.

One demo site per test session: a throwaway VAR_DIR, `migrate`, `load_demo` and `collectstatic`,
served by gunicorn with DEBUG off (tests/demo_server.py). The database follows the suite's: SQLite
by default, and under `DATABASE_URL=postgres://…/name` a separate PostgreSQL database `name_journeys`
(created afresh, dropped afterwards), so `.ci/run` walks every journey on both. Workers and mentors
use a phone (375×812), staff a desktop (1366×900). When a journey fails, every page it opened is
saved as a picture under var/journeys/ (JOURNEY_SCREENSHOT_DIR) and the server's log is kept there.

Each journey makes the objects it walks through (its own worker, case, competition …) or uses demo
objects no other journey changes, so the journeys do not depend on their order.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, login
from tests.demo_server import DEMO_PASSWORD, ROOT, demo_site
from tests.services import service_missing

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
ARTEFACTS = Path(os.environ.get("JOURNEY_SCREENSHOT_DIR") or ROOT / "var" / "journeys")


def journey_database_url() -> str | None:
    """`name_journeys` beside the suite's PostgreSQL database; None (SQLite) otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urllib.parse.urlparse(url)
    return parts._replace(path=parts.path.rstrip("/") + "_journeys").geturl()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"journey_{report.when}", report)


@pytest.fixture(scope="session")
def journey_site():
    if not os.path.exists("/usr/bin/chromium"):
        service_missing("未安装 Chromium（apt-get install chromium）")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    database_url = journey_database_url()
    label = "postgresql" if database_url else "sqlite"
    with demo_site(production=True, database_url=database_url, log_path=ARTEFACTS / f"server-{label}.log") as site:
        yield site


@pytest.fixture(scope="module")
def chromium():
    """One browser per journey module, not per session: Playwright's sync API keeps its event loop
    in this thread and the async-safety switch below is lifted only while it runs, so the tests that
    come after the journeys (and the subprocesses they start) see neither."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API keeps an event loop in this thread; the journeys' own ORM-free checks are
    # synchronous, but pytest-django's fixtures may still touch the ORM around them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Actors:
    """Opens a browser context per person; remembers every page for the failure pictures."""

    def __init__(self, browser, base: str):
        self.browser = browser
        self.base = base
        self.contexts: list = []
        self.pages: list[tuple[str, object]] = []

    def new_page(self, label: str, *, phone: bool = True, accept_downloads: bool = True):
        viewport = PHONE if phone else DESKTOP
        context = self.browser.new_context(
            viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone, accept_downloads=accept_downloads
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        self.pages.append((label, page))
        return page

    def log_in(self, username: str, password: str = DEMO_PASSWORD, *, phone: bool = True):
        """A page signed in as `username`; asserts the login went through (no login form left)."""
        page = self.new_page(username, phone=phone)
        login(page, self.base, username, password)
        assert "/login/" not in page.url, f"{username} 未能登录：{page.url}"
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def actors(request, journey_site, chromium):
    """`actors.log_in("wg0001")` → a phone page; `actors.log_in("rs001", phone=False)` → desktop."""
    people = Actors(chromium, journey_site.base)
    yield people
    call = getattr(request.node, "journey_call", None)
    if call is not None and call.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for index, (label, page) in enumerate(people.pages):
            try:
                page.screenshot(path=str(ARTEFACTS / f"{name}-{index}-{label}.png"), full_page=True)
            except Exception as exc:  # noqa: BLE001 - a closed page must not hide the journey's own failure
                print(f"截图失败（{label}）：{exc}")
        print(f"旅程失败：截图和服务器日志在 {ARTEFACTS}")
    people.close()
