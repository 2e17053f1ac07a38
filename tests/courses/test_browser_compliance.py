"""A trainer on a phone filters and pages the compliance report without sideways scrolling
(issue 14, defect 8)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import HoursEntry
from lms import roles
from tests.browser import login
from tests.courses.helpers import ensure_page_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_and_page_on_a_phone(phone_page, live_server, city_tree, make_worker):
    ensure_page_tree()
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,), employee_no="px001")
    trainer.user.set_password("Wangge@2026")
    trainer.user.save()
    workers = [make_worker(unit=city_tree["grid_a"], employee_no=f"P{n:03d}") for n in range(1, 56)]
    HoursEntry.objects.create(
        worker=workers[0], source="external", hours=Decimal("40"), earned_on=timezone.localdate(), title="外训"
    )

    page = phone_page
    login(page, live_server.url, "px001", "Wangge@2026")
    page.goto(live_server.url + "/courses/compliance/")
    assert page.inner_text("[data-testid=total]") == "55"
    assert "px001" not in page.inner_text("table")  # the trainer is not counted
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=pager] >> text=下一页")
    page.wait_for_load_state("networkidle")
    assert "P055" in page.inner_text("table") and "P001" not in page.inner_text("table")
    page.select_option("select[name=status]", "short")
    page.fill("input[name=q]", "P00")
    page.click("[data-testid=compliance-filters] button")
    page.wait_for_load_state("networkidle")
    assert "符合条件 8 人" in page.inner_text("[data-testid=listed]")  # P002…P009 are short, P001 met
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(live_server.url + "/courses/compliance/?year=20266")
    assert "年份应为 2000–2100 之间的整数" in page.inner_text(".messages")
