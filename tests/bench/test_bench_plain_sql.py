"""Each plain SQL statement (lms/sql.py) against its ORM twin (tests/plain_sql_twins.py), in
process: Python function calls and microseconds per call, on the configured database
(DATABASE_URL for PostgreSQL). These are the per-statement figures behind each statement's
one-line "Buys:" note; the page figures themselves come from test_bench_courses and
test_bench_quiz. Printed, never asserted.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import itertools
import os
import pstats
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.services import attempt_start
from assessments.services import attempts as attempt_services
from courses import selectors, services
from courses.models import Enrolment
from lms import roles, sql
from lms.auth_backends import user_with_worker
from lms.selectors import unread_notification_count
from lms.services import notification_send
from lms.sessions import SessionStore
from tests import plain_sql_twins as twin
from tests.bench.report import scaled
from tests.courses.helpers import lessons_of, make_course, one_question_quiz

pytestmark = pytest.mark.django_db

CALLS = int(os.environ.get("PLAIN_SQL_BENCH_CALLS", scaled(500, 20)))


def measure(function) -> tuple[int, float]:
    """(Python function calls of one call, microseconds per call over CALLS calls)."""
    function()
    profile = cProfile.Profile()
    profile.enable()
    function()
    profile.disable()
    started = time.perf_counter()
    for _ in range(CALLS):
        function()
    return pstats.Stats(profile).total_calls, (time.perf_counter() - started) / CALLS * 1e6


def test_bench_plain_sql_against_orm_twins(make_worker, city_tree, client, bench_report):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=timezone.localdate() - dt.timedelta(days=5))
    courses = [make_course(f"课程{n}", lessons=8) for n in range(2)]
    for course in courses:
        Enrolment.objects.create(worker=worker, course=course)
    for lesson in lessons_of(courses[0])[:3]:
        services.lesson_complete(worker=worker, lesson=lesson)
    for n in range(3):
        notification_send(recipient=worker.user, title=f"通知{n}")
    client.force_login(worker.user)
    session_key, user, today = client.session.session_key, worker.user, timezone.localdate()
    lesson = lessons_of(courses[0])[4]
    enrolment = Enrolment.objects.get(worker=worker, course=courses[0])
    places = itertools.cycle(lessons_of(courses[0])[4:6])  # each open changes the place, as in the bench
    attempt = attempt_start(quiz=one_question_quiz(), worker=worker)
    answer = attempt.answers.get()
    target = assessment_selectors.autosave_target(user, attempt.pk, answer.question_id)
    update = attempt_services._autosave_sql(flagged=False)

    def autosave_update_sql():
        with transaction.atomic():
            sql.execute(update, ['"对"', sql.datetime_param(timezone.now()), answer.pk, attempt.pk, "in_progress"])

    def autosave_update_orm():
        with transaction.atomic():
            twin.autosave_update(target=target, value="对", now=timezone.now(), flagged=None)

    pairs = [
        ("session load", lambda: SessionStore(session_key).load(), lambda: twin.session_load(session_key)),
        ("user with worker", lambda: user_with_worker(user.pk), lambda: twin.user_with_worker(user.pk)),
        ("role names", lambda: roles._group_names(user.pk), lambda: twin.group_names(user.pk)),
        ("unread count", lambda: unread_notification_count(user), lambda: twin.unread_notification_count(user)),
        (
            "我的课程 hours",
            lambda: selectors.hours_overview(worker, today=today),
            lambda: twin.hours_overview(worker, today=today),
        ),
        ("我的课程 rows", lambda: selectors.my_course_rows(worker), lambda: twin.my_course_rows(worker)),
        (
            "lesson reader",
            lambda: selectors.lesson_reader(lesson, worker, year=today.year),
            lambda: twin.lesson_reader(lesson, worker, year=today.year),
        ),
        (
            "lesson open UPDATE",
            lambda: services.lesson_open(worker=worker, lesson=next(places), enrolment=enrolment),
            lambda: twin.lesson_open(worker=worker, lesson=next(places), enrolment=enrolment),
        ),
        (
            "autosave target",
            lambda: assessment_selectors.autosave_target(user, attempt.pk, answer.question_id),
            lambda: twin.autosave_target(user, attempt.pk, answer.question_id),
        ),
        ("autosave UPDATE", autosave_update_sql, autosave_update_orm),
    ]
    print(f"\n[bench] plain SQL against its ORM twin ({connection.vendor}, {CALLS} calls each, in process):")
    print(
        f"[bench]   {'statement':20} {'SQL calls':>10} {'µs':>7} {'ORM calls':>10} {'µs':>7} {'saved calls':>12} {'µs':>7}"
    )

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    _, floor_us = measure(select_one)
    print(f"[bench]   floor: SELECT 1 through a cursor {floor_us:,.1f} µs")
    for n, (name, plain, orm) in enumerate(pairs):
        (plain_calls, plain_us), (orm_calls, orm_us) = measure(plain), measure(orm)
        print(
            f"[bench]   {name:20} {plain_calls:>10,} {plain_us:>7,.0f} {orm_calls:>10,} {orm_us:>7,.0f} "
            f"{orm_calls - plain_calls:>12,} {orm_us - plain_us:>7,.0f}"
        )
        for kind, label, value, calls in (
            ("sql", "手写 SQL", plain_us, plain_calls),
            ("orm", "ORM 孪生", orm_us, orm_calls),
        ):
            bench_report.figure(
                key=f"plain_sql.{n:02d}_{name.replace(' ', '_')}.{kind}",
                label=f"{name}：{label}",
                value=value,
                unit="µs",
                better="lower",
                database=connection.vendor,
                floor=floor_us,
                floor_label="游标执行 SELECT 1",
                scale=f"{CALLS} 次调用的平均",
                note=f"{calls:,} 次 Python 函数调用",
            )
