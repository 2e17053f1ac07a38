import datetime as dt
from decimal import Decimal

import pytest
from django_celery_beat.models import PeriodicTask

from courses import services
from courses.models import Enrolment, HoursEntry
from lms.models import Notification
from tests.courses.helpers import make_course

pytestmark = pytest.mark.django_db


def test_beat_runs_the_reminders_daily():
    task = PeriodicTask.objects.get(task="courses.tasks.reminders_send")
    assert task.enabled and task.crontab.hour == "8"


def test_due_in_seven_days_then_overdue_each_once(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course()
    Enrolment.objects.create(worker=worker, course=course, due_on=dt.date(2026, 5, 20))
    assert services.reminders_send(today=dt.date(2026, 5, 12))["due"] == 0  # 8 days before: not yet
    assert services.reminders_send(today=dt.date(2026, 5, 13))["due"] == 1
    assert services.reminders_send(today=dt.date(2026, 5, 14))["due"] == 0  # sent once
    assert services.reminders_send(today=dt.date(2026, 5, 20))["overdue"] == 0
    assert services.reminders_send(today=dt.date(2026, 5, 21))["overdue"] == 1
    assert services.reminders_send(today=dt.date(2026, 5, 22))["overdue"] == 0
    titles = list(Notification.objects.filter(recipient=worker.user).values_list("title", flat=True))
    assert any("将于 05月20日 到期" in t for t in titles) and any("已逾期" in t for t in titles)


def test_completed_or_optional_courses_get_no_reminder(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    Enrolment.objects.create(
        worker=worker, course=make_course("甲"), due_on=dt.date(2026, 5, 1), completed_on=dt.date(2026, 4, 1)
    )
    Enrolment.objects.create(worker=worker, course=make_course("乙"), due_on=dt.date(2026, 5, 1), required=False)
    assert services.reminders_send(today=dt.date(2026, 5, 2)) == {"due": 0, "overdue": 0, "annual": 0}


def test_annual_hours_short_from_first_of_october(make_worker, city_tree):
    short = make_worker(unit=city_tree["grid_a"])
    done = make_worker(unit=city_tree["grid_a"])
    HoursEntry.objects.create(
        worker=done, source="external", hours=Decimal("40"), earned_on=dt.date(2026, 3, 1), title="外训"
    )
    HoursEntry.objects.create(
        worker=short, source="external", hours=Decimal("12"), earned_on=dt.date(2026, 3, 1), title="外训"
    )
    assert services.reminders_send(today=dt.date(2026, 9, 30))["annual"] == 0
    assert services.reminders_send(today=dt.date(2026, 10, 1))["annual"] == 1
    assert services.reminders_send(today=dt.date(2026, 10, 2))["annual"] == 0
    note = Notification.objects.get(recipient=short.user)
    assert "尚差 28 学时" in note.title
    assert not Notification.objects.filter(recipient=done.user).exists()
