"""On a phone, a worker opens the 新的必修课程 notice and lands on a course they are enrolled in,
ready to start (issue 14, defect 1)."""

import pytest

from courses import services
from lms import roles
from tests.browser import login
from tests.courses.helpers import ensure_page_tree, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notice_leads_to_the_course(phone_page, live_server, city_tree, make_worker):
    ensure_page_tree()
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"], employee_no="wg0002")
    worker.user.set_password("Wangge@2026")
    worker.user.save()
    course = make_course("年度网格员轮训", owner=city_tree["city"], lessons=2)
    services.course_assign(actor=trainer.user, course=course, workers=[worker])

    page = phone_page
    login(page, live_server.url, "wg0002", "Wangge@2026")
    page.goto(live_server.url + "/notifications/")
    page.click("text=新的必修课程：年度网格员轮训")
    page.wait_for_selector("[data-testid=resume]")
    assert page.inner_text("h1") == "年度网格员轮训"
    assert "本课程由培训管理员指派" not in page.content()
    page.click("[data-testid=resume]")
    page.wait_for_selector("[data-testid=complete-lesson]")
    assert "请先报名该课程" not in page.content()
    page.goto(live_server.url + "/courses/my/")
    assert "年度网格员轮训" in page.inner_text("main")
