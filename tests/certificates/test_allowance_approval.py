"""Approving a month takes a confirmation page showing its figures, only after the month has ended;
a draft month can be discarded; months before the allowance start are refused; every total an HR
page shows covers the viewer's own subtree and names it."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from certificates import selectors
from certificates.models import AllowanceMonth
from certificates.services import (
    CertificateError,
    allowance_adjustment_add,
    allowance_month_approve,
    allowance_month_compute,
    allowance_month_discard,
)
from lms import roles
from lms.models import AuditLog
from tests.factories import org

D = dt.date
pytestmark = pytest.mark.django_db
DEC_2 = D(2026, 12, 2)


@pytest.fixture
def world(make_worker, make_cert, media):
    city = org("临江市")
    south, north = org("临江市/江南区"), org("临江市/江北区")
    jn = make_worker(unit=org("临江市/江南区/南湖街道/南苑社区/第一网格"), employee_no="JN001", name="江南甲")
    jn2 = make_worker(unit=org("临江市/江南区/桂园街道/桂香社区/第一网格"), employee_no="JN002", name="江南丙")
    jb = make_worker(unit=org("临江市/江北区/滨江街道/春晖社区/第一网格"), employee_no="JB001", name="江北乙")
    make_cert(jn, "SW-3", D(2024, 3, 10), serial_no="SW3-JN")  # 500
    make_cert(jn2, "SW-1", D(2024, 5, 1), serial_no="SW1-JN2")  # 200
    make_cert(jb, "PSY", D(2024, 6, 1), serial_no="PSY-JB")  # 200
    return {
        "jn": jn,
        "jb": jb,
        "city_hr": make_worker(unit=city, role_codes={roles.HR}, employee_no="rs001", name="市人事"),
        "south_hr": make_worker(unit=south, role_codes={roles.HR}, employee_no="rs002", name="江南人事"),
        "north_hr": make_worker(unit=north, role_codes={roles.HR}, employee_no="rs003", name="江北人事"),
    }


# --- services (the commands and the pages share them) ----------------------------------------------


def test_a_month_in_progress_is_computed_but_not_approved(world):
    allowance_month_compute(month=D(2026, 12, 1), today=DEC_2)
    with pytest.raises(CertificateError, match="2026年12月尚未结束"):
        allowance_month_approve(month=D(2026, 12, 1), today=DEC_2)
    assert AllowanceMonth.objects.get(month=D(2026, 12, 1)).status == AllowanceMonth.Status.DRAFT
    with pytest.raises(CertificateError, match="尚未开始"):
        allowance_month_compute(month=D(2027, 1, 1), today=DEC_2)
    # The last day of the month is still in it; the day after, the month may be approved.
    allowance_month_compute(month=D(2026, 11, 1), today=DEC_2)
    with pytest.raises(CertificateError, match="尚未结束"):
        allowance_month_approve(month=D(2026, 11, 1), today=D(2026, 11, 30))
    run = allowance_month_approve(month=D(2026, 11, 1), today=D(2026, 12, 1))
    assert run.is_approved and run.total == Decimal("900.00")


def test_approval_refuses_figures_changed_since_they_were_shown(world, make_cert):
    allowance_month_compute(month=D(2025, 3, 1), today=DEC_2)
    make_cert(world["jb"], "ERS", D(2024, 1, 1), serial_no="ERS-LATE")
    allowance_month_compute(month=D(2025, 3, 1), today=DEC_2)  # now 1,100.00
    with pytest.raises(CertificateError, match="重新核对"):
        allowance_month_approve(month=D(2025, 3, 1), today=DEC_2, expected_total=Decimal("900.00"))
    allowance_month_approve(month=D(2025, 3, 1), today=DEC_2, expected_total=Decimal("1100.00"))


def test_months_before_the_start_are_refused_and_leave_nothing(world, settings):
    # Default start: the month of the earliest certificate (2024-03).
    assert selectors.allowance_start_month() == D(2024, 3, 1)
    for month in (D(2024, 2, 1), D(2000, 1, 1)):
        with pytest.raises(CertificateError, match="早于津贴起算月份2024年3月"):
            allowance_month_compute(month=month, today=DEC_2)
    allowance_month_compute(month=D(2024, 3, 1), today=DEC_2)
    settings.ALLOWANCE_START_MONTH = "2025-01"
    with pytest.raises(CertificateError, match="早于津贴起算月份2025年1月"):
        allowance_month_compute(month=D(2024, 12, 1), today=DEC_2)
    assert list(AllowanceMonth.objects.values_list("month", flat=True)) == [D(2024, 3, 1)]
    for text in ("1999-01", "2024-02"):
        with pytest.raises(CommandError):
            call_command("compute_allowances", "--month", text, stdout=io.StringIO())
    assert AllowanceMonth.objects.count() == 1


def test_a_draft_month_is_discarded_with_an_audit_row_and_an_approved_one_is_not(world):
    allowance_month_compute(month=D(2025, 1, 1), today=DEC_2)
    allowance_month_approve(month=D(2025, 1, 1), today=DEC_2)
    allowance_month_compute(month=D(2025, 2, 1), today=DEC_2)
    allowance_month_discard(month=D(2025, 2, 1), actor=world["city_hr"].user)
    assert not AllowanceMonth.objects.filter(month=D(2025, 2, 1)).exists()
    entry = AuditLog.objects.get(target_type="allowance_month", target_id="2025-02")
    assert entry.actor == world["city_hr"].user and entry.detail["op"] == "discard"
    assert entry.detail["total"] == "900.00"
    with pytest.raises(CertificateError, match="已审批，不能舍弃"):
        allowance_month_discard(month=D(2025, 1, 1))
    allowance_adjustment_add(
        worker=world["jn"], corrects=D(2025, 1, 1), month=D(2025, 3, 1), amount=Decimal("50"), reason="补发"
    )
    with pytest.raises(CertificateError, match="1 条调整"):
        allowance_month_discard(month=D(2025, 3, 1))
    with pytest.raises(CommandError, match="1 条调整"):
        call_command("discard_allowances", "--month", "2025-03", stdout=io.StringIO())
    allowance_month_compute(month=D(2025, 4, 1), today=DEC_2)
    call_command("discard_allowances", "--month", "2025-04", stdout=io.StringIO())
    assert not AllowanceMonth.objects.filter(month=D(2025, 4, 1)).exists()
    with pytest.raises(CommandError, match="不存在"):
        call_command("discard_allowances", "--month", "2025-04", stdout=io.StringIO())


# --- pages ------------------------------------------------------------------------------------------


def test_approving_on_the_page_takes_a_confirmation_with_the_months_figures(client, world):
    allowance_month_compute(month=D(2025, 3, 1))
    client.force_login(world["city_hr"].user)
    month_page = client.get("/certificates/hr/allowances/2025-03/").content.decode()
    assert "/certificates/hr/allowances/2025-03/approve/confirm/" in month_page
    # The month page itself no longer approves.
    client.post("/certificates/hr/allowances/2025-03/", {"action": "approve"})
    assert not AllowanceMonth.objects.get(month=D(2025, 3, 1)).is_approved

    confirm = client.get("/certificates/hr/allowances/2025-03/approve/confirm/")
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "计发人数（临江市）" in body and "3 人" in body and "900.00 元" in body
    assert isinstance(confirm.context["totals"]["lines_total"], Decimal)
    assert 'name="expected_total" value="900.00"' in body
    response = client.post("/certificates/hr/allowances/2025-03/approve/confirm/", {"expected_total": "900.00"})
    assert response.status_code == 302
    assert AllowanceMonth.objects.get(month=D(2025, 3, 1)).is_approved


def test_the_current_month_is_refused_on_the_page_with_a_message(client, world):
    current = timezone.localdate().replace(day=1)
    allowance_month_compute(month=current)
    client.force_login(world["city_hr"].user)
    url = f"/certificates/hr/allowances/{current:%Y-%m}/approve/confirm/"
    response = client.post(url, {"expected_total": "900.00"}, follow=True)
    assert "尚未结束" in response.content.decode()
    assert not AllowanceMonth.objects.get(month=current).is_approved


def test_discarding_on_the_page_and_district_hr_cannot(client, world):
    allowance_month_compute(month=D(2025, 3, 1))
    url = "/certificates/hr/allowances/2025-03/discard/confirm/"
    client.force_login(world["south_hr"].user)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(world["city_hr"].user)
    assert "舍弃" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "2025年3月津贴已舍弃" in response.content.decode()
    assert not AllowanceMonth.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/hr/allowances/1999-01/",
        "/certificates/hr/allowances/20266-01/",
        "/certificates/hr/allowances/2025-13/",
        "/certificates/hr/allowances/-1/",
        "/certificates/hr/allowances/2025-05/",  # well formed, never computed
        "/certificates/hr/allowances/junk/approve/confirm/",
    ],
)
def test_bad_months_in_the_address_get_a_chinese_message(client, world, path):
    client.force_login(world["city_hr"].user)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and any("月" in m for m in messages), messages


@pytest.mark.parametrize("month", ["1999-01", "2024-02", "20266-01", "-1", ""])
def test_bad_months_to_compute_get_a_chinese_message_and_leave_nothing(client, world, month):
    client.force_login(world["city_hr"].user)
    response = client.post("/certificates/hr/allowances/", {"month": month})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert not AllowanceMonth.objects.exists()


def test_each_district_hr_sees_only_their_districts_totals_named_as_such(client, world):
    allowance_month_compute(month=D(2025, 3, 1))
    expected = {
        "south_hr": ("江南区", "2", "700.00", "200.00"),
        "north_hr": ("江北区", "1", "200.00", "700.00"),
        "city_hr": ("临江市", "3", "900.00", None),
    }
    for who, (scope, count, total, others) in expected.items():
        client.force_login(world[who].user)
        month = client.get("/certificates/hr/allowances/2025-03/")
        body = month.content.decode()
        assert f"<strong>{count}</strong>计发人数（{scope}）" in body, who
        assert f"<strong>{total}</strong>证书津贴合计（{scope}，元）" in body, who
        assert "全市" not in body and "管辖范围内" not in body
        listing = client.get("/certificates/hr/allowances/").content.decode()
        assert f"{scope} {count} 人，{total} 元" in listing, who
        if others is not None:
            assert f"<strong>{others}</strong>" not in body
            assert "900.00" not in body and "900.00" not in listing
        home = client.get("/hr/").content.decode()
        assert f"持证率（{scope}，" in home, who
