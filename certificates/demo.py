"""Demo data: qualifications for about 40% of the 200 demo workers, a year of allowance months (with
an adjustment, 年度考核优秀 awards and one other award) approved month by month, one revoked and
one expired qualification, and last month computed and waiting for approval.

Everything goes through the services, under the rules the product enforces. Platform certificates
are not made here: 结业证书 come from the courses demo as workers complete a course
(courses.services.course_completion_check), 竞赛获奖证书 from the competitions demo's awards, so each
is dated on the day its holder earned it. PDFs are rendered on their first download and cached.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from lms.models import Worker

from .defaults import ensure_default_types
from .models import AllowanceMonth, AllowanceRate, Certificate, CertificateType, Incentive
from .services import (
    allowance_adjustment_add,
    allowance_month_approve,
    allowance_month_compute,
    certificate_record_external,
    certificate_revoke,
    incentive_award,
)

ISSUERS = {
    "SW": "人力资源和社会保障部、民政部",
    "PSY": "临江市人力资源和社会保障局",
    "ERS": "临江市应急管理局",
}


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def load(stdout) -> None:
    ensure_default_types(CertificateType, AllowanceRate)
    if Certificate.objects.filter(serial_no__startswith="LJ-").exists():
        stdout.write("证书演示数据已存在，跳过。")
        return
    workers = list(Worker.objects.filter(employee_no__startswith="wg").select_related("user").order_by("employee_no"))
    if not workers:
        stdout.write("未找到演示网格员，跳过证书演示数据。")
        return
    today = timezone.localdate()
    rng = random.Random(20260601)
    holders = [w for i, w in enumerate(workers) if i in (0, 2, 3) or rng.random() < 0.38]
    serial = 0

    def record(worker, code, issued_on, valid_until=None):
        nonlocal serial
        serial += 1
        family = code.split("-")[0]
        return certificate_record_external(
            worker=worker,
            type_code=code,
            serial_no=f"LJ-{code}-{issued_on:%Y}{serial:04d}",
            issued_on=issued_on,
            valid_until=valid_until,
            issuer=ISSUERS.get(family, "临江市人力资源和社会保障局"),
        )

    def some_day(year_from, year_to):
        year = rng.randint(year_from, year_to)
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        return min(day, today - dt.timedelta(days=40))

    for worker in holders:
        roll = rng.random()
        if roll < 0.55:
            first = some_day(2016, 2023)
            record(worker, "SW-1", first)
            if rng.random() < 0.35:  # passed the next level later: only the higher one pays
                record(worker, "SW-2", some_day(first.year + 1, 2025))
        elif roll < 0.75:
            record(worker, "SW-2", some_day(2017, 2025))
        elif roll < 0.82:
            record(worker, "SW-3", some_day(2019, 2024))
        if rng.random() < 0.25:
            record(worker, "PSY", some_day(2018, 2025))
        if rng.random() < 0.2:
            issued = some_day(2023, 2025)
            record(worker, "ERS", issued, issued.replace(year=issued.year + 3) - dt.timedelta(days=1))

    # wg0001 (a named demo account) holds a mid-level social worker certificate and two platform ones.
    first_worker = workers[0]
    if not first_worker.certificates.filter(certificate_type__code="SW-2").exists():
        record(first_worker, "SW-2", dt.date(2022, 9, 20))
    # One expired (应急救援员 past its three years) and one revoked qualification.
    expired = record(workers[2], "ERS", dt.date(2022, 3, 1), dt.date(2025, 2, 28))
    revoked = record(workers[3], "PSY", dt.date(2021, 5, 10))
    certificate_revoke(
        certificate=revoked, reason="复核发现证书信息与发证机关记录不符", revoked_on=today - dt.timedelta(days=75)
    )

    months = _months_back(today, 12)

    def joined_before(day: dt.date) -> list[Worker]:
        return [w for w in workers if w.hire_date is not None and w.hire_date < day]

    # A 心理咨询师 certificate recorded only after its first month was approved: that month is
    # corrected by an adjustment paid three months later (an approved month never changes).
    late_fix_target = months[3]
    late_holder = next(
        w for w in joined_before(months[0])[7:] if not w.certificates.filter(certificate_type__code="PSY").exists()
    )
    for month in months:
        if AllowanceMonth.objects.filter(month=month, status=AllowanceMonth.Status.APPROVED).exists():
            continue
        allowance_month_compute(month=month, today=today)
        if month.month == 12:
            colleagues = joined_before(dt.date(month.year, 1, 1))
            for worker in (colleagues[4], colleagues[17], colleagues[43]):
                incentive_award(
                    worker=worker, kind=Incentive.Kind.ANNUAL_EXCELLENT, month=month, reason=f"{month.year}年度考核优秀"
                )
        if month == months[6]:
            incentive_award(
                worker=joined_before(month)[39],
                kind=Incentive.Kind.OTHER,
                month=month,
                reason="汛期连续值守、转移群众表现突出（街道表彰）",
                amount=1000,
            )
            allowance_adjustment_add(
                worker=late_holder,
                corrects=late_fix_target,
                month=month,
                amount=200,
                reason="心理咨询师证书补录，补发该月津贴",
            )
        if month != months[-1]:  # last month waits for HR's approval
            allowance_month_approve(month=month, today=today)
        if month == late_fix_target:
            record(late_holder, "PSY", months[2] + dt.timedelta(days=10))
    stdout.write(
        f"证书演示数据：{len(holders)} 名网格员持有职业资格，{Certificate.objects.count()} 本证书；"
        f"已审批 {len(months) - 1} 个月津贴，上月待审批（过期示例 {expired.serial_no}，撤销示例 {revoked.serial_no}）。"
    )
