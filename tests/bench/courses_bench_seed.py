"""Seed of the courses bench: 1,000 trainees with ready sessions, enrolled in the onboarding course
(the 8 demo lessons) and the annual refresher, with part of each done; plus the SQL query count of
one lesson page and one 我的课程 page measured in-process on the same database."""

from __future__ import annotations

import datetime as dt
import json
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import demo, services
from courses.demo_data.content import ANNUAL, ONBOARDING
from courses.models import Enrolment, HoursEntry, LessonCompletion, Tier
from lms import roles
from lms.models import Worker
from lms.services import org_unit_get_or_create_path, role_groups_ensure
from tests.bench.report import scaled
from tests.bench.sessions import bench_sessions_create

TRAINEES = scaled(1000, 40)  # BENCH_SCALE scales it down for a quick run


def main(output_path: str) -> None:
    rng = random.Random(1000)
    User = get_user_model()
    today = timezone.localdate()
    with transaction.atomic():
        groups = role_groups_ensure()
        city = org_unit_get_or_create_path(names=["压测市"])
        grids = [
            org_unit_get_or_create_path(names=["压测市", f"区{d}", f"街道{d}{s}", f"社区{s}", f"网格{g}"])
            for d in range(2)
            for s in range(4)
            for g in range(5)
        ]
        password = make_password("Bench@2026")
        users = User.objects.bulk_create(User(username=f"C{n:05d}", password=password) for n in range(TRAINEES))
        workers = Worker.objects.bulk_create(
            Worker(
                user=u,
                employee_no=u.username,
                name=f"学员{n}",
                org_unit=grids[n % len(grids)],
                hire_date=today - dt.timedelta(days=rng.randint(1, 20)),
            )
            for n, u in enumerate(users)
        )
        through = User.groups.through
        through.objects.bulk_create(through(user_id=u.pk, group_id=groups[roles.TRAINEE].pk) for u in users)
        index = services.course_index_ensure()
        onboarding = demo._course(index, ONBOARDING, tier=Tier.ONBOARDING, owner=city)
        annual = demo._course(index, {**ANNUAL, "slug": "annual-bench"}, tier=Tier.ANNUAL, owner=city)
        courses = [onboarding, annual]
        lessons = {c.pk: list(c.lessons()) for c in courses}
        Enrolment.objects.bulk_create(
            Enrolment(worker=w, course=c, due_on=today + dt.timedelta(days=30)) for w in workers for c in courses
        )
        now = timezone.now()
        completions, entries = [], []
        for worker in workers:
            for course in courses:
                for lesson in lessons[course.pk][: rng.randint(0, len(lessons[course.pk]) - 1)]:
                    completions.append(LessonCompletion(worker=worker, lesson=lesson, completed_at=now))
                    entries.append(
                        HoursEntry(
                            worker=worker,
                            source="lesson",
                            hours=lesson.hours,
                            earned_on=today,
                            title=lesson.title,
                            lesson=lesson,
                            course=course,
                        )
                    )
        LessonCompletion.objects.bulk_create(completions, batch_size=2000)
        HoursEntry.objects.bulk_create(entries, batch_size=2000)
        sessions = bench_sessions_create(users)
    lesson_urls = [lesson.url for c in courses for lesson in lessons[c.pk]]

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = sessions[0].session_key
    client.get(lesson_urls[3])
    queries = {}
    for name, url in (("lesson", lesson_urls[4]), ("my_courses", "/courses/my/")):
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        queries[name] = len(captured)
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump({"sessions": [s.session_key for s in sessions], "lessons": lesson_urls, "queries": queries}, handle)
