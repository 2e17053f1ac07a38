"""Steps the journeys of tests/journeys/test_journey_{new_worker,mentorship,case_search}.py share.

Each step drives the pages as the person would (click, fill, download); only `db_value` reads state
through `manage.py shell`, for what no page shows (the exam's right answers, for instance).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from tests.browser import login

# A grid of the demo's 临江市 (rs001 and px001 see the whole city).
GRID = "临江市/江北区/滨江街道/春晖社区/第一网格"
NEW_PASSWORD = "Xinmima#2026"
_serial = itertools.count(1)


def id_number(birth: dt.date = dt.date(1994, 5, 17)) -> str:
    """A fresh 18-digit 身份证号 with a valid GB 11643 check digit (a random 3-digit sequence)."""
    body = f"330102{birth:%Y%m%d}{random.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def fresh_employee_no(prefix: str) -> str:
    """An employee number no demo worker and no other journey uses."""
    return f"{prefix}{random.randint(1000, 9999)}{next(_serial)}"


def db_value(site, code: str):
    """Run `code` (which must `print(json.dumps(...))` one line) in the site's `manage.py shell`."""
    out = site.manage("shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def import_workers_on_page(page, base: str, rows: list[dict]) -> str:
    """HR's import: download the template, fill it from row 2 on, upload, check the preview, confirm.

    Returns the result card's text."""
    page.goto(base + "/imports/lms.workers/")
    with page.expect_download() as info:
        page.get_by_test_id("import-template").click()
    folder = Path(tempfile.mkdtemp(prefix="journey-import-"))
    template = folder / "template.xlsx"
    info.value.save_as(template)
    book = load_workbook(template)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)  # the template's example row goes, as the page says
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    filled = folder / "人员.xlsx"
    book.save(filled)
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="上传并检查").click()
    preview = page.get_by_test_id("import-preview")
    preview.wait_for()
    for row in rows:
        assert row["工号"] in preview.inner_text()
    page.get_by_test_id("import-confirm").click()
    result = page.get_by_test_id("import-result")
    result.wait_for()
    return result.inner_text()


def first_login(actors, employee_no: str, initial_password: str, *, phone: bool = True):
    """Log in with the initial password; the site insists on a new one; set it. Returns the page."""
    page = actors.new_page(employee_no, phone=phone)
    login(page, actors.base, employee_no, initial_password)
    assert "/password/set/" in page.url, f"首次登录没有要求设置密码：{page.url}"
    assert "您正在使用初始密码登录" in page.locator("body").inner_text()
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "/password/set/" not in page.url, page.locator("body").inner_text()[:500]
    assert "密码已设置" in page.locator("body").inner_text()
    return page


def imported_worker(site, actors, hr_page, *, prefix: str, name: str, roles: str = "网格员", hire_date=None) -> str:
    """Import one worker through HR's page; return the employee number (password set to NEW_PASSWORD)."""
    employee_no = fresh_employee_no(prefix)
    number = id_number()
    row = {
        "工号": employee_no,
        "姓名": name,
        "身份证号": number,
        "手机号": "",
        "所属网格": GRID,
        "入职日期": (hire_date or dt.date.today()).isoformat(),
        "角色": roles,
    }
    import_workers_on_page(hr_page, site.base, [row])
    first_login(actors, employee_no, number[-6:])
    return employee_no
