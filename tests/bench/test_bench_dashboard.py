"""辖区概览 for a city-level 管理者 over 100,000 网格员 on PostgreSQL (docs/benchmarks.md).

Builds its own database (tests/bench/dashboard_bench_seed.py; `DASHBOARD_BENCH_DATABASE_URL`) when it
is missing, then times the whole city's dashboard in-process — a quarter and a whole year — beside a
floor measured in the same run: the same page with the figure providers switched off (session,
head-counts, navigation and template). Also prints each app's provider alone and the page's SQL
query count. Target: the city-wide page under 1 s. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import psycopg

from tests.bench import helpers
from tests.bench.helpers import ROOT, bench_env, require_postgres
from tests.bench.report import scaled

BENCH_DB = os.environ.get(
    "DASHBOARD_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridacademy_bench_dashboard"
)
WORKERS = int(os.environ.get("DASHBOARD_BENCH_WORKERS", scaled(100_000, 500)))


def _seeded(database_url: str) -> bool:
    try:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM certificates_allowanceline)").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def test_bench_dashboard(tmp_path, bench_report):
    require_postgres(BENCH_DB, "dashboard")
    env = bench_env(BENCH_DB)
    started = time.perf_counter()
    if not _seeded(BENCH_DB):
        helpers.recreate_database(BENCH_DB, env, f"from tests.bench.dashboard_bench_seed import seed; seed({WORKERS})")
    out = tmp_path / "dashboard.json"
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from tests.bench.dashboard_bench_seed import measure; measure({str(out)!r})",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    print(f"\n[bench] dashboard: database ready in {time.perf_counter() - started:.0f}s ({result['workers']:,} 网格员)")
    for label, key in (("floor (same page, no figures)", "floor"), ("city, 2026 Q2", "page"), ("city, 2026", "year")):
        median, best, queries = result[key]
        print(
            f"[bench] dashboard: {label}: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms, "
            f"{queries} SQL queries (target < 1000 ms)"
        )
    for module, seconds in result["providers"].items():
        print(f"[bench] dashboard:   provider {module}: {seconds * 1000:.0f} ms")
    floor_median, _, floor_queries = result["floor"]
    slowest = max(result["providers"].items(), key=lambda item: item[1], default=("", 0))
    for key, label, period in (
        ("quarter", "辖区概览（市级管理者，全市，一个季度）", "page"),
        ("year", "辖区概览（市级管理者，全市，全年）", "year"),
    ):
        median, _, queries = result[period]
        bench_report.figure(
            key=f"dashboard.{key}.median",
            label=label,
            value=median * 1000,
            unit="ms",
            better="lower",
            database="postgresql",
            floor=floor_median * 1000,
            floor_label=f"同一页面不算指标（{floor_queries} 条 SQL）",
            target=1000,
            scale=f"{result['workers']:,} 名网格员",
            note=f"{queries} 条 SQL，3 次取中位数；最慢的提供者 {slowest[0]} {slowest[1] * 1000:.0f} ms",
            missed_because=(
                "每条聚合都要扫一遍全市的人员或台账（参训率、年度达标的累计学时 GROUP BY … HAVING、按单位和季度的 "
                "COUNT(DISTINCT)），还没有按单位和季度预先汇总（见下文“辖区概览”）"
            ),
        )
