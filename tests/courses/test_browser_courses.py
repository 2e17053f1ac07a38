"""A demo-like trainee on a phone (375×812) opens a required course, completes a lesson and sees
the hours rise."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import demo, services
from courses.demo_data.content import ONBOARDING
from courses.models import Tier
from tests.browser import login
from tests.courses.helpers import ensure_page_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_completes_a_lesson_and_the_hours_rise(phone_page, live_server, city_tree, make_worker):
    ensure_page_tree()
    worker = make_worker(
        unit=city_tree["grid_a"], employee_no="wg0002", hire_date=timezone.localdate() - dt.timedelta(days=5)
    )
    worker.user.set_password("Wangge@2026")
    worker.user.save()
    course = demo._course(services.course_index_ensure(), ONBOARDING, tier=Tier.ONBOARDING, owner=city_tree["city"])
    services.onboarding_enrol(workers=[worker])
    demo._complete(worker, course, 2, timezone.now())
    third = list(course.lessons())[2]

    page = phone_page
    login(page, live_server.url, "wg0002", "Wangge@2026")
    page.goto(live_server.url + "/courses/my/")
    before = Decimal(page.inner_text("[data-testid=annual-hours]"))
    assert before == Decimal("3")
    assert "新入职网格员岗前培训" in page.inner_text("[data-testid=in-progress-courses]")
    page.click(f"[data-testid=resume-{course.pk}]")
    page.wait_for_selector("[data-testid=complete-lesson]")
    assert page.inner_text("h1") == third.title == "群众工作与沟通"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone
    page.click("[data-testid=complete-lesson]")
    page.wait_for_load_state("networkidle")
    assert "已完成“群众工作与沟通”，记入 1.5 学时" in page.inner_text(".messages")
    page.goto(live_server.url + "/courses/my/")
    after = Decimal(page.inner_text("[data-testid=annual-hours]"))
    assert after == before + Decimal("1.5")
    assert "已完成 3/8 课时" in page.inner_text("[data-testid=in-progress-courses]")
