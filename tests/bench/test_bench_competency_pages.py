"""能力分析 (the city manager's heat map) and 能力画像 (a worker's profile) under concurrent load
against gunicorn on PostgreSQL, on the competency bench database (docs/benchmarks.md).

Shares the database of tests/bench/test_bench_competency.py (100,000 workers, 5,000,000 evidence rows
of 2025 over a city of 4 districts → 20 streets → 80 communities → 400 grids): builds it only when
it is missing, then makes sure the year's scores and unit statistics exist and signs in a city-level
管理者 and 64 workers (tests/bench/competency_bench_seed.py `pages_prepare`).

Prints requests/s, p50 and p95 of each page beside a floor measured in the same run: bench/floor/
(tests/bench/urls_floor.py: signed in, one indexed SELECT) under the same clients. Target:
p95 < 150 ms for each page. Figures are printed, never asserted; a non-200 response is an error.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import psycopg

from tests.bench import helpers
from tests.bench.helpers import ROOT, bench_env, gunicorn, percentile, require_postgres
from tests.bench.report import missed, scaled
from tests.bench.test_bench_competency import BENCH_DB, EVIDENCE, WORKERS

CLIENTS = int(os.environ.get("COMPETENCY_PAGES_CLIENTS", 8))
REQUESTS = int(os.environ.get("COMPETENCY_PAGES_REQUESTS", scaled(600, 100)))
GUNICORN_WORKERS = int(os.environ.get("COMPETENCY_PAGES_WORKERS", 2))
GUNICORN_THREADS = int(os.environ.get("COMPETENCY_PAGES_THREADS", 8))
PERIOD = "2025"


def _seeded(database_url: str) -> bool:
    try:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM assessments_evidence)").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def test_bench_competency_pages(tmp_path, bench_report):
    require_postgres(BENCH_DB, "competency pages")
    env = bench_env(BENCH_DB)
    started = time.perf_counter()
    if not _seeded(BENCH_DB):
        helpers.recreate_database(
            BENCH_DB, env, f"from tests.bench.competency_bench_seed import seed; seed({WORKERS}, {EVIDENCE})"
        )
    seed_file = tmp_path / "sessions.json"
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from tests.bench.competency_bench_seed import pages_prepare; pages_prepare({str(seed_file)!r})",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    seed = json.loads(seed_file.read_text())
    print(f"\n[bench] competency pages: database ready in {time.perf_counter() - started:.0f}s")
    rng = random.Random(11)
    workers, manager = seed["workers"], seed["manager"]
    with gunicorn(env, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS) as port:
        warm = [(workers[i % len(workers)], f"/competency/?period={PERIOD}") for i in range(CLIENTS * 2)]
        warm += [(manager, f"/competency/analysis/?period={PERIOD}")] * CLIENTS
        helpers.run_pool(port, warm, fetch, CLIENTS)
        floor = helpers.floor_pool(port, workers, CLIENTS, REQUESTS)
        for key, label, session, path, reason in (
            (
                "profile",
                "能力画像（网格员本人）",
                lambda: rng.choice(workers),
                f"/competency/?period={PERIOD}",
                "单个请求在进程内就要约 32 ms（28 条 SQL，一半在“推荐学习”的 Wagtail 查询），并发时在两核上排队",
            ),
            (
                "analysis",
                "能力分析热力图（市级管理者，全市）",
                lambda: manager,
                f"/competency/analysis/?period={PERIOD}",
                "单个请求在进程内就要约 60 ms（季度指标两条聚合、热力图一条分组查询和模板），并发时在两核上排队",
            ),
        ):
            tasks = [(session(), path) for _ in range(REQUESTS)]
            elapsed, latencies, errors = helpers.run_pool(port, tasks, fetch, CLIENTS)
            report(label, elapsed, latencies, errors, len(tasks))
            pool = helpers.Pool(elapsed, latencies, errors)
            common = dict(
                database="postgresql",
                scale=f"{WORKERS:,} 人，{EVIDENCE:,} 条证据",
                floor_label="bench/floor/",
                note=f"{CLIENTS} 个客户端线程，gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS}",
            )
            bench_report.figure(
                key=f"competency_pages.{key}.p95",
                label=f"{label} p95",
                value=pool.ms(0.95),
                unit="ms",
                better="lower",
                floor=floor.ms(0.95),
                target=150,
                missed_because=missed(reason, floor=floor.ms(0.95), target=150, better="lower", unit="ms"),
                **common,
            )
            bench_report.figure(
                key=f"competency_pages.{key}.rate",
                label=f"{label}（吞吐）",
                value=pool.rate,
                unit="请求/秒",
                better="higher",
                floor=floor.rate,
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
        f"[bench] competency pages: {label}: {count} requests in {elapsed:.1f}s = {count / elapsed:.0f} req/s, "
        f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"errors {len(errors)} (target p95 < 150 ms; {CLIENTS} client threads, "
        f"gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS} gthread)"
    )
    for error in errors[:5]:
        print(f"[bench]   error: {error}")
