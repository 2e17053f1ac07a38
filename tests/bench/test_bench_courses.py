"""Lesson page and 我的课程 under concurrent load against gunicorn on PostgreSQL (issue 3's `make bench`).

1,000 trainees enrolled in two courses (16 lessons) with part of each done. Client threads on
keep-alive connections each act as one signed-in trainee and read lessons (which also records
where they are, an UPDATE when the lesson changes) or their 我的课程 page. Prints requests/s,
p50/p95 and SQL queries per page (measured in-process on the same database).

Target (this 2-core machine, client and server sharing it): ≥ 150 requests/s at p95 < 200 ms with
≤ 15 queries per page. Figures are printed, never asserted; a non-200 response is an error.
"""

from __future__ import annotations

import json
import os
import random
import time

from tests.bench import helpers
from tests.bench.helpers import bench_env, gunicorn, percentile, require_postgres
from tests.bench.report import missed, scaled

BENCH_DB = os.environ.get("COURSES_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridacademy_bench_courses")
CLIENTS = int(os.environ.get("COURSES_BENCH_CLIENTS", 16))
REQUESTS = int(os.environ.get("COURSES_BENCH_REQUESTS", scaled(3000, 200)))
# One GIL-bound process per core, and a thread for each client connection: with three processes on
# two cores, keep-alive connections pile up unevenly on one of them and its requests make the p95.
GUNICORN_WORKERS = int(os.environ.get("COURSES_BENCH_WORKERS", 2))
GUNICORN_THREADS = int(os.environ.get("COURSES_BENCH_THREADS", 8))


def test_bench_lesson_and_my_courses(tmp_path, bench_report):
    require_postgres(BENCH_DB, "courses")
    env = bench_env(BENCH_DB)
    seed_file = tmp_path / "seed.json"
    started = time.perf_counter()
    helpers.recreate_database(
        BENCH_DB, env, f"from tests.bench.courses_bench_seed import main; main({str(seed_file)!r})"
    )
    seed = json.loads(seed_file.read_text())
    print(
        f"\n[bench] courses: bench database ready in {time.perf_counter() - started:.0f}s "
        f"({len(seed['sessions'])} trainees, {len(seed['lessons'])} lessons)"
    )
    print(
        f"[bench] courses: SQL queries per page — lesson {seed['queries']['lesson']}, "
        f"我的课程 {seed['queries']['my_courses']} (target ≤ 15)"
    )
    with gunicorn(env, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS) as port:
        rng = random.Random(7)
        sessions, lessons = seed["sessions"], seed["lessons"]
        warm = [(sessions[i], "/courses/my/") for i in range(CLIENTS * 2)]
        helpers.run_pool(port, warm, fetch, CLIENTS)
        floor = helpers.floor_pool(port, sessions, CLIENTS, REQUESTS)
        for key, label, pick, queries in (
            ("lesson", "课时阅读页", lambda: rng.choice(lessons), seed["queries"]["lesson"]),
            ("my_courses", "我的课程", lambda: "/courses/my/", seed["queries"]["my_courses"]),
        ):
            tasks = [(rng.choice(sessions), pick()) for _ in range(REQUESTS)]
            elapsed, latencies, errors = helpers.run_pool(port, tasks, fetch, CLIENTS)
            report(label, elapsed, latencies, errors, len(tasks))
            record(bench_report, key, label, helpers.Pool(elapsed, latencies, errors), floor, len(sessions), queries)


def record(bench_report, key, label, pool, floor, trainees, queries) -> None:
    common = dict(
        database="postgresql",
        scale=f"{trainees:,} 名学员",
        floor_label="bench/floor/",
        note=f"{queries} 条 SQL，{CLIENTS} 个客户端线程，gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS}",
    )
    bench_report.figure(
        key=f"courses.{key}.rate",
        label=f"{label}（吞吐）",
        value=pool.rate,
        unit="请求/秒",
        better="higher",
        floor=floor.rate,
        target=150,
        missed_because=missed(
            "页面要读会话、用户、课程与学时并渲染模板（打开新课时还有一条 UPDATE），两核上客户端与服务器共用 CPU",
            floor=floor.rate,
            target=150,
            better="higher",
            unit="请求/秒",
        ),
        **common,
    )
    bench_report.figure(
        key=f"courses.{key}.p95",
        label=f"{label} p95",
        value=pool.ms(0.95),
        unit="ms",
        better="lower",
        floor=floor.ms(0.95),
        target=200,
        missed_because=missed(
            "并发客户端多于两核能同时执行的请求，p95 主要是排队",
            floor=floor.ms(0.95),
            target=200,
            better="lower",
            unit="ms",
        ),
        **common,
    )


def fetch(client, task):
    session, path = task
    status, data, seconds = client.call("GET", path, session)
    if status != 200:
        return False, seconds, f"{path} {status} {data[:100]!r}"
    return True, seconds, ""


def report(label: str, elapsed: float, latencies: list[float], errors: list[str], count: int) -> None:
    print(
        f"[bench] courses: {label}: {count} requests in {elapsed:.1f}s = {count / elapsed:.0f} req/s, "
        f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"errors {len(errors)} (target ≥ 150 req/s at p95 < 200 ms; {CLIENTS} client threads, "
        f"gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS} gthread)"
    )
    for error in errors[:5]:
        print(f"[bench]   error: {error}")
