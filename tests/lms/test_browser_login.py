"""A phone-sized browser logs in and sees 我的学习 without horizontal scrolling."""

import pytest

from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_logs_in_on_a_phone(phone_page, live_server, city_tree, make_worker, tmp_path):
    worker = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE})
    login(phone_page, live_server.url, worker.employee_no, "Test@12345")
    assert phone_page.locator("h1").first.inner_text().startswith("我的学习")
    assert worker.name in phone_page.content()
    page_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375
    phone_page.screenshot(path=str(tmp_path / "trainee-home.png"))
