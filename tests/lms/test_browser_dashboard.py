"""辖区概览 in Chromium at 1366 px and on a 375 px phone: figures, trend chart and no sideways scrolling."""

import datetime as dt
from decimal import Decimal

import pytest

from courses.models import HoursEntry
from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_dashboard_on_desktop_and_phone(phone_page, live_server, city_tree, make_worker, tmp_path):
    manager = make_worker(unit=city_tree["street_a"].parent, role_codes={roles.MANAGER})
    for n, unit in enumerate([city_tree["grid_a"], city_tree["grid_a2"], city_tree["grid_b"]]):
        worker = make_worker(unit=unit, employee_no=f"D{n}")
        HoursEntry.objects.create(
            worker=worker,
            source=HoursEntry.Source.EXTERNAL,
            hours=Decimal(45 if n else 5),
            earned_on=dt.date(2026, 5, 1),
            title="培训",
        )
    login(phone_page, live_server.url, manager.employee_no, "Test@12345")
    url = live_server.url + "/overview/?year=2026&quarter=2"
    for width, height in ((1366, 900), (375, 812)):
        phone_page.set_viewport_size({"width": width, "height": height})
        phone_page.goto(url)
        assert phone_page.locator("h2", has_text="甲区 · 2026年第2季度").is_visible()
        table = phone_page.get_by_test_id("dashboard-table")
        street_a = table.locator(f'tr[data-unit="{city_tree["street_a"].pk}"]')
        assert street_a.locator('[data-figure="participation"]').inner_text().startswith("100.0%")
        assert street_a.locator('[data-figure="annual_hours"]').inner_text().startswith("50.0%")
        chart = phone_page.get_by_test_id("dashboard-trend").locator("svg")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] <= width and box["height"] > 100
        assert phone_page.evaluate(NO_OVERFLOW), f"horizontal overflow at {width}px"
        phone_page.screenshot(path=str(tmp_path / f"dashboard-{width}.png"), full_page=True)
    # Drill into street A from its row, on the phone.
    street_a.get_by_role("link", name="甲街道").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("h2", has_text="甲街道 · 2026年第2季度").is_visible()
    assert phone_page.evaluate(NO_OVERFLOW)
    # A junk year: the page, with the reason in Chinese.
    phone_page.goto(live_server.url + "/overview/?year=20266")
    assert "年份" in phone_page.get_by_test_id("dashboard-error").inner_text()
    assert phone_page.evaluate(NO_OVERFLOW)
