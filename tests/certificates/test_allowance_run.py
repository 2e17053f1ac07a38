"""Frozen months, adjustments in a later month, incentives, and HR's allowance screen and downloads."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from certificates.models import AllowanceMonth, Incentive
from certificates.services import (
    CertificateError,
    allowance_adjustment_add,
    allowance_month_approve,
    allowance_month_compute,
    allowances_export,
    incentive_award,
)
from lms import roles
from lms.access import EVERYONE
from lms.models import AuditLog
from tests.exports import export_through_job

D = dt.date


@pytest.fixture
def setup(city_tree, make_worker, make_cert):
    a = make_worker(unit=city_tree["grid_a"], employee_no="A001", name="甲一")
    b = make_worker(unit=city_tree["grid_b"], employee_no="B001", name="乙一")
    make_cert(a, "SW-3", D(2024, 1, 1), serial_no="SW3-A")
    make_cert(b, "PSY", D(2024, 1, 1), serial_no="PSY-B")
    city_hr = make_worker(unit=city_tree["city"], role_codes={roles.HR})
    street_hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    return {"a": a, "b": b, "city_hr": city_hr, "street_hr": street_hr}


def test_approved_month_is_frozen_and_corrected_by_adjustment(setup, make_cert):
    allowance_month_compute(month=D(2025, 1, 1))
    allowance_month_approve(month=D(2025, 1, 1))
    # A qualification recorded late for January: January stays as approved.
    make_cert(setup["b"], "ERS", D(2024, 6, 1), serial_no="ERS-LATE")
    with pytest.raises(CertificateError, match="已审批"):
        allowance_month_compute(month=D(2025, 1, 1))
    jan = AllowanceMonth.objects.get(month=D(2025, 1, 1))
    assert jan.total == Decimal("700.00")
    allowance_month_compute(month=D(2025, 2, 1))
    allowance_adjustment_add(
        worker=setup["b"],
        corrects=D(2025, 1, 1),
        month=D(2025, 2, 1),
        amount=Decimal("200"),
        reason="应急救援员证书补录",
    )
    out = io.StringIO()
    allowances_export(month=D(2025, 2, 1), output=out, fmt="csv", viewer=EVERYONE)
    rows = {r[0]: r for r in csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff")))}
    assert rows["B001"][4] == "600.00"  # February 400 (PSY + ERS) + 200 back pay for January
    assert "调整2025年1月 +200.00元（应急救援员证书补录）" in rows["B001"][3]
    # Recomputing February keeps the adjustment.
    allowance_month_compute(month=D(2025, 2, 1))
    assert AllowanceMonth.objects.get(month=D(2025, 2, 1)).adjustments.count() == 1


def test_adjustment_rules(setup):
    allowance_month_compute(month=D(2025, 1, 1))
    with pytest.raises(CertificateError, match="直接重新计算"):
        allowance_adjustment_add(
            worker=setup["a"], corrects=D(2025, 1, 1), month=D(2025, 2, 1), amount=Decimal("10"), reason="x"
        )
    allowance_month_approve(month=D(2025, 1, 1))
    with pytest.raises(CertificateError, match="之后"):
        allowance_adjustment_add(
            worker=setup["a"], corrects=D(2025, 1, 1), month=D(2025, 1, 1), amount=Decimal("10"), reason="x"
        )
    with pytest.raises(CertificateError, match="原因"):
        allowance_adjustment_add(
            worker=setup["a"], corrects=D(2025, 1, 1), month=D(2025, 3, 1), amount=Decimal("10"), reason=" "
        )


def test_incentive_defaults_and_payout_export(setup):
    allowance_month_compute(month=D(2025, 12, 1))
    incentive = incentive_award(
        worker=setup["a"], kind=Incentive.Kind.ANNUAL_EXCELLENT, month=D(2025, 12, 1), reason="2025年度考核优秀"
    )
    assert incentive.amount == Decimal("5000.00")
    stream = io.BytesIO()
    allowances_export(month=D(2025, 12, 1), output=stream, fmt="xlsx", viewer=EVERYONE, with_incentives=True)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["工号", "姓名", "所属网格", "计发证书", "月津贴(元)"]
    row = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}["A001"]
    assert row[4] == 500 and row[5] == 5000 and row[7] == 5500 and "年度考核优秀" in row[6]
    allowance_month_approve(month=D(2025, 12, 1))
    with pytest.raises(CertificateError, match="已审批"):
        incentive_award(
            worker=setup["a"],
            kind=Incentive.Kind.COMPETITION,
            month=D(2025, 12, 1),
            reason="比武一等奖",
            amount=Decimal("1000"),
        )


def test_hr_month_screen_and_downloads_are_scoped_and_audited(client, setup, media):
    allowance_month_compute(month=D(2025, 3, 1))
    client.force_login(setup["street_hr"].user)
    page = client.get("/certificates/hr/allowances/2025-03/").content.decode()
    assert "甲一" in page and "SW3-A" in page and "乙一" not in page
    assert "审批并冻结" not in page  # only city-level HR approves the city's month
    _, _, content = export_through_job(client, "/certificates/hr/allowances/2025-03/export.csv")
    body = content.decode("utf-8")
    assert body.startswith("\ufeff") and "A001" in body and "B001" not in body
    assert AuditLog.objects.filter(actor=setup["street_hr"].user, action=AuditLog.Action.EXPORT).count() == 1
    _, _, content = export_through_job(client, "/certificates/hr/exports/register.xlsx")
    book = load_workbook(io.BytesIO(content))
    ids = [r[0] for r in book["持证登记"].iter_rows(min_row=2, values_only=True)]
    assert ids == ["A001"]
    assert book["持证率"]["A1"].value == "组织单元"
    assert AuditLog.objects.filter(actor=setup["street_hr"].user, action=AuditLog.Action.EXPORT).count() == 2
    confirm = "/certificates/hr/allowances/2025-03/approve/confirm/"
    assert client.post(confirm, {"expected_total": "500.00"}).status_code == 404
    assert not AllowanceMonth.objects.get(month=D(2025, 3, 1)).is_approved

    client.force_login(setup["city_hr"].user)
    client.post(confirm, {"expected_total": "700.00"})
    assert AllowanceMonth.objects.get(month=D(2025, 3, 1)).is_approved


def test_non_hr_cannot_open_hr_screens(client, setup, make_worker, city_tree):
    trainee = make_worker(unit=city_tree["grid_a"])
    manager = make_worker(unit=city_tree["city"], role_codes={roles.MANAGER})
    allowance_month_compute(month=D(2025, 3, 1))
    for user in (trainee.user, manager.user):
        client.force_login(user)
        for url in ("/certificates/hr/", "/certificates/hr/allowances/2025-03/"):
            assert client.get(url).status_code == 404, url
        for url in (
            "/certificates/hr/allowances/2025-03/export.xlsx",
            "/certificates/hr/exports/register.csv",
            "/certificates/hr/exports/incentives.xlsx",
        ):
            assert client.post(url).status_code == 404, url


def test_certification_rate_by_org_unit(city_tree, make_worker, make_cert):
    from certificates.selectors import certification_rates

    street_hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    holder = make_worker(unit=city_tree["grid_a"])
    lapsed = make_worker(unit=city_tree["grid_a2"])
    make_worker(unit=city_tree["grid_a2"])
    make_cert(holder, "PSY", D(2023, 1, 1))
    make_cert(holder, "COURSE", D(2023, 1, 1))  # platform certificates do not count
    make_cert(lapsed, "ERS", D(2020, 1, 1), valid_until=D(2023, 1, 1))
    rows = {r["unit"].name: r for r in certification_rates(street_hr.user)}
    assert rows["一社区"]["total"] == 3 and rows["一社区"]["holders"] == 1
    assert rows["一社区"]["rate"] == Decimal("33.3")


def test_hr_certificate_page_is_scoped(client, setup, make_cert):
    cert_b = make_cert(setup["b"], "SW-1", D(2024, 1, 1))
    client.force_login(setup["street_hr"].user)  # 甲街道: B001 lives in 乙街道
    assert client.get(f"/certificates/hr/c/{cert_b.verification_code}/").status_code == 404
    assert client.post(f"/certificates/hr/c/{cert_b.verification_code}/", {"reason": "x"}).status_code == 404
    client.force_login(setup["city_hr"].user)
    response = client.post(
        f"/certificates/hr/c/{cert_b.verification_code}/", {"action": "revoke", "reason": "证书已注销"}
    )
    assert response.status_code == 302
    cert_b.refresh_from_db()
    assert cert_b.revoked_on is not None and cert_b.revoke_reason == "证书已注销"
    assert AuditLog.objects.filter(
        target_type="certificate", target_id=cert_b.serial_no, actor=setup["city_hr"].user
    ).exists()
