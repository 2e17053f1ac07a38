"""Every role's main screens on the demo site: each opens without an error, has a heading and fits
the screen without sideways scrolling, on a 375 px phone and (for staff) a 1366 px desktop.

The pictures in the role guides (docs/guides/) are these screens: `make screenshots` runs this
module with DOCS_SCREENSHOT_DIR=docs/img; otherwise they go to a temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS
from tests.demo_server import DEMO_PASSWORD, demo_site
from tests.services import service_missing

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


def _open(path: str):
    return lambda page, base: page.goto(base + path)


def _follow(path: str, selector: str):
    """Open `path`, then the first link matching `selector` (ids differ between demo loads)."""

    def step(page, base):
        page.goto(base + path)
        href = page.get_attribute(selector, "href")
        assert href, f"{path} 上没有 {selector}"
        return page.goto(href if href.startswith("http") else base + href)

    return step


def _verification_page(page, base):
    page.goto(base + "/certificates/mine/")
    link = page.inner_text("[data-testid=share-link] >> nth=0").strip()
    return page.goto(link.replace("http://127.0.0.1:8000", base))


def _quiz_attempt(page, base):
    page.goto(base + "/quizzes/")
    page.click("text=每日练习（随机20题）")
    page.click("[data-testid=start]")
    page.wait_for_load_state("networkidle")


def _export_then_list(page, base):
    """Start the 持证登记表 export (a background job, run at once without a broker), then 我的导出."""
    page.goto(base + "/certificates/hr/")
    page.click("text=导出持证登记表")
    page.wait_for_load_state("networkidle")
    return page.goto(base + "/exports/")


def _competition_sheet(page, base):
    """pw001's running round, then the next contestant they have not scored."""
    _follow("/competitions/judging/", "a[href$='/judge/']")(page, base)
    href = page.get_attribute("[data-testid=next-pending]", "href")
    return page.goto(base + href)


def _competition_screen(page, base):
    """The venue's big screen, opened from the running competition's 组织管理 page."""
    _follow("/competitions/", "a[href$='/manage/']")(page, base)
    href = page.get_attribute("[data-testid=screen-link] a", "href")
    return page.goto(base + href)


# (guide, picture name, user, viewport, how to reach the screen)
SCREENS = [
    ("trainee", "home", "wg0002", PHONE, _open("/me/")),
    ("trainee", "my-courses", "wg0002", PHONE, _open("/courses/my/")),
    ("trainee", "lesson", "wg0002", PHONE, _follow("/courses/my/", "[data-testid=in-progress-courses] a.btn")),
    ("trainee", "quizzes", "wg0002", PHONE, _open("/quizzes/")),
    ("trainee", "attempt", "wg0002", PHONE, _quiz_attempt),
    ("trainee", "case-search", "wg0002", PHONE, _open("/cases/?q=纠纷")),
    ("trainee", "drill", "wg0002", PHONE, _open("/drills/gas-leak/")),
    # wg0001: wg0002 has just joined and, rightly, holds no certificate yet.
    ("trainee", "certificates", "wg0001", PHONE, _open("/certificates/mine/")),
    ("trainee", "verify", "wg0001", PHONE, _verification_page),
    ("trainee", "sessions", "wg0002", PHONE, _open("/courses/sessions/")),
    ("trainee", "competency", "wg0001", PHONE, _open("/competency/")),
    ("trainee", "competency-indicator", "wg0001", PHONE, _open("/competency/wg0001/2026/2.1/")),
    ("trainee", "self-assessment", "wg0002", PHONE, _open("/competency/self-assessment/")),
    ("trainee", "survey-card", "wg0002", PHONE, _open("/competency/survey/card/")),
    ("mentor", "home", "wg0001", PHONE, _open("/me/")),
    ("mentor", "mentorship", "wg0001", PHONE, _open("/mentorship/")),
    ("mentor", "session-new", "wg0001", PHONE, _open("/mentorship/sessions/new/")),
    ("mentor", "compliance", "wg0001", PHONE, _open("/mentorship/compliance/")),
    ("trainer", "compliance", "px001", DESKTOP, _open("/courses/compliance/")),
    ("trainer", "quiz-results", "px001", DESKTOP, _follow("/quizzes/", "a[href$='/results/']")),
    ("trainer", "marking", "px001", DESKTOP, _open("/marking/")),
    ("trainer", "mark-answer", "px001", DESKTOP, _follow("/marking/", "a[href^='/marking/']:not([href='/marking/'])")),
    ("trainer", "session", "px001", DESKTOP, _follow("/courses/sessions/", "a[href^='/courses/sessions/']")),
    ("trainer", "admin", "px001", DESKTOP, _open("/admin/")),
    ("trainer", "competency-analysis", "px001", DESKTOP, _open("/competency/analysis/")),
    ("trainer", "observe", "px001", PHONE, _open("/competency/observe/wg0003/")),
    ("trainer", "import-questions", "px001", DESKTOP, _open("/imports/assessments.questions/")),
    ("trainer", "search-insights", "px001", DESKTOP, _open("/cases/search-insights/")),
    ("trainer", "mentor-term-new", "px001", DESKTOP, _open("/mentorship/terms/new/")),
    ("trainer", "mentorship-compliance", "px001", DESKTOP, _open("/mentorship/compliance/")),
    ("trainer", "signoffs", "px001", DESKTOP, _open("/mentorship/signoffs/")),
    ("trainer", "mentorship-report", "px001", DESKTOP, _open("/mentorship/report/")),
    ("trainee", "competitions", "wg0001", PHONE, _open("/competitions/")),
    ("trainee", "my-competitions", "wg0001", PHONE, _open("/competitions/mine/")),
    ("trainee", "competition", "wg0001", PHONE, _follow("/competitions/", "[data-testid^=competition-] a")),
    ("judge", "competition-round", "pw001", PHONE, _follow("/competitions/judging/", "a[href$='/judge/']")),
    ("judge", "competition-sheet", "pw001", PHONE, _competition_sheet),
    ("trainer", "competition-manage", "px001", DESKTOP, _follow("/competitions/", "a[href$='/manage/']")),
    ("trainer", "competition-screen", "px001", {"width": 1920, "height": 1080}, _competition_screen),
    ("judge", "marking", "pw001", PHONE, _open("/marking/")),
    ("judge", "drill-review", "pw001", PHONE, _open("/drills/review/")),
    ("hr", "home", "rs001", DESKTOP, _open("/hr/")),
    ("hr", "certificates", "rs001", DESKTOP, _open("/certificates/hr/")),
    ("hr", "bulk-issue", "rs001", DESKTOP, _open("/certificates/hr/issue/")),
    ("hr", "allowances", "rs001", DESKTOP, _open("/certificates/hr/allowances/")),
    (
        "hr",
        "allowance-month",
        "rs001",
        DESKTOP,
        _follow("/certificates/hr/allowances/", "a[href^='/certificates/hr/allowances/2']"),
    ),
    ("hr", "workers", "rs001", DESKTOP, _open("/workers/")),
    ("hr", "imports", "rs001", DESKTOP, _open("/imports/")),
    ("hr", "import-workers", "rs001", DESKTOP, _open("/imports/lms.workers/")),
    ("hr", "my-exports", "rs001", DESKTOP, _export_then_list),
    ("hr", "self-assessment-answers", "rs001", DESKTOP, _open("/competency/self-assessment/workers/")),
    ("hr", "excellent-mentors", "rs001", DESKTOP, _open("/mentorship/excellent/")),
    ("manager", "overview", "gl001", DESKTOP, _open("/overview/")),
    ("manager", "compliance", "gl002", DESKTOP, _open("/courses/compliance/")),
    ("manager", "competency-analysis", "gl001", DESKTOP, _open("/competency/analysis/")),
    ("manager", "survey-review", "gl001", DESKTOP, _open("/competency/survey/review/")),
]
# Staff use phones too: every staff screen must also fit 375 px (not pictured).
PHONE_CHECKS = [(g, n, u, PHONE, s) for g, n, u, v, s in SCREENS if v is DESKTOP and n != "admin"]


@pytest.fixture(scope="module")
def site():
    with demo_site() as demo:
        yield demo.base


@pytest.fixture(scope="module")
def browser():
    executable = "/usr/bin/chromium"
    if not os.path.exists(executable):
        service_missing("未安装 Chromium（apt-get install chromium）")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def picture_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("DOCS_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _signed_in(browser, base: str, user: str, viewport: dict):
    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def _check_screen(page, viewport: dict, label: str) -> None:
    title = page.title()
    assert not re.search(r"Error|Exception|Traceback|Page not found|Forbidden", title), f"{label}: {title}"
    heading = page.locator("h1").first
    assert heading.inner_text().strip(), f"{label}: 页面没有标题"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: 页面宽 {width}px，超出屏幕 {viewport['width']}px"


@pytest.mark.parametrize("guide,name,user,viewport,reach", SCREENS, ids=[f"{g}-{n}" for g, n, *_ in SCREENS])
def test_screen_opens_and_fits(site, browser, picture_dir, guide, name, user, viewport, reach):
    context, page = _signed_in(browser, site, user, viewport)
    try:
        response = reach(page, site)
        assert response is None or response.status < 400, f"{guide}-{name}: HTTP {response.status}"
        page.wait_for_load_state("networkidle")
        _check_screen(page, viewport, f"{guide}-{name}")
        page.screenshot(path=str(picture_dir / f"{guide}-{name}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("guide,name,user,viewport,reach", PHONE_CHECKS, ids=[f"{g}-{n}" for g, n, *_ in PHONE_CHECKS])
def test_staff_screen_fits_a_phone(site, browser, guide, name, user, viewport, reach):
    context, page = _signed_in(browser, site, user, viewport)
    try:
        response = reach(page, site)
        assert response is None or response.status < 400
        page.wait_for_load_state("networkidle")
        _check_screen(page, viewport, f"{guide}-{name}（手机）")
    finally:
        context.close()
