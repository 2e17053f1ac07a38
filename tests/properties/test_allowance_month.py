"""The allowance month rule (docs/rules.md §9 津贴) against a reference written from the rule's text.

Reference: a certificate counts for month M when it is valid (§8) on every day of M — checked day by
day — and its holder had joined by the 1st (no 入职日期: joined). Each type pays the standard in
force on the 1st (the rate row with the latest 生效日期 on or before it); a type without a standard
(none yet, or 0) pays nothing and does not count. Within a family only the highest level held that
month among the paying types pays; a type without a family pays once however many certificates of
it are held. Amounts are Decimal with two decimals.
The project's side: `certificates.services.allowance_month_compute` for the month (its line for the
worker, the month's total and head count).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties import examples, rolled_back

MONTHS = [dt.date(2024, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)]
# (code, family, level): a family of three levels and a type of its own.
TYPES = [("PF-1", "PF", 1), ("PF-2", "PF", 2), ("PF-3", "PF", 3), ("PX", "", 0)]


def days_of(month: dt.date) -> list[dt.date]:
    days, day = [], month
    while day.month == month.month:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def valid_on(day, cert) -> bool:
    return (
        cert["issued_on"] <= day
        and (cert["valid_until"] is None or day <= cert["valid_until"])
        and (cert["revoked_on"] is None or day < cert["revoked_on"])
    )


def standard(rates, code, first):
    in_force = [row for row in rates if row[0] == code and row[1] <= first]
    return max(in_force, key=lambda row: row[1])[2] if in_force else None


def reference_amount(month, hire_date, certs, rates) -> tuple[Decimal, set[str]]:
    if hire_date is not None and hire_date > month:
        return Decimal("0.00"), set()
    family_of = {code: (family or f"own:{code}", level) for code, family, level in TYPES}
    best: dict[str, tuple[int, str, Decimal]] = {}
    for cert in certs:
        if not all(valid_on(day, cert) for day in days_of(month)):
            continue
        amount = standard(rates, cert["code"], month)
        if not amount:
            continue
        family, level = family_of[cert["code"]]
        if family not in best or level > best[family][0]:
            best[family] = (level, cert["code"], amount)
    total = sum((amount for _, _, amount in best.values()), Decimal("0")).quantize(Decimal("0.01"))
    return total, {code for _, code, _ in best.values()}


around = st.integers(min_value=-70, max_value=70)


@st.composite
def world(draw):
    month = draw(st.sampled_from(MONTHS))
    hire_date = draw(st.none() | around.map(lambda n: month + dt.timedelta(days=n)))
    certs = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        issued_on = month + dt.timedelta(days=draw(around))
        later = st.integers(min_value=0, max_value=120).map(lambda n, start=issued_on: start + dt.timedelta(days=n))
        certs.append(
            {
                "code": draw(st.sampled_from([code for code, _, _ in TYPES])),
                "issued_on": issued_on,
                "valid_until": draw(st.none() | later),
                "revoked_on": draw(st.none() | later),
            }
        )
    rates = []
    for code, _, _ in TYPES:
        for effective in draw(st.sets(around, max_size=2)):
            amount = Decimal(draw(st.sampled_from([0, 1, 5000, 12345, 20000, 30000, 50000]))) / 100
            rates.append((code, month + dt.timedelta(days=effective), amount))
    return month, hire_date, certs, rates


@pytest.mark.django_db
@examples(40, db=True)
@given(case=world())
def test_a_workers_month_follows_the_rule(case, settings):
    from certificates.models import AllowanceRate, Certificate, CertificateType
    from certificates.services import allowance_month_compute
    from tests.factories import WorkerFactory, org

    month, hire_date, certs, rates = case
    settings.ALLOWANCE_START_MONTH = "2000-01"
    with rolled_back():
        types = {}
        for order, (code, family, level) in enumerate(TYPES):
            types[code] = CertificateType.objects.create(
                code=code, name=f"属性{code}", family=family, level=level, sort_order=100 + order
            )
        for code, effective_from, amount in rates:
            AllowanceRate.objects.create(
                certificate_type=types[code], effective_from=effective_from, monthly_amount=amount
            )
        worker = WorkerFactory(org_unit=org("属性市/甲区/甲街道/一社区/一网格"), hire_date=hire_date)
        for cert in certs:
            Certificate.objects.create(
                worker=worker,
                certificate_type=types[cert["code"]],
                serial_no=f"P-{secrets.token_hex(6)}",
                verification_code=secrets.token_urlsafe(24),
                issued_on=cert["issued_on"],
                valid_until=cert["valid_until"],
                revoked_on=cert["revoked_on"],
                issuer="测试发证机关",
                source=Certificate.Source.EXTERNAL,
            )
        run = allowance_month_compute(month=month, today=dt.date(2026, 1, 15))
        expected, paid_types = reference_amount(month, hire_date, certs, rates)
        line = run.lines.filter(worker=worker).first()
        assert (line.amount if line else Decimal("0.00")) == expected
        assert ({b["type_code"] for b in line.basis} if line else set()) == paid_types
        assert run.total == expected
        assert run.worker_count == (1 if expected else 0)
