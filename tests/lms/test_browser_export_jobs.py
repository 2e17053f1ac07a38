"""On a phone: HR starts the allowance export, lands on its progress page and downloads the file."""

import datetime as dt

import pytest

from certificates.models import Certificate, CertificateType
from certificates.services import allowance_month_compute
from lms import roles
from lms.models import ExportJob
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_job_page_on_a_phone(phone_page, live_server, city_tree, make_worker, settings, tmp_path):
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceRate

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_types(CertificateType, AllowanceRate)
    holder = make_worker(unit=city_tree["grid_a"], employee_no="A001", name="甲一")
    Certificate.objects.create(
        worker=holder,
        certificate_type=CertificateType.objects.get(code="PSY"),
        serial_no="PSY-1",
        verification_code="v" * 32,
        issued_on=dt.date(2024, 1, 1),
        issuer="测试发证机关",
        source=Certificate.Source.EXTERNAL,
    )
    allowance_month_compute(month=dt.date(2025, 3, 1))
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    login(phone_page, live_server.url, hr.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/certificates/hr/allowances/2025-03/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.get_by_role("button", name="导出发放表（Excel）").click()
    phone_page.wait_for_url("**/exports/*/")
    assert "已完成" in phone_page.locator("#export-status").inner_text()
    link = phone_page.locator("#export-link")
    assert link.is_visible() and "津贴发放表-2025-03.xlsx" in link.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(tmp_path / "export-done.png"))
    with phone_page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "津贴发放表-2025-03.xlsx"

    queued = ExportJob.objects.create(
        requested_by=hr.user, kind="certificates.register", title="持证登记表（Excel）", params={"fmt": "xlsx"}
    )
    phone_page.goto(live_server.url + f"/exports/{queued.pk}/")
    assert phone_page.locator("#export-status").inner_text() == "排队中"
    assert not phone_page.locator("#export-link").is_visible()
    ExportJob.objects.filter(pk=queued.pk).update(status=ExportJob.Status.RUNNING, done=40, total=100)
    phone_page.wait_for_function("document.getElementById('export-count').textContent === '40/100'")
    assert phone_page.locator("#export-status").inner_text() == "进行中"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(tmp_path / "export-running.png"))

    # 我的导出, from the top bar: both jobs, the finished one with its file; the running one's
    # download link appears when it finishes.
    phone_page.get_by_test_id("my-exports").click()
    phone_page.wait_for_url("**/exports/")
    rows = phone_page.locator(".export-list > li")
    assert rows.count() == 2
    running = phone_page.get_by_test_id(f"export-row-{queued.pk}")
    assert "进行中" in running.inner_text() and not running.get_by_role("link", name="下载").first.is_visible()
    assert phone_page.get_by_role("link", name="下载 津贴发放表-2025-03.xlsx").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    from django.core.files.base import ContentFile

    queued.refresh_from_db()
    queued.file.save("持证登记表.xlsx", ContentFile(b"PK"), save=False)
    ExportJob.objects.filter(pk=queued.pk).update(
        status=ExportJob.Status.DONE, done=100, total=100, file=queued.file.name, file_name="持证登记表.xlsx"
    )
    link = running.get_by_role("link", name="下载 持证登记表.xlsx")
    link.wait_for(state="visible")
    assert link.get_attribute("href") == f"/exports/{queued.pk}/download/"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(tmp_path / "my-exports.png"), full_page=True)
