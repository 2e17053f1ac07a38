"""The management commands of docs/imports.md on a freshly migrated database, and their refusals."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import AllowanceMonth, Certificate, CertificateType
from lms.models import AuditLog
from tests import tables

D = dt.date
HEADER = ["工号", "证书类型", "证书编号", "发证日期", "有效期至", "发证机关"]


@pytest.fixture
def people(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"], employee_no="wg9001", name="张三丰"), make_worker(
        unit=city_tree["grid_b"], employee_no="wg9002", name="李四"
    )


def write_csv(path, rows):
    return tables.write_csv(path, HEADER, rows)


def run_import(path):
    return tables.run_command("import_certificates", path)


def test_import_creates_and_rerun_changes_nothing(people, tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["wg9001", "SW-2", "SW2024001", "2024-03-01", "", "临江市人力资源和社会保障局"],
            ["wg9002", "ERS", "ERS-77", "2023/6/1", "2026-05-31", "临江市应急管理局"],
        ],
    )
    code, out, _ = run_import(path)
    assert code == 0 and "新增 2" in out
    cert = Certificate.objects.get(serial_no="ERS-77")
    assert cert.valid_until == D(2026, 5, 31) and cert.worker.employee_no == "wg9002"
    assert len(cert.verification_code) >= 22
    code, out, _ = run_import(path)
    assert code == 0 and Certificate.objects.count() == 2 and "新增 0" in out


def test_import_rejects_bad_rows_and_writes_nothing(people, tmp_path):
    Certificate.objects.create(
        worker=people[1],
        certificate_type=CertificateType.objects.get(code="PSY"),
        serial_no="TAKEN-1",
        verification_code="x" * 32,
        issued_on=D(2024, 1, 1),
        issuer="某机关",
        source="external",
    )
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["wg9001", "SW-2", "OK-1", "2024-03-01", "", "机关"],
            ["wg9001", "XX-9", "A-2", "2024-03-01", "", "机关"],
            ["nobody", "PSY", "A-3", "2024-03-01", "", "机关"],
            ["wg9001", "PSY", "A-4", "2024-03-01", "2024-02-01", "机关"],
            ["wg9001", "PSY", "OK-1", "2024-03-01", "", "机关"],
            ["wg9001", "PSY", "TAKEN-1", "2024-03-01", "", "机关"],
        ],
    )
    code, _, err = run_import(path)
    assert code == 2
    lines = err.strip().splitlines()
    assert any(line.startswith("第2行: 未知证书类型") for line in lines)
    assert any(line.startswith("第3行: 未知工号") for line in lines)
    assert any(line.startswith("第4行: 有效期至早于发证日期") for line in lines)
    assert any(line.startswith("第5行: 证书编号“OK-1”与第1行重复") for line in lines)
    assert any(line.startswith("第6行: 证书编号“TAKEN-1”已属于") for line in lines)
    assert not any(line.startswith("第1行") for line in lines)
    assert Certificate.objects.count() == 1


def test_issue_certificate_prints_code_last_and_refuses_future(people):
    out = io.StringIO()
    call_command("issue_certificate", "--worker", "wg9001", "--type", "COURSE", "--date", "2025-09-01", stdout=out)
    code = out.getvalue().strip().splitlines()[-1]
    cert = Certificate.objects.get(verification_code=code)
    assert cert.issued_on == D(2025, 9, 1) and cert.source == "platform" and cert.serial_no.startswith("GA-2025-")
    assert len(code) >= 32  # token_urlsafe(24): 192 random bits
    out = io.StringIO()
    call_command("issue_certificate", "--worker", "wg9001", "--type", "AWARD", stdout=out)
    assert (
        Certificate.objects.get(verification_code=out.getvalue().strip().splitlines()[-1]).issued_on
        == timezone.localdate()
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="晚于今天"):
        call_command(
            "issue_certificate", "--worker", "wg9001", "--type", "COURSE", "--date", tomorrow, stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="未知证书类型"):
        call_command("issue_certificate", "--worker", "wg9001", "--type", "NOPE", stdout=io.StringIO())


def test_revoke_twice_is_refused(people):
    out = io.StringIO()
    call_command("issue_certificate", "--worker", "wg9001", "--type", "COURSE", "--date", "2025-01-10", stdout=out)
    code = out.getvalue().strip().splitlines()[-1]
    call_command("revoke_certificate", code, "--reason", "信息有误", "--date", "2025-02-01", stdout=io.StringIO())
    cert = Certificate.objects.get(verification_code=code)
    assert cert.revoked_on == D(2025, 2, 1) and cert.revoke_reason == "信息有误"
    with pytest.raises(CommandError, match="不能重复撤销"):
        call_command("revoke_certificate", code, "--reason", "再次", stdout=io.StringIO())
    with pytest.raises(CommandError, match="未找到"):
        call_command("revoke_certificate", "unknown-code", "--reason", "x", stdout=io.StringIO())


def test_compute_approve_export_and_refusals(people, make_cert, tmp_path):
    zhang, li = people
    make_cert(zhang, "SW-2", D(2024, 1, 1), serial_no="SW-A")
    make_cert(zhang, "PSY", D(2024, 1, 1), serial_no="PSY-A")
    make_cert(li, "COURSE", D(2024, 1, 1))
    with pytest.raises(CommandError, match="尚未计算"):
        call_command("approve_allowances", "--month", "2025-03", stdout=io.StringIO())
    call_command("compute_allowances", "--month", "2025-03", stdout=io.StringIO())
    call_command("compute_allowances", "--month", "2025-03", stdout=io.StringIO())  # a draft may be recomputed
    run = AllowanceMonth.objects.get(month=D(2025, 3, 1))
    assert run.total == Decimal("500.00") and run.lines.count() == 1

    csv_path = tmp_path / "m.csv"
    call_command("export_allowances", "--month", "2025-03", "--output", str(csv_path), stdout=io.StringIO())
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["工号", "姓名", "所属网格", "计发证书", "月津贴(元)"]
    assert rows[1][0] == "wg9001" and rows[1][4] == "500.00" and "SW-A" in rows[1][3] and "PSY-A" in rows[1][3]
    assert len(rows) == 2  # 李四 has no allowance

    xlsx_path = tmp_path / "m.xlsx"
    call_command("export_allowances", "--month", "2025-03", "--output", str(xlsx_path), stdout=io.StringIO())
    book = load_workbook(xlsx_path)
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["工号", "姓名", "所属网格", "计发证书", "月津贴(元)"]
    assert isinstance(sheet["E2"].value, (int, float)) and sheet["E2"].value == 500
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, target_id="2025-03").count() == 2

    call_command("approve_allowances", "--month", "2025-03", stdout=io.StringIO())
    with pytest.raises(CommandError, match="已审批"):
        call_command("compute_allowances", "--month", "2025-03", stdout=io.StringIO())


def test_approve_empty_month_is_refused(people):
    call_command("compute_allowances", "--month", "2025-04", stdout=io.StringIO())
    with pytest.raises(CommandError, match="空月份"):
        call_command("approve_allowances", "--month", "2025-04", stdout=io.StringIO())


def test_bad_month_and_future_month(people):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("compute_allowances", "--month", "2025/13", stdout=io.StringIO())
    future = timezone.localdate().replace(day=1) + dt.timedelta(days=40)
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("compute_allowances", "--month", future.strftime("%Y-%m"), stdout=io.StringIO())


def test_verification_codes_never_start_with_a_dash(people, monkeypatch):
    # A code such as "-Xk…" would be read by argparse as an option of revoke_certificate.
    from certificates.services import common

    drawn = iter(["-" + "a" * 31, "b" * 32])
    monkeypatch.setattr(common.secrets, "token_urlsafe", lambda n: next(drawn))
    assert common.new_verification_code() == "b" * 32
