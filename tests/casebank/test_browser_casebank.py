"""A phone (375×812) searches the case library, opens a case, and runs a drill to its end."""

import pytest

from casebank.models import DrillAttempt, DrillAttemptState
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_searches_opens_a_case_and_runs_a_drill(phone_page, live_server, city_tree, make_worker, small_library):
    worker = make_worker(unit=city_tree["grid_a"])
    page = phone_page
    login(page, live_server.url, worker.employee_no, "Test@12345")

    page.goto(f"{live_server.url}/cases/")
    page.fill("input[name=q]", "楼上一直漏水怎么办")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-testid=case-results] li.hit")
    first = page.locator("[data-testid=case-results] li.hit h3 a").first
    assert first.inner_text() == "楼上漏水引发的邻里纠纷调解"
    assert page.locator("[data-testid=case-results] mark").count() > 0
    first.click()
    page.wait_for_selector("article h1")
    assert "问题描述" in page.inner_text("article") and page.locator("article mark").count() > 0
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{live_server.url}/drills/")
    page.click("text=小区燃气泄漏")
    page.click("text=开始演练")
    for label in (
        "立即大声制止开灯和使用手机",
        "打开楼道窗户通风，逐户敲门疏散居民到上风向空地",
        "在安全区域拨打燃气抢修电话和119，配合专业人员关阀",
    ):
        page.wait_for_selector("[data-testid=drill-step]")
        page.click(f"button:has-text('{label}')")
    page.wait_for_selector("[data-testid=drill-result]")
    assert "100" in page.inner_text("[data-testid=drill-result]")
    attempt = DrillAttempt.objects.get(worker=worker)
    assert attempt.state == DrillAttemptState.COMPLETED
