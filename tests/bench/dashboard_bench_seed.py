"""Seed and measurement of the 辖区概览 bench (tests/bench/test_bench_dashboard.py), run in
`manage.py shell` against the bench database.

A city of 100,000 网格员 (压测市 → 4 districts → 20 streets → 80 communities → 400 grids) with two
years of activity written by INSERT … SELECT generate_series: ~10 hours entries and 2 enrolments a
worker, 2 graded quiz attempts, a drill run, 41% holding a qualification that counts for 持证率, and
six approved allowance months. Then a city-level 管理者 opens the whole city's dashboard in-process
(Django's test client, DEBUG off), beside a floor measured in the same run: the same page with no
figure providers (head-counts, navigation and template only).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lms import roles, sql
from lms.models import Worker
from lms.services import org_unit_get_or_create_path, role_groups_ensure, worker_create

CITY = "压测市"
MANAGER_NO = "M000001"
YEAR = 2026
URL = f"/overview/?year={YEAR}&quarter=2"
RUNS = 3


def seed(workers: int) -> None:
    from assessments.models import Attempt, Quiz
    from casebank.models import DrillAttempt
    from casebank.services import drill_library_ensure, drill_publish
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceLine, AllowanceMonth, AllowanceRate, Certificate, CertificateType
    from courses import services as course_services
    from courses.models import CoursePage, Enrolment, HoursEntry
    from tests.casebank.helpers import branching_steps

    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        groups = role_groups_ensure()
        grids = [
            org_unit_get_or_create_path(names=[CITY, f"区{d}", f"街道{d}-{s}", f"社区{s}-{c}", f"网格{g}"])
            for d in range(4)
            for s in range(5)
            for c in range(4)
            for g in range(5)
        ]
        index = course_services.course_index_ensure()
        courses = []
        for n in range(2):
            course = CoursePage(title=f"压测课程{n}", slug=f"bench-{n}", hours=40)
            index.add_child(instance=course)
            courses.append(course.pk)
        quiz = Quiz.objects.create(title="压测测验")
        drill = drill_publish(
            parent=drill_library_ensure(),
            title="压测演练",
            slug="bench-drill",
            summary="",
            steps=branching_steps(),
            indicator_codes=["3.2"],
        )
        ensure_default_types(CertificateType, AllowanceRate)
        sw1 = CertificateType.objects.get(code="SW-1").pk
        months = [
            AllowanceMonth.objects.create(month=dt.date(YEAR, m, 1), status=AllowanceMonth.Status.APPROVED).pk
            for m in range(1, 7)
        ]
    u, w = sql.columns(User), sql.columns(Worker)
    grid_ids = ",".join(str(g.pk) for g in grids)
    with connection.cursor() as cursor:

        def run(statement: str, params=()):
            cursor.execute(statement, list(params))

        run(
            f"INSERT INTO {sql.table(User)} ({u.password}, {u.is_superuser}, {u.username}, {u.first_name}, "
            f"{u.last_name}, {u.email}, {u.is_staff}, {u.is_active}, {u.date_joined}) "
            f"SELECT '!', false, 'E' || lpad(g::text, 6, '0'), '', '', '', false, true, now() "
            f"FROM generate_series(1, %s) g",
            [workers],
        )
        run(
            f"INSERT INTO {sql.table(Worker)} ({w.user}, {w.employee_no}, {w.name}, {w.id_number}, {w.phone}, "
            f"{w.org_unit}, {w.hire_date}, {w.must_change_password}, {w.created_at}) "
            f"SELECT {u.pk}, {u.username}, '压测' || {u.username}, '', '', "
            f"(ARRAY[{grid_ids}])[1 + {u.pk} %% {len(grids)}], DATE '2024-01-01' + (({u.pk} * 7919) %% 900)::int, false, now() "
            f"FROM {sql.table(User)} WHERE {u.username} LIKE 'E%%'"
        )
        through = User.groups.through
        t = sql.columns(through)
        run(
            f"INSERT INTO {sql.table(through)} ({t.user}, {t.group}) SELECT {u.pk}, %s FROM {sql.table(User)} "
            f"WHERE {u.username} LIKE 'E%%'",
            [groups[roles.TRAINEE].pk],
        )
        bench_workers = f"SELECT {w.pk} AS id FROM {sql.table(Worker)} WHERE {w.employee_no} LIKE 'E%%'"
        h = sql.columns(HoursEntry)
        run(
            f"INSERT INTO {sql.table(HoursEntry)} ({h.worker}, {h.source}, {h.hours}, {h.earned_on}, {h.title}, "
            f"{h.created_at}) SELECT b.id, 'external', 1 + (b.id * 31 + k) %% 8, "
            f"DATE '2025-01-01' + ((b.id * 13 + k * 71) %% 700)::int, '压测', now() "
            f"FROM ({bench_workers}) b CROSS JOIN generate_series(1, 10) k"
        )
        e = sql.columns(Enrolment)
        run(
            f"INSERT INTO {sql.table(Enrolment)} ({e.worker}, {e.course}, {e.source}, {e.required}, {e.enrolled_at}) "
            f"SELECT b.id, c.id, 'assigned', true, TIMESTAMPTZ '2025-01-01' + ((b.id * 17 + c.id) %% 700) * interval '1 day' "
            f"FROM ({bench_workers}) b CROSS JOIN unnest(ARRAY[{','.join(map(str, courses))}]) AS c(id)"
        )
        a = sql.columns(Attempt)
        run(
            f"INSERT INTO {sql.table(Attempt)} ({a.quiz}, {a.worker}, {a.number}, {a.state}, {a.started_at}, "
            f"{a.graded_at}, {a.auto_closed}, {a.score}, {a.max_score}, {a.passed}) "
            f"SELECT %s, b.id, k, 'graded', now(), TIMESTAMPTZ '2025-06-01' + ((b.id * 7 + k * 97) %% 500) * interval '1 day', "
            f"false, 10, 10, (b.id + k) %% 3 <> 0 FROM ({bench_workers}) b CROSS JOIN generate_series(1, 2) k",
            [quiz.pk],
        )
        d = sql.columns(DrillAttempt)
        run(
            f"INSERT INTO {sql.table(DrillAttempt)} ({d.drill}, {d.worker}, {d.state}, {d.current_key}, {d.score}, "
            f"{d.points}, {d.max_points}, {d.started_at}, {d.finished_at}) "
            f"SELECT %s, b.id, 'completed', '', (b.id * 37) %% 101, 0, 0, now(), "
            f"TIMESTAMPTZ '2025-06-01' + ((b.id * 11) %% 500) * interval '1 day' FROM ({bench_workers}) b",
            [drill.pk],
        )
        c = sql.columns(Certificate)
        run(
            f"INSERT INTO {sql.table(Certificate)} ({c.worker}, {c.certificate_type}, {c.serial_no}, "
            f"{c.verification_code}, {c.issued_on}, {c.issuer}, {c.source}, {c.source_label}, {c.scan}, "
            f"{c.revoke_reason}, {c.pdf_path}, {c.created_at}) "
            f"SELECT b.id, %s, 'BENCH-' || b.id, 'bench' || lpad(b.id::text, 27, '0'), "
            f"DATE '2024-01-01' + ((b.id * 3) %% 800)::int, '人力资源和社会保障部', 'external', '', '', '', '', now() "
            f"FROM ({bench_workers}) b WHERE b.id %% 100 < 41",
            [sw1],
        )
        line = sql.columns(AllowanceLine)
        run(
            f"INSERT INTO {sql.table(AllowanceLine)} ({line.run}, {line.worker}, {line.amount}, {line.basis}, "
            f"{line.basis_text}) SELECT m.id, b.id, 200.00, '[]', 'SW-1' FROM ({bench_workers}) b "
            f"CROSS JOIN unnest(ARRAY[{','.join(map(str, months))}]) AS m(id) WHERE b.id %% 100 < 41"
        )
        run("ANALYZE")
    print(f"seeded {workers} workers and their activity in {time.perf_counter() - started:.0f}s")


def measure(output_path: str) -> None:
    """Time the whole city's dashboard and its floor in-process; write the figures to `output_path`."""
    from lms import hooks
    from lms.models import OrgUnit

    manager = Worker.objects.filter(employee_no=MANAGER_NO).first()
    if manager is None:
        city = OrgUnit.objects.get(name=CITY, parent=None)
        manager = worker_create(employee_no=MANAGER_NO, name="压测管理者", org_unit=city, role_codes={roles.MANAGER})
        Worker.objects.filter(pk=manager.pk).update(must_change_password=False)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager.user)

    def timed(url: str) -> tuple[float, float, int]:
        client.get(url)  # warm caches and the database's buffers
        times, queries = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        return statistics.median(times), min(times), queries

    page = timed(URL)
    year = timed(f"/overview/?year={YEAR}")
    providers = list(hooks._dashboard_figures)
    hooks._dashboard_figures.clear()
    try:
        floor = timed(URL)
    finally:
        hooks._dashboard_figures.extend(providers)
    breakdown = {}
    from lms.dashboard import DashboardQuery, Period
    from lms.selectors import dashboard_unit

    unit = dashboard_unit(manager.user, None)
    query = DashboardQuery(
        viewer=manager.user,
        root=unit,
        units=tuple(unit.children.order_by("path")),
        period=Period(YEAR, 2),
        today=dt.date(YEAR, 12, 2),
    )
    for provider in providers:
        started = time.perf_counter()
        provider(query)
        breakdown[provider.__module__] = time.perf_counter() - started
    result = {
        "workers": Worker.objects.filter(employee_no__startswith="E").count(),
        "page": page,
        "year": year,
        "floor": floor,
        "providers": breakdown,
    }
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
