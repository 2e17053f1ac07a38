import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import selectors, services
from courses.models import HoursEntry
from lms import roles

pytestmark = pytest.mark.django_db


def credit(worker, day, hours):
    HoursEntry.objects.create(worker=worker, source="external", hours=Decimal(hours), earned_on=day, title="外训")


def test_onboarding_counts_the_first_month_across_the_year_boundary(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2025, 12, 15))
    credit(worker, dt.date(2025, 12, 20), "24")
    credit(worker, dt.date(2026, 1, 15), "16")  # the last day of the first month still counts
    credit(worker, dt.date(2026, 1, 16), "10")  # the day after does not
    status = selectors.onboarding_status(worker, today=dt.date(2026, 2, 1))
    assert status["deadline"] == dt.date(2026, 1, 15)
    assert status["hours"] == Decimal("40") and status["met"] and status["state"] == "达标"
    # the annual requirement splits the same hours by calendar year
    assert selectors.annual_hours(worker, 2025) == Decimal("24")
    assert selectors.annual_hours(worker, 2026) == Decimal("26")
    assert not selectors.annual_status(worker, 2025)["met"]


def test_onboarding_short_and_in_progress(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2026, 1, 31))
    credit(worker, dt.date(2026, 2, 10), "39.5")
    assert selectors.onboarding_deadline(worker.hire_date) == dt.date(2026, 2, 28)
    assert selectors.onboarding_status(worker, today=dt.date(2026, 2, 20))["state"] == "进行中"
    assert selectors.onboarding_status(worker, today=dt.date(2026, 3, 1))["state"] == "未达标"


def test_annual_threshold_is_a_setting(make_worker, city_tree, settings):
    worker = make_worker(unit=city_tree["grid_a"])
    credit(worker, dt.date(2026, 12, 31), "40")
    credit(worker, dt.date(2027, 1, 1), "8")
    assert selectors.annual_status(worker, 2026)["met"]
    assert not selectors.annual_status(worker, 2027)["met"]
    settings.COURSES_ANNUAL_HOURS = 48
    assert not selectors.annual_status(worker, 2026)["met"]
    assert selectors.annual_status(worker, 2026)["short"] == Decimal("8")
    settings.COURSES_ONBOARDING_HOURS = 8
    worker.hire_date = dt.date(2026, 12, 20)
    assert selectors.onboarding_status(worker, today=dt.date(2027, 1, 2))["met"]


def test_external_hours_by_trainer_in_scope(make_worker, city_tree):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    mine = make_worker(unit=city_tree["grid_a"])
    other = make_worker(unit=city_tree["grid_b"])
    today = timezone.localdate()
    services.hours_record_external(
        actor=trainer.user, worker=mine, hours=Decimal("6"), earned_on=today, title="区应急局培训"
    )
    with pytest.raises(services.CourseRefused):
        services.hours_record_external(actor=trainer.user, worker=other, hours=Decimal("6"), earned_on=today, title="x")
    with pytest.raises(services.CourseRefused):
        services.hours_record_external(actor=mine.user, worker=mine, hours=Decimal("6"), earned_on=today, title="x")
    with pytest.raises(services.CourseRefused):
        services.hours_record_external(
            actor=trainer.user, worker=mine, hours=Decimal("6"), earned_on=today + dt.timedelta(days=1), title="x"
        )
    assert selectors.annual_hours(mine, today.year) == Decimal("6")
