"""The allowance month rule at every edge, Decimal totals, rates with effective-from dates."""

import datetime as dt
from decimal import Decimal

import pytest

from certificates.models import AllowanceRate, CertificateType
from certificates.selectors import allowance_amounts, rates_for_month
from certificates.services import allowance_month_compute

D = dt.date
MAY = D(2025, 5, 1)


@pytest.fixture
def worker(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def amount(worker, month=MAY):
    entry = allowance_amounts(month).get(worker.pk)
    return entry.amount if entry else Decimal("0")


def test_issued_on_the_first_pays_issued_on_the_second_does_not(worker, make_cert, make_worker, city_tree):
    make_cert(worker, "PSY", D(2025, 5, 1))
    other = make_worker(unit=city_tree["grid_a"])
    make_cert(other, "PSY", D(2025, 5, 2))
    assert amount(worker) == Decimal("200.00")
    assert amount(other) == Decimal("0")
    assert amount(other, D(2025, 6, 1)) == Decimal("200.00")


def test_expiring_on_the_last_day_pays_the_day_before_does_not(worker, make_cert, make_worker, city_tree):
    make_cert(worker, "ERS", D(2023, 1, 1), valid_until=D(2025, 5, 31))
    other = make_worker(unit=city_tree["grid_a"])
    make_cert(other, "ERS", D(2023, 1, 1), valid_until=D(2025, 5, 30))
    assert amount(worker) == Decimal("200.00")
    assert amount(other) == Decimal("0")
    assert amount(worker, D(2025, 6, 1)) == Decimal("0")


def test_revoked_mid_month_does_not_pay_that_month_but_did_before(worker, make_cert):
    make_cert(worker, "PSY", D(2024, 1, 1), revoked_on=D(2025, 5, 15))
    assert amount(worker) == Decimal("0")
    assert amount(worker, D(2025, 4, 1)) == Decimal("200.00")


def test_revoked_on_first_of_next_month_still_pays(worker, make_cert):
    make_cert(worker, "PSY", D(2024, 1, 1), revoked_on=D(2025, 6, 1))
    assert amount(worker) == Decimal("200.00")


def test_only_highest_level_of_a_family_pays(worker, make_cert):
    make_cert(worker, "SW-1", D(2020, 3, 1))
    make_cert(worker, "SW-2", D(2024, 6, 1))
    make_cert(worker, "PSY", D(2022, 1, 1))
    result = allowance_amounts(MAY)[worker.pk]
    assert result.amount == Decimal("500.00")  # SW-2 300 + PSY 200, not SW-1
    assert sorted(b["type_code"] for b in result.basis) == ["PSY", "SW-2"]
    # Before the SW-2 was issued the lower level paid.
    assert amount(worker, D(2024, 5, 1)) == Decimal("400.00")


def test_higher_level_issued_mid_month_leaves_lower_level_paying(worker, make_cert):
    make_cert(worker, "SW-1", D(2020, 3, 1))
    make_cert(worker, "SW-2", D(2025, 5, 10))
    assert allowance_amounts(MAY)[worker.pk].basis[0]["type_code"] == "SW-1"


def test_two_certificates_of_one_type_pay_once(worker, make_cert):
    make_cert(worker, "PSY", D(2020, 1, 1))
    make_cert(worker, "PSY", D(2021, 1, 1))
    assert amount(worker) == Decimal("200.00")


def test_platform_certificates_pay_nothing(worker, make_cert):
    make_cert(worker, "COURSE", D(2020, 1, 1))
    assert amount(worker) == Decimal("0")


def test_amount_changed_mid_year_applies_from_its_month_past_months_keep_theirs(worker, make_cert):
    make_cert(worker, "SW-2", D(2020, 1, 1))
    sw2 = CertificateType.objects.get(code="SW-2")
    AllowanceRate.objects.create(certificate_type=sw2, effective_from=D(2025, 7, 1), monthly_amount=Decimal("350.00"))
    assert amount(worker, D(2025, 6, 1)) == Decimal("300.00")
    assert amount(worker, D(2025, 7, 1)) == Decimal("350.00")


def test_mid_month_rate_change_applies_from_the_next_month(worker, make_cert):
    """Documented policy: a month uses the rate in force on its first day."""
    make_cert(worker, "SW-3", D(2020, 1, 1))
    sw3 = CertificateType.objects.get(code="SW-3")
    AllowanceRate.objects.create(certificate_type=sw3, effective_from=D(2025, 5, 15), monthly_amount=Decimal("600.00"))
    assert rates_for_month(MAY)[sw3.pk] == Decimal("500.00")
    assert amount(worker, MAY) == Decimal("500.00")
    assert amount(worker, D(2025, 6, 1)) == Decimal("600.00")


def test_month_totals_are_exact_decimals(city_tree, make_worker, make_cert):
    psy = CertificateType.objects.get(code="PSY")
    AllowanceRate.objects.create(certificate_type=psy, effective_from=D(2025, 1, 1), monthly_amount=Decimal("0.10"))
    for _ in range(3):
        make_cert(make_worker(unit=city_tree["grid_a"]), "PSY", D(2024, 1, 1))
    run = allowance_month_compute(month=MAY)
    assert run.total == Decimal("0.30")
    assert isinstance(run.total, Decimal)
    assert run.worker_count == 3
    line = run.lines.first()
    assert line.amount == Decimal("0.10") and line.basis[0]["amount"] == "0.10"


def test_a_qualification_held_before_joining_pays_from_the_first_full_month_of_work(make_cert, make_worker, city_tree):
    on_the_first = make_worker(unit=city_tree["grid_a"], hire_date=D(2025, 5, 1))
    mid_month = make_worker(unit=city_tree["grid_a"], hire_date=D(2025, 5, 15))
    for worker in (on_the_first, mid_month):
        make_cert(worker, "SW-2", D(2020, 6, 1))
    assert amount(on_the_first, D(2025, 4, 1)) == Decimal("0")
    assert amount(on_the_first) == Decimal("300.00")
    assert amount(mid_month) == Decimal("0")
    assert amount(mid_month, D(2025, 6, 1)) == Decimal("300.00")
