"""Every courses page answers junk in its query string and forms with a page or a Chinese message,
never a 500 (issue 14, defect 2, courses part)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Enrolment, TrainingSession
from lms import roles
from tests.courses.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db

JUNK = ["20266", "-1", "99999", "abc", "", "0", "2026-13", "\x00", "9" * 400, "长" * 300, "99999999999999999999"]
PARAMETERS = ["year", "unit", "page", "status", "q", "phase", "t", "next"]
FORM_FIELDS = {
    "assign": ["org_units", "roles", "workers", "due_on"],
    "hours": ["worker", "hours", "earned_on", "title"],
    "attendance": ["worker", "checked_in", "checked_out"],
    "check": ["phase", "t"],
    "export": ["unit", "year", "status", "q"],
}


@pytest.fixture
def world(make_worker, city_tree):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    trainee = make_worker(unit=city_tree["grid_a"])
    course = make_course("年度轮训", owner=city_tree["city"], lessons=2)
    Enrolment.objects.create(worker=trainee, course=course)
    starts_at = timezone.now() + dt.timedelta(days=1)
    session = TrainingSession.objects.create(
        title="大讲堂",
        owner_unit=city_tree["city"],
        place="市民中心",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        capacity=10,
        hours=Decimal("2"),
    )
    return {"trainer": trainer, "trainee": trainee, "course": course, "session": session}


def _pages(world):
    course, session = world["course"], world["session"]
    lesson = lessons_of(course)[0]
    return [
        "/courses/my/",
        "/courses/my/hours/",
        "/courses/my/record.xlsx",
        "/courses/sessions/",
        f"/courses/sessions/{session.pk}/",
        f"/courses/sessions/{session.pk}/qr/",
        f"/courses/sessions/{session.pk}/qr.svg",
        f"/courses/sessions/{session.pk}/check/",
        f"/courses/{course.pk}/assign/",
        "/courses/hours/record/",
        "/courses/compliance/",
        course.url,
        lesson.url,
    ]


def _posts(world):
    course, session = world["course"], world["session"]
    lesson = lessons_of(course)[0]
    return [
        (f"/courses/lessons/{lesson.pk}/complete/", []),
        (f"/courses/{course.pk}/enrol/", []),
        (f"/courses/{course.pk}/assign/", FORM_FIELDS["assign"]),
        (f"/courses/sessions/{session.pk}/sign-up/", []),
        (f"/courses/sessions/{session.pk}/check/", FORM_FIELDS["check"]),
        (f"/courses/sessions/{session.pk}/attendance/", FORM_FIELDS["attendance"]),
        ("/courses/hours/record/", FORM_FIELDS["hours"]),
        ("/courses/compliance.xlsx", FORM_FIELDS["export"]),
    ]


@pytest.mark.parametrize("who", ["trainer", "trainee", "superuser"])
def test_no_courses_page_fails_on_junk(world, who, client, django_user_model):
    if who == "superuser":
        user = django_user_model.objects.create_superuser("root", password="Test@12345")
    else:
        user = world[who].user
    client.force_login(user)
    client.raise_request_exception = False
    failures = []
    for url in _pages(world):
        for value in JUNK:
            response = client.get(url, {name: value for name in PARAMETERS})
            if response.status_code >= 500:
                failures.append(("GET", url, value[:20]))
        for value in JUNK:
            response = client.get(url, {"year": [value, "2026"], "page": [value, "abc"]})
            if response.status_code >= 500:
                failures.append(("GET repeated", url, value[:20]))
    for url, fields in _posts(world):
        for value in JUNK:
            response = client.post(url, {name: value for name in fields})
            if response.status_code >= 500:
                failures.append(("POST", url, value[:20]))
    for pk in ("99999999999999999999", "0"):
        for url in (f"/courses/sessions/{pk}/", f"/courses/{pk}/assign/"):
            if client.get(url).status_code >= 500:
                failures.append(("GET id", url, pk))
        for url in (
            f"/courses/lessons/{pk}/complete/",
            f"/courses/{pk}/enrol/",
            f"/courses/sessions/{pk}/sign-up/",
            f"/courses/sessions/{pk}/check/",
        ):
            if client.post(url).status_code >= 500:
                failures.append(("POST id", url, pk))
    assert not failures, failures
