"""On a phone: 我的证书 lists the certificate with its share link, and the public page verifies it."""

import datetime as dt

import pytest

from certificates.services import certificate_issue
from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_certificates_and_public_verification_on_a_phone(
    phone_page, live_server, city_tree, make_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE}, name="欧阳明月")
    certificate = certificate_issue(
        worker=worker, type_code="COURSE", issued_on=dt.date(2025, 6, 30), source_label="完成岗前培训"
    )
    login(phone_page, live_server.url, worker.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/certificates/mine/")
    assert "结业证书" in phone_page.locator("h2").first.inner_text()
    share = phone_page.get_by_test_id("share-link").inner_text().strip()
    assert share.endswith(f"/verify/{certificate.verification_code}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    with phone_page.expect_response(lambda r: r.url.endswith(".pdf")) as pdf:
        phone_page.evaluate("url => fetch(url)", live_server.url + f"/certificates/{certificate.verification_code}.pdf")
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"

    phone_page.context.clear_cookies()
    phone_page.goto(share)
    assert phone_page.get_by_test_id("verify-status").inner_text() == "有效"
    body = phone_page.content()
    assert "欧**月" in body and "欧阳明月" not in body
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(tmp_path / "verify.png"))


def test_bulk_issuance_progress_page_follows_the_job_on_a_phone(phone_page, live_server, city_tree, make_worker):
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceRate, CertificateType, IssuanceJob

    ensure_default_types(CertificateType, AllowanceRate)
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    job = IssuanceJob.objects.create(
        title="岗前培训结业批次",
        certificate_type=CertificateType.objects.get(code="COURSE"),
        issued_on=dt.date(2025, 6, 30),
        created_by=hr.user,
        org_unit=city_tree["street_a"],
    )
    login(phone_page, live_server.url, hr.employee_no, "Test@12345")
    phone_page.goto(live_server.url + f"/certificates/hr/jobs/{job.pk}/")
    assert phone_page.locator("#job-status").inner_text() == "排队中"
    assert not phone_page.locator("#job-batch").is_visible()
    IssuanceJob.objects.filter(pk=job.pk).update(status=IssuanceJob.Status.RUNNING, done=3, total=10)
    phone_page.wait_for_function("document.getElementById('job-count').textContent === '3/10'")
    assert phone_page.locator("#job-status").inner_text() == "进行中"
    IssuanceJob.objects.filter(pk=job.pk).update(
        status=IssuanceJob.Status.DONE, done=10, batch_pdf="certificates/batch/1.pdf"
    )
    phone_page.locator("#job-batch").wait_for(state="visible")
    assert phone_page.locator("#job-status").inner_text() == "已完成"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_verification_link_is_shown_whole_and_copied_with_one_tap(
    phone_page, live_server, city_tree, make_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE})
    certificate = certificate_issue(worker=worker, type_code="COURSE", issued_on=dt.date(2025, 6, 30))
    expected = f"{live_server.url}/verify/{certificate.verification_code}/"
    phone_page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(phone_page, live_server.url, worker.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/certificates/mine/")
    link = phone_page.get_by_test_id("share-link")
    # The whole link is on the page, wrapped inside the 375 px screen rather than cut off.
    assert link.inner_text().strip() == expected
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.get_by_test_id("copy-status").inner_text() == ""
    phone_page.get_by_test_id("copy-link").click()
    phone_page.wait_for_function("document.querySelector('[data-testid=copy-status]').textContent !== ''")
    assert phone_page.get_by_test_id("copy-status").inner_text() == "已复制"
    assert phone_page.evaluate("navigator.clipboard.readText()") == expected


def test_copying_falls_back_to_selecting_the_link_without_the_clipboard_api(
    phone_page, live_server, city_tree, make_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE})
    certificate = certificate_issue(worker=worker, type_code="COURSE", issued_on=dt.date(2025, 6, 30))
    # A browser without navigator.clipboard (an older WebView): the old copy command does the work.
    phone_page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    login(phone_page, live_server.url, worker.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/certificates/mine/")
    phone_page.get_by_test_id("copy-link").click()
    phone_page.wait_for_function("document.querySelector('[data-testid=copy-status]').textContent !== ''")
    assert phone_page.get_by_test_id("copy-status").inner_text() in {"已复制", "已选中链接，请长按或按 Ctrl+C 复制"}
    # Either way the link is left selected, so a long press copies it if the command was refused.
    selected = phone_page.evaluate("window.getSelection().toString().trim()")
    assert selected.endswith(f"/verify/{certificate.verification_code}/")
