"""On a phone (375 px): HR uploads a 人员 file with errors, sees every 第N行, uploads a clean one,
checks the preview, confirms and sees the result."""

import pytest

from lms import roles
from lms.models import Worker
from tests.browser import login
from tests.factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "工号,姓名,身份证号,手机号,所属网格,入职日期,角色\n"
GRID = "测试市/甲区/甲街道/一社区/一网格"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_hr_imports_workers_on_a_phone(phone_page, live_server, city_tree, make_worker, tmp_path):
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    bad = tmp_path / "人员-有误.csv"
    bad.write_text(
        HEADER
        + f"N001,新人甲,{make_id_number(11)},,{GRID},,\nN002,,123,,{GRID},,\nN003,新人丙,{make_id_number(13)},,,,\n",
        encoding="utf-8-sig",
    )
    good = tmp_path / "人员.csv"
    good.write_text(
        HEADER
        + f"N001,新人甲,{make_id_number(11)},,{GRID},2026-11-02,\nN002,新人乙,{make_id_number(12)},,{GRID},,网格员\n",
        encoding="utf-8-sig",
    )
    page = phone_page
    login(page, live_server.url, hr.employee_no, "Test@12345")
    page.goto(live_server.url + "/hr/")
    page.locator("main a", has_text="导入人员").first.click()
    page.wait_for_url("**/imports/lms.workers/")
    assert page.evaluate(NO_OVERFLOW)

    page.set_input_files("input[type=file]", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-errors]")
    errors = page.inner_text("[data-testid=import-errors]")
    assert "第2行: 缺少姓名" in errors and "第2行: 身份证号“123”无效" in errors and "第3行: 缺少所属网格" in errors
    assert page.locator("[data-testid=import-confirm]").count() == 0
    assert page.evaluate(NO_OVERFLOW)
    assert not Worker.objects.filter(employee_no__startswith="N").exists()

    page.get_by_role("link", name="重新上传").click()
    page.wait_for_url("**/imports/lms.workers/")
    page.set_input_files("input[type=file]", str(good))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-preview]")
    assert "新增 2 条" in page.inner_text("[data-testid=import-preview]")
    assert page.evaluate(NO_OVERFLOW)
    assert not Worker.objects.filter(employee_no__startswith="N").exists()
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=import-result]")
    assert "新增 2" in page.inner_text("[data-testid=import-result]")
    assert page.evaluate(NO_OVERFLOW)
    assert Worker.objects.filter(employee_no__in=["N001", "N002"]).count() == 2
