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

import json
import os
import subprocess
import sys
import time

from tests.bench import helpers
from tests.bench.helpers import ROOT, bench_env, require_postgres
from tests.bench.report import scaled

BENCH_DB = os.environ.get(
    "COMPETENCY_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridacademy_bench_competency"
)
WORKERS = int(os.environ.get("COMPETENCY_BENCH_WORKERS", scaled(100_000, 500)))
EVIDENCE = int(os.environ.get("COMPETENCY_BENCH_EVIDENCE", scaled(5_000_000, 5_000)))


def test_bench_competency_recompute(tmp_path, bench_report):
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
            f"from tests.bench.competency_bench_seed import measure; measure({str(tmp_path / 'm.json')!r})",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    for line in result.stdout.splitlines():
        print(f"[bench] competency ({WORKERS:,} workers, {EVIDENCE:,} evidence rows): {line}")
    m = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    scale = f"{WORKERS:,} 人，{EVIDENCE:,} 条证据"
    bench_report.figure(
        key="competency.full.seconds",
        label="能力得分全量重算（一年及其四个季度）",
        value=m["full"],
        unit="s",
        better="lower",
        database="postgresql",
        floor=m["floor"],
        floor_label="同样证据按人员×指标×来源 count/avg 的 INSERT … SELECT",
        target=60,
        scale=scale,
        note=f"写入 {m['rows']:,} 条得分",
        missed_because=(
            "时间主要花在存下来：唯一索引 (人员, 期间, 类别, 编码) 的三个文本键和每行一次的延迟外键检查"
            "（见下文“能力得分全量重算”）"
        ),
    )
    bench_report.figure(
        key="competency.incremental.p95",
        label="能力得分单人增量重算 p95（年和季度）",
        value=m["incremental_p95"] * 1000,
        unit="ms",
        better="lower",
        database="postgresql",
        floor=m["incremental_floor_p95"] * 1000,
        floor_label="该人当年证据的 count/avg SELECT",
        target=200,
        scale=scale,
        note=f"p50 {m['incremental_p50'] * 1000:.0f} ms",
        missed_because="一人的重算要删改该人全部期间的得分行并更新单位汇总",
    )
    bench_report.figure(
        key="competency.submit.p95",
        label="交卷证据写入并在提交时重算 p95",
        value=m["submit_p95"] * 1000,
        unit="ms",
        better="lower",
        database="postgresql",
        floor=m["incremental_floor_p95"] * 1000,
        floor_label="该人当年证据的 count/avg SELECT",
        scale=scale,
        note=f"p50 {m['submit_p50'] * 1000:.0f} ms",
    )
