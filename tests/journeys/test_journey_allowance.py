"""Journey 5, the monthly allowance (docs/rules.md §8–9, docs/guides/hr.md): HR imports external
qualifications on /imports/, computes last month's allowance, approves it after the confirmation
page, downloads the 发放表 and finds in it the total the screen showed and each new holder's line
as the rules make it (highest of a series only; a certificate counts only when valid every day)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import openpyxl
import pytest

from tests.journeys.steps_b import make_workers

pytestmark = pytest.mark.browser

# Monthly standards of the default types (docs/rules.md §8).
RATE = {"SW-1": Decimal(200), "SW-2": Decimal(300), "SW-3": Decimal(500), "PSY": Decimal(200), "ERS": Decimal(200)}


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def money(text: str) -> Decimal:
    match = re.search(r"-?[\d,]+\.\d{2}", text)
    assert match, f"没有金额：{text!r}"
    return Decimal(match.group(0).replace(",", ""))


def test_hr_imports_qualifications_computes_approves_and_exports(journey_site, actors, tmp_path):
    # Last month: the demo computes it but leaves it for HR to approve (certificates/demo.py), and
    # it is over, so it may be approved. A fresh site gives the same month again.
    month = previous_month(dt.date.today())
    first = month
    mid = first + dt.timedelta(days=14)
    holders = (("jba0001", "津贴甲"), ("jba0002", "津贴乙"), ("jba0003", "津贴丙"))
    make_workers(
        journey_site,
        [{"employee_no": no, "name": name, "like": "wg0005", "hire": "2020-03-01"} for no, name in holders],
    )

    # 甲 holds two of the SW series: only the higher (SW-2) is paid. 乙 holds two kinds: both paid.
    # 丙's SW-3 runs out in the middle of the month and the ERS starts after its first day: nothing.
    rows = [
        ("jba0001", "SW-1", "JB-SW1-0001", "2022-04-10", ""),
        ("jba0001", "SW-2", "JB-SW2-0001", "2024-06-01", ""),
        ("jba0002", "PSY", "JB-PSY-0002", "2023-05-01", ""),
        ("jba0002", "ERS", "JB-ERS-0002", "2024-02-01", (first + dt.timedelta(days=800)).isoformat()),
        ("jba0003", "SW-3", "JB-SW3-0003", "2021-01-05", mid.isoformat()),
        ("jba0003", "ERS", "JB-ERS-0003", (first + dt.timedelta(days=1)).isoformat(), ""),
    ]
    expected = {"jba0001": RATE["SW-2"], "jba0002": RATE["PSY"] + RATE["ERS"]}
    upload = tmp_path / "资格证书.csv"
    lines = ["工号,证书类型,证书编号,发证日期,有效期至,发证机关"]
    lines += [",".join([*row, ""]) for row in rows]
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    hr = actors.log_in("rs001", phone=False)
    hr.goto(journey_site.base + "/imports/")
    hr.get_by_role("link", name=re.compile("导入证书")).click()
    hr.set_input_files("[data-testid=import-form] input[type=file]", str(upload))
    hr.get_by_role("button", name="上传并检查").click()
    preview = hr.get_by_test_id("import-preview")
    assert "6" in preview.locator("h2").inner_text(), preview.inner_text()
    hr.get_by_test_id("import-confirm").click()
    assert "导入完成" in hr.get_by_test_id("import-result").inner_text()

    # Compute the month on the allowance page.
    hr.goto(journey_site.base + "/certificates/hr/allowances/")
    hr.fill("input[name=month]", f"{month:%Y-%m}")
    hr.get_by_role("button", name="计算", exact=True).click()
    assert f"{month.year}年{month.month}月津贴已计算" in hr.locator(".messages").inner_text()
    stats = hr.locator(".stats .stat")
    count_on_screen = int(stats.nth(0).locator("strong").inner_text())
    total_on_screen = money(stats.nth(1).locator("strong").inner_text())
    assert "临江市" in stats.nth(1).inner_text()  # the scope is named on the label
    table = hr.locator("table").first
    for no, amount in expected.items():
        row = table.locator("tr", has_text=no)
        assert row.count() == 1, f"{no} 不在明细中"
        assert money(row.locator("td").last.inner_text()) == amount
    assert table.locator("tr", has_text="jba0003").count() == 0

    # Approve: the confirmation page repeats the numbers; approving freezes the month.
    hr.get_by_role("link", name="审批并冻结…").click()
    assert money(hr.get_by_test_id("confirm-total").inner_text()) == total_on_screen
    assert hr.get_by_test_id("confirm-count").inner_text() == f"{count_on_screen} 人"
    hr.get_by_test_id("confirm-submit").click()
    assert "已审批" in hr.locator("h1").inner_text()

    # The 发放表 is made in the background; the job page offers the file when it is ready.
    hr.get_by_role("button", name="导出发放表（Excel）").click()
    link = hr.locator("#export-link")
    link.wait_for(state="visible", timeout=60000)
    with hr.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"津贴发放表-{month:%Y-%m}.xlsx"
    path = tmp_path / "payout.xlsx"
    download.save_as(path)

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    by_no = {row[column["工号"]]: row for row in body}
    allowance = sum(Decimal(str(row[column["月津贴(元)"]])) for row in body)
    assert allowance.quantize(Decimal("0.01")) == total_on_screen
    for no, amount in expected.items():
        assert Decimal(str(by_no[no][column["月津贴(元)"]])) == amount
    # The basis names the certificate paid for, and only that one of the series.
    assert "JB-SW2-0001" in by_no["jba0001"][column["计发证书"]]
    assert "JB-SW1-0001" not in by_no["jba0001"][column["计发证书"]]
    assert "jba0003" not in by_no
