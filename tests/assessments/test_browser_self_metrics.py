"""Phone tests (375×812): a worker answers the 12 items by tapping and sees the result; HR uploads a
metrics file. Nothing is wider than the screen."""

import pytest

from assessments.models import MetricRecord, SelfAssessment
from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_phone_answers_the_questionnaire_and_sees_the_result(phone_page, live_server, city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    page = phone_page
    login(page, live_server.url, worker.employee_no, "Test@12345")
    page.goto(live_server.url + "/competency/self-assessment/")
    assert page.evaluate(NO_OVERFLOW)
    for number in range(1, 13):
        page.click(f"#q-{number} label:has-text('经常')")  # 4 on every item
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=band]")
    # 5.1: 4, 4, (6−4)=2, 4, 4, 2 → sum 20 → (20 − 6) × 25 / 6 = 58.33; 5.2 the same → 一般
    assert page.inner_text("[data-testid=score-coping]") == "58.33"
    assert page.inner_text("[data-testid=band]") == "一般"
    assert page.evaluate(NO_OVERFLOW)
    assert SelfAssessment.objects.filter(worker=worker).count() == 1


def test_phone_hr_uploads_a_metrics_file(phone_page, live_server, city_tree, make_worker, tmp_path):
    make_worker(unit=city_tree["grid_a"], employee_no="wg6001")
    hr = make_worker(unit=city_tree["street_a"], role_codes=[roles.HR])
    path = tmp_path / "m.csv"
    path.write_text("工号,指标代码,数值,日期,来源\nwg6001,3.3,88,2026-03-31,网格平台\n", encoding="utf-8-sig")
    page = phone_page
    login(page, live_server.url, hr.employee_no, "Test@12345")
    page.goto(live_server.url + "/competency/metrics/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-preview]")
    assert not MetricRecord.objects.filter(worker__employee_no="wg6001").exists()
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=import-result]")
    assert "新增 1 条" in page.inner_text("[data-testid=import-result]")
    assert page.evaluate(NO_OVERFLOW)
    assert MetricRecord.objects.filter(worker__employee_no="wg6001").count() == 1
