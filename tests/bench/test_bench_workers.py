"""Benchmarks of the core: a city-sized worker import and scoped roster queries.

Run with `make bench`; figures are printed, never asserted (tests check behaviour, not timings).
"""

import csv
import io
import time
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lms import roles
from lms.models import OrgUnit, Worker
from lms.selectors import visible_workers
from lms.services import worker_roles_set
from tests.bench.report import scaled
from tests.factories import make_id_number

CITY_SIZE = scaled(3200, 100)


def write_city(path, count):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工号", "姓名", "身份证号", "手机号", "所属网格", "入职日期", "角色"])
        for n in range(count):
            grid = f"临江市/区{n % 4}/街道{n % 16}/社区{n % 64}/网格{n % 320}"
            writer.writerow([f"B{n:06d}", f"网格员{n}", make_id_number(n), f"139{n:08d}", grid, "2023-05-01", "网格员"])


@pytest.mark.django_db(transaction=True)
def test_bench_import_city_and_scoped_roster(tmp_path, bench_report):
    path = tmp_path / "city.csv"
    write_city(path, CITY_SIZE)
    # Floor of the import: read the same file and bulk-insert as many plain user rows (no checks, no
    # roles, no org units), rolled back.
    started = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with transaction.atomic():
        User = get_user_model()
        User.objects.bulk_create([User(username=row["工号"], password="!") for row in rows], batch_size=1000)
        transaction.set_rollback(True)
    import_floor = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    call_command("import_workers", str(path), stdout=io.StringIO())
    first = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    call_command("import_workers", str(path), stdout=io.StringIO())
    rerun = time.perf_counter() - started

    manager = Worker.objects.get(employee_no="B000000")
    worker_roles_set(worker=manager, role_codes={roles.MANAGER})
    manager.org_unit = manager.org_unit.parent.parent.parent  # the 区
    manager.save()
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            page = list(visible_workers(manager.user)[:30])
            total = visible_workers(manager.user).count()
        timings.append(time.perf_counter() - started)
    timings.sort()
    # Floor of the roster: one plain COUNT(*) of the same district's workers.
    unit = manager.org_unit
    floor_timings = []
    for _ in range(20):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {Worker._meta.db_table} w JOIN {OrgUnit._meta.db_table} u ON u.id = w.org_unit_id "
                "WHERE u.path LIKE %s",
                [unit.path + "%"],
            )
            cursor.fetchone()
        floor_timings.append(time.perf_counter() - started)
    floor_timings.sort()
    print(
        f"\n[bench] {connection.vendor}: import_workers {CITY_SIZE} rows: first run {first:.1f}s "
        f"({CITY_SIZE / first:.0f} rows/s, peak Python memory {peak / 1e6:.0f} MB), re-run {rerun:.1f}s; "
        f"scoped roster page of {len(page)} of {total}: p50 {timings[10] * 1000:.1f} ms, "
        f"p95 {timings[18] * 1000:.1f} ms, {len(queries)} queries; floors: CSV read + bulk insert {import_floor:.1f}s, "
        f"plain COUNT(*) p95 {floor_timings[18] * 1000:.1f} ms"
    )
    db = connection.vendor
    bench_report.figure(
        key="workers.import.seconds",
        label="人员导入（首次）",
        value=first,
        unit="s",
        better="lower",
        database=db,
        floor=import_floor,
        floor_label="读同一个 CSV 并批量插入同样多的用户行",
        scale=f"{CITY_SIZE:,} 行",
        note=f"{CITY_SIZE / first:.0f} 行/秒，峰值 {peak / 1e6:.0f} MB；原样重跑 {rerun:.1f} s",
    )
    bench_report.figure(
        key="workers.roster.p95",
        label="辖区花名册 p95（区级管理者）",
        value=timings[18] * 1000,
        unit="ms",
        better="lower",
        database=db,
        floor=floor_timings[18] * 1000,
        floor_label="同一区人员的一条 COUNT(*)",
        scale=f"{total:,} 人",
        note=f"{len(queries)} 条 SQL",
    )
