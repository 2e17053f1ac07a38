"""courses' plain SQL statements give what their ORM twins (tests/plain_sql_twins.py) give, on
SQLite and on PostgreSQL (the suite runs on both): 我的课程's hours and rows, the lesson reader and
the resume UPDATE — with nothing to sum, hours on 31 December and 1 January, another worker's
rows, a viewer without a worker profile, completed enrolments and lessons unpublished since."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import selectors, services
from courses.models import Enrolment, HoursEntry, LessonCompletion
from tests import plain_sql_twins as twin
from tests.courses.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db

BOUNDARIES = [
    (dt.date(2025, 12, 31), "3.5"),
    (dt.date(2026, 1, 1), "1.25"),
    (dt.date(2026, 1, 31), "1"),
    (dt.date(2026, 2, 28), "0.5"),
    (dt.date(2026, 3, 1), "0.75"),
    (dt.date(2026, 12, 31), "2"),
    (dt.date(2027, 1, 1), "4"),
]


def _hours(worker, earned_on, hours):
    HoursEntry.objects.create(
        worker=worker, source="external", hours=Decimal(hours), earned_on=earned_on, title=f"外训{earned_on}"
    )


@pytest.fixture
def people(make_worker, city_tree):
    """A new hire with hours on the year's edges, a colleague with the same hours (not to be
    counted for the first), and two with no hours at all, one without a hire date."""
    hired = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2026, 1, 31))
    colleague = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2026, 1, 31))
    for worker in (hired, colleague):
        for day, hours in BOUNDARIES:
            _hours(worker, day, hours)
    return {
        "hired": hired,
        "colleague": colleague,
        "empty": make_worker(unit=city_tree["grid_b"], hire_date=dt.date(2026, 12, 31)),
        "no_hire_date": make_worker(unit=city_tree["grid_b"]),
    }


def test_year_bounds_are_the_calendar_year():
    assert selectors.year_bounds(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_hours_overview(people):
    for worker in people.values():
        for today in (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 2, 28), dt.date(2027, 1, 1)):
            assert selectors.hours_overview(worker, today=today) == twin.hours_overview(worker, today=today), (
                worker,
                today,
            )
    annual, onboarding = selectors.hours_overview(people["hired"], today=dt.date(2026, 3, 1))
    assert annual["hours"] == Decimal("5.50")  # 1 Jan, 31 Jan, 28 Feb, 1 Mar, 31 Dec
    assert onboarding["hours"] == Decimal("1.50") and onboarding["deadline"] == dt.date(2026, 2, 28)
    annual, onboarding = selectors.hours_overview(people["empty"], today=dt.date(2026, 6, 1))
    assert (annual["hours"], onboarding["hours"]) == (Decimal(0), Decimal(0))  # NULL sums


def test_every_count_of_a_year_follows_the_same_rule(people):
    hired = people["hired"]
    for year in (2025, 2026, 2027):
        in_ledger = sum((e.hours for e in selectors.ledger(hired, year)), Decimal(0))
        assert (
            selectors.annual_hours(hired, year)
            == in_ledger
            == selectors.hours_overview(hired, today=dt.date(year, 7, 1))[0]["hours"]
        )
    assert [e.earned_on.year for e in selectors.ledger(hired, 2026)] == [2026] * 5


def test_lesson_reader(people, make_worker, city_tree):
    hired, colleague = people["hired"], people["colleague"]
    course = make_course("阅读器 对照", lessons=4)
    first, second, third, fourth = lessons_of(course)
    Enrolment.objects.create(worker=hired, course=course, last_lesson=second)
    Enrolment.objects.create(worker=colleague, course=course, completed_on=dt.date(2026, 12, 31))
    now = timezone.now()
    LessonCompletion.objects.create(worker=hired, lesson=first, completed_at=now)
    LessonCompletion.objects.create(worker=hired, lesson=fourth, completed_at=now)  # unpublished below
    LessonCompletion.objects.create(worker=colleague, lesson=second, completed_at=now)
    fourth.unpublish()
    not_enrolled = make_worker(unit=city_tree["grid_a"])
    for lesson in (first, second, third):
        for worker in (hired, colleague, not_enrolled, people["empty"], None):
            for year in (2025, 2026, 2027):
                mine = selectors.lesson_reader(lesson, worker, year=year)
                assert mine == twin.lesson_reader(lesson, worker, year=year), (lesson, worker, year)
    reader = selectors.lesson_reader(second, hired, year=2026)
    assert [(entry.pk, entry.done) for entry in reader.lessons] == [
        (first.pk, True),
        (second.pk, False),
        (third.pk, False),
    ]
    assert reader.year_hours == Decimal("5.50") and reader.enrolment.last_lesson_id == second.pk
    assert reader.course.url == course.url and reader.lessons[2].url == third.url


def test_my_course_rows(people, make_worker, city_tree):
    hired, colleague = people["hired"], people["colleague"]
    assert selectors.my_course_rows(hired) == twin.my_course_rows(hired)  # no enrolments yet
    due = make_course("有期限", lessons=3)
    done = make_course("已结业", lessons=2)
    moved = make_course("撤下课时", lessons=3)
    empty = make_course("还没有课时", lessons=0)
    Enrolment.objects.create(worker=hired, course=due, due_on=dt.date(2026, 12, 31))
    Enrolment.objects.create(worker=hired, course=done, completed_on=dt.date(2026, 1, 1), required=False)
    moved_lessons = lessons_of(moved)
    Enrolment.objects.create(worker=hired, course=moved, last_lesson=moved_lessons[1])
    Enrolment.objects.create(worker=hired, course=empty, due_on=dt.date(2027, 1, 1))
    Enrolment.objects.create(worker=colleague, course=due)
    services.lesson_complete(worker=hired, lesson=lessons_of(due)[0])
    services.lesson_complete(worker=colleague, lesson=lessons_of(due)[1])
    services.lesson_complete(worker=hired, lesson=moved_lessons[2])
    for lesson in moved_lessons[1:]:
        lesson.unpublish()  # the resume lesson and a done one
    for worker in (hired, colleague, people["empty"]):
        assert selectors.my_course_rows(worker) == twin.my_course_rows(worker), worker
    rows = selectors.my_course_rows(hired)
    assert rows.resume[moved_lessons[1].pk].url == moved_lessons[1].url
    assert rows.lessons[empty.pk] == [] and rows.done == {lessons_of(due)[0].pk}


def test_lesson_open(people, make_worker, city_tree):
    hired, colleague = people["hired"], people["colleague"]
    course = make_course("学到哪", lessons=2)
    first, second = lessons_of(course)
    mine = Enrolment.objects.create(worker=hired, course=course)
    finished = Enrolment.objects.create(worker=colleague, course=course, completed_on=dt.date(2026, 1, 1))
    cases = [
        (hired, first, mine),  # NULL → first
        (hired, first, mine),  # already there
        (hired, second, mine),  # first → second
        (colleague, first, finished),  # completed: left alone
        (colleague, second, mine),  # another worker's enrolment: left alone
    ]
    for worker, lesson, enrolment in cases:
        before = list(Enrolment.objects.order_by("pk").values_list("pk", "last_lesson_id"))
        changed = services.lesson_open(worker=worker, lesson=lesson, enrolment=enrolment)
        after_sql = list(Enrolment.objects.order_by("pk").values_list("pk", "last_lesson_id"))
        for pk, last in before:
            Enrolment.objects.filter(pk=pk).update(last_lesson_id=last)
        assert changed == twin.lesson_open(worker=worker, lesson=lesson, enrolment=enrolment), (worker, lesson)
        assert after_sql == list(Enrolment.objects.order_by("pk").values_list("pk", "last_lesson_id"))
    mine.refresh_from_db()
    assert mine.last_lesson == second
