"""On a phone (375 px) a trainer opens 检索分析 after workers' searches, and adds a query that found
nothing as a synonym of an existing word without horizontal scrolling."""

import pytest

from casebank.models import SearchLog, SearchScope, SynonymGroup
from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_adds_a_zero_result_query_as_a_synonym_on_a_phone(
    phone_page, live_server, city_tree, make_worker, small_library
):
    worker = make_worker(unit=city_tree["grid_a"])
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    SynonymGroup.objects.all().delete()  # from an empty vocabulary: 液化气 is a shipped synonym of 燃气
    group = SynonymGroup.objects.create(words="燃气 煤气")
    page = phone_page

    login(page, live_server.url, worker.employee_no, "Test@12345")
    page.goto(f"{live_server.url}/cases/")
    page.fill("input[name=q]", "液化气")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-testid=result-count]")
    assert SearchLog.objects.get(scope=SearchScope.CASES, query="液化气").result_count == 0
    page.context.clear_cookies()

    login(page, live_server.url, trainer.employee_no, "Test@12345")
    page.goto(f"{live_server.url}/cases/search-insights/")
    row = page.locator("[data-testid=zero-result] tr", has_text="液化气")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    row.locator("input[name=word]").fill("煤气")
    row.locator("button:has-text('加为同义词')").click()
    page.wait_for_selector(".msg-success")
    assert "放进同一个同义词组" in page.inner_text(".messages")
    group.refresh_from_db()
    assert "液化气" in group.word_list()
