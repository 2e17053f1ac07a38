"""Competency recompute at city scale on PostgreSQL (docs/benchmarks.md).

Builds 100,000 workers and 5,000,000 evidence rows of one year in a dedicated bench database
(COMPETENCY_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gridacademy_bench_competency)
with INSERT … SELECT generate_series, then prints:
- the full recompute of the year and its four quarters (target < 60 s on 2 cores) beside a floor
  measured in the same run: a plain INSERT … SELECT count/avg per (worker, indicator, source) over
  the same evidence and periods;
- the incremental recompute after one quiz submission for one worker (target < 200 ms).

Scale down with COMPETENCY_BENCH_WORKERS and COMPETENCY_BENCH_EVIDENCE. Figures are printed, never
asserted (tests check behaviour, not timings).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.bench import helpers
from tests.bench.helpers import ROOT, bench_env, require_postgres

BENCH_DB = os.environ.get(
    "COMPETENCY_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridacademy_bench_competency"
)
WORKERS = int(os.environ.get("COMPETENCY_BENCH_WORKERS", 100_000))
EVIDENCE = int(os.environ.get("COMPETENCY_BENCH_EVIDENCE", 5_000_000))


def test_bench_competency_recompute():
    require_postgres(BENCH_DB, "competency")
    env = bench_env(BENCH_DB)
    started = time.perf_counter()
    helpers.recreate_database(
        BENCH_DB, env, f"from tests.bench.competency_bench_seed import seed; seed({WORKERS}, {EVIDENCE})"
    )
    print(f"\n[bench] competency: database built in {time.perf_counter() - started:.0f}s")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from tests.bench.competency_bench_seed import measure; measure()",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    for line in result.stdout.splitlines():
        print(f"[bench] competency ({WORKERS:,} workers, {EVIDENCE:,} evidence rows): {line}")
