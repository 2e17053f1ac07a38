"""Seed and measurements of the competency bench (tests/bench/test_bench_competency.py), run in
`manage.py shell` against the bench database.

The seed writes the rows with INSERT … SELECT generate_series (the ORM would take hours for five
million rows): users and workers spread over 400 grids, then evidence rows of 2025 on random
(indicator, source) pairs of the active plan, so every row meets a plan entry.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from assessments.models import CompetencyModel, CompetencyScore, Evidence, Indicator, PlanEntry
from assessments.services import competency_recompute, competency_recompute_stale, evidence_record_many
from lms import sql
from lms.models import Worker
from lms.periods import Period, year_and_quarters
from lms.services import org_unit_get_or_create_path

YEAR = 2025
TODAY = dt.date(YEAR, 12, 31)  # the year is still open: its plan is refreshed, as for a live year


def seed(workers: int, evidence: int) -> None:
    User = get_user_model()
    with transaction.atomic():
        grids = [
            org_unit_get_or_create_path(names=["压测市", f"区{d}", f"街道{d}-{s}", f"社区{s}-{c}", f"网格{g}"])
            for d in range(4)
            for s in range(5)
            for c in range(4)
            for g in range(5)
        ]
    u, w = sql.columns(User), sql.columns(Worker)
    grid_count = len(grids)
    grid_ids = [g.pk for g in grids]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sql.table(User)} ({u.password}, {u.is_superuser}, {u.username}, {u.first_name}, "
            f"{u.last_name}, {u.email}, {u.is_staff}, {u.is_active}, {u.date_joined}) "
            f"SELECT '!', false, 'E' || lpad(g::text, 6, '0'), '', '', '', false, true, now() "
            f"FROM generate_series(1, %s) g",
            [workers],
        )
        cursor.execute(
            f"INSERT INTO {sql.table(Worker)} ({w.user}, {w.employee_no}, {w.name}, {w.id_number}, {w.phone}, "
            f"{w.org_unit}, {w.must_change_password}, {w.created_at}) "
            f"SELECT {u.pk}, {u.username}, '压测' || {u.username}, '', '', "
            f"(ARRAY[{','.join(map(str, grid_ids))}])[1 + {u.pk} % {grid_count}], false, now() "
            f"FROM {sql.table(User)} WHERE {u.username} LIKE 'E%'"
        )
        model = CompetencyModel.objects.get(is_active=True)
        pairs = [
            (Indicator.objects.get(model=model, code=e.indicator_code).pk, e.source)
            for e in PlanEntry.objects.filter(model=model).order_by("indicator_code", "source")
        ]
        values = ", ".join(f"({n}, {pk}, '{source}')" for n, (pk, source) in enumerate(pairs))
        e = sql.columns(Evidence)
        cursor.execute(f"SELECT min({w.pk}), count(*) FROM {sql.table(Worker)}")
        first_worker, worker_count = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {sql.table(Evidence)} ({e.worker}, {e.indicator}, {e.score}, {e.occurred_on}, {e.source}, "
            f"{e.source_type}, {e.source_id}, {e.created_at}) "
            f"SELECT {first_worker} + (r.g %% {worker_count}), p.indicator_id, round((random() * 100)::numeric, 2), "
            f"DATE '{YEAR}-01-01' + floor(random() * 365)::int, p.source, 'bench', r.g::text, now() "
            f"FROM (SELECT g, floor(random() * {len(pairs)})::int AS pair FROM generate_series(1, %s) g) r "
            f"JOIN (VALUES {values}) AS p(n, indicator_id, source) ON p.n = r.pair",
            [evidence],
        )
        cursor.execute("ANALYZE")
    print(f"seeded {workers} workers and {evidence} evidence rows in {time.perf_counter() - started:.1f}s")


def measure(output: str = "", incremental_runs: int = 20) -> None:
    periods = year_and_quarters(YEAR)
    e = sql.columns(Evidence)
    # floor: a plain INSERT … SELECT count/avg per (worker, indicator, source) over the same rows and periods
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_floor (worker_id bigint, indicator_id bigint, source text, n bigint, mean numeric)"
        )
        for period in periods:
            cursor.execute(
                f"INSERT INTO bench_floor SELECT {e.worker}, {e.indicator}, {e.source}, count(*), avg({e.score}) "
                f"FROM {sql.table(Evidence)} WHERE {e.occurred_on} BETWEEN %s AND %s GROUP BY 1, 2, 3",
                [period.start, period.end],
            )
        cursor.execute("DROP TABLE bench_floor")
    floor = time.perf_counter() - started
    started = time.perf_counter()
    rows = competency_recompute(periods=periods, today=TODAY)
    full = time.perf_counter() - started
    print(
        f"full recompute of {YEAR} and its four quarters: {full:.1f}s ({rows} score rows) "
        f"beside the floor (INSERT … SELECT count/avg over the same evidence) {floor:.1f}s"
    )
    # incremental: one quiz submission (5 answers on 4 indicators) for one worker. Its commit runs the
    # stale recompute (the task is eager here): "submission" times both; the recompute alone is then
    # timed again as competency_recompute of that worker's year and quarter.
    workers = list(Worker.objects.filter(employee_no__startswith="E").order_by("pk").values_list("pk", flat=True))
    step = max(1, len(workers) // incremental_runs)
    submit_times, recompute_times, floor_times = [], [], []
    year = Period(YEAR)
    for run, worker_id in enumerate(workers[::step][:incremental_runs]):
        worker = Worker.objects.get(pk=worker_id)
        items = [
            (code, 60 + 8 * n, dt.date(YEAR, 12, 20), ("bench.answer", f"{run}-{n}"))
            for n, code in enumerate(["1.1", "1.3", "3.2", "3.2", "4.4"])
        ]
        started = time.perf_counter()
        with transaction.atomic():
            evidence_record_many(worker=worker, source="测试", items=items)
        competency_recompute_stale(today=TODAY)  # nothing left when the eager task already ran
        submit_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        competency_recompute(periods=[Period(YEAR), Period(YEAR, 4)], worker_ids=[worker_id], today=TODAY)
        recompute_times.append(time.perf_counter() - started)
        # floor: a plain SELECT count/avg over the same worker's evidence of the year
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {e.indicator}, {e.source}, count(*), avg({e.score}) FROM {sql.table(Evidence)} "
                f"WHERE {e.worker} = %s AND {e.occurred_on} BETWEEN %s AND %s GROUP BY 1, 2",
                [worker_id, year.start, year.end],
            )
            cursor.fetchall()
        floor_times.append(time.perf_counter() - started)

    def p95(values):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * 0.95))]

    print(
        f"incremental recompute of one worker's year and quarter ({len(recompute_times)} runs): "
        f"p50 {statistics.median(recompute_times) * 1000:.0f} ms, p95 {p95(recompute_times) * 1000:.0f} ms; "
        f"quiz evidence (5 rows) recorded and recomputed on commit: p50 {statistics.median(submit_times) * 1000:.0f} ms, "
        f"p95 {p95(submit_times) * 1000:.0f} ms"
    )
    count = CompetencyScore.objects.filter(period=str(YEAR)).count()
    print(f"stored scores for {Period(YEAR).label}: {count:,} rows")
    if output:
        import json

        Path(output).write_text(
            json.dumps(
                {
                    "full": full,
                    "floor": floor,
                    "rows": rows,
                    "incremental_p50": statistics.median(recompute_times),
                    "incremental_p95": p95(recompute_times),
                    "incremental_floor_p95": p95(floor_times),
                    "submit_p50": statistics.median(submit_times),
                    "submit_p95": p95(submit_times),
                }
            ),
            encoding="utf-8",
        )


# --- the two competency pages (tests/bench/test_bench_competency_pages.py) -------------------------

CITY = "压测市"
MANAGER_NO = "M000001"


def pages_prepare(path: str, sessions: int = 64) -> None:
    """Make the seeded database ready for the page bench and write its sessions to `path` (JSON):
    the stored scores and unit statistics of the year (a full recompute when there are none yet), a
    city-level manager (管理者 at 压测市, whose 能力分析 heat map covers the whole city: districts →
    streets → communities → grids) and signed-in sessions for him and `sessions` workers."""
    import json

    from assessments.models import CompetencyUnitStat
    from lms import roles
    from lms.models import OrgUnit
    from lms.services import worker_create
    from tests.bench.sessions import bench_sessions_create

    if not CompetencyUnitStat.objects.filter(period=str(YEAR)).exists():
        started = time.perf_counter()
        competency_recompute(periods=year_and_quarters(YEAR), today=TODAY)
        print(f"full recompute for the page bench: {time.perf_counter() - started:.0f}s")
    manager = Worker.objects.filter(employee_no=MANAGER_NO).first()
    if manager is None:
        city = OrgUnit.objects.get(name=CITY, parent=None)
        manager = worker_create(employee_no=MANAGER_NO, name="压测管理者", org_unit=city, role_codes={roles.MANAGER})
        Worker.objects.filter(pk=manager.pk).update(must_change_password=False)
    seeded = Worker.objects.filter(employee_no__startswith="E")
    step = max(1, seeded.count() // sessions)
    workers = list(seeded.select_related("user").order_by("pk")[::step])[:sessions]
    keys = bench_sessions_create([manager.user] + [w.user for w in workers])
    Path(path).write_text(
        json.dumps({"manager": keys[0].session_key, "workers": [s.session_key for s in keys[1:]]}), encoding="utf-8"
    )
