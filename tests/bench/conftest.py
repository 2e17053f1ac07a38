"""The `bench_report` fixture and the end of a bench session: this run's figures are merged into
docs/benchmarks.json and the tables of docs/benchmarks.md (tests/bench/report.py)."""

from __future__ import annotations

import os

import pytest

from tests.bench import report as bench

_report = bench.Report()
_load_before: tuple[float, float, float] | None = None


def pytest_sessionstart(session):
    global _load_before
    _load_before = os.getloadavg()


@pytest.fixture(scope="session")
def bench_report() -> bench.Report:
    """Record a figure: `bench_report.figure(key=…, label=…, value=…, unit=…, better=…, floor=…, …)`."""
    return _report


def pytest_sessionfinish(session, exitstatus):
    if not _report.figures:
        return
    child = bench.child_out()
    if child is not None:  # a child run (case search on PostgreSQL): its parent records the figures
        bench.write_child(child, _report.figures)
        return
    stamp = bench.run_stamp(_load_before or os.getloadavg(), os.getloadavg())
    json_path, md_path = bench.write(bench.report_dir(), stamp, _report.figures)
    print(f"\n[bench] {len(_report.figures)} figures of run {stamp['id']} merged into {json_path} and {md_path}")
