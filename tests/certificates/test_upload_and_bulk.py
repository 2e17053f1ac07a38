"""External qualification form (scan checked by content), bulk issuance job with progress, home cards."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.models import Certificate, IssuanceJob
from lms import roles
from lms.models import Notification

D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def hr(city_tree, make_worker):
    return make_worker(unit=city_tree["street_a"], role_codes={roles.HR})


def post_external(client, serial, scan, employee_no):
    return client.post(
        "/certificates/hr/external/new/",
        {
            "employee_no": employee_no,
            "certificate_type": "SW-2",
            "serial_no": serial,
            "issued_on": "2024-05-01",
            "valid_until": "",
            "issuer": "人力资源和社会保障部",
            "scan": scan,
        },
    )


def test_scan_checked_by_content_not_name(client, hr, city_tree, make_worker, media):
    worker = make_worker(unit=city_tree["grid_a"])
    client.force_login(hr.user)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_external(client, "SW-X1", fake, worker.employee_no)
    assert response.status_code == 200 and "按文件内容识别" in response.content.decode()
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (10 * 1024 * 1024), content_type="image/png")
    assert "10 MB" in post_external(client, "SW-X1", big, worker.employee_no).content.decode()
    assert not Certificate.objects.exists()
    good = SimpleUploadedFile("扫描件.jpg", PNG, content_type="image/jpeg")  # a PNG named .jpg is fine
    assert post_external(client, "SW-X1", good, worker.employee_no).status_code == 302
    cert = Certificate.objects.get(serial_no="SW-X1")
    assert cert.scan and cert.source == "external" and cert.worker == worker


def test_hr_cannot_record_for_worker_outside_subtree(client, hr, city_tree, make_worker, media):
    outsider = make_worker(unit=city_tree["grid_b"])
    client.force_login(hr.user)
    response = post_external(
        client,
        "SW-X2",
        SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        outsider.employee_no,
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils 未安装")
def test_bulk_issuance_job_with_progress_and_batch_pdf(
    client, hr, city_tree, make_worker, media, private_media, django_capture_on_commit_callbacks, settings
):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    workers = [make_worker(unit=city_tree["grid_a"]) for _ in range(4)]
    client.force_login(hr.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/certificates/hr/issue/",
            {
                "title": "2025年第二期岗前培训结业",
                "certificate_type": "COURSE",
                "issued_on": "2025-06-30",
                "source_label": "完成2025年第二期网格员岗前培训",
                "employee_nos": "\n".join(w.employee_no for w in workers),
            },
        )
    job = IssuanceJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    status = client.get(f"/certificates/hr/jobs/{job.pk}/status/").json()
    assert status == {
        "status": "done",
        "status_label": "已完成",
        "done": 4,
        "total": 4,
        "percent": 100,
        "batch_ready": True,
    }
    certs = list(job.certificates.all())
    assert len(certs) == 4 and all((private_media / c.pdf_path).exists() for c in certs)
    assert len({c.serial_no for c in certs}) == 4
    batch = client.get(f"/certificates/hr/jobs/{job.pk}/batch.pdf")
    path = private_media / "downloaded-batch.pdf"
    path.write_bytes(b"".join(batch.streaming_content))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+4$", info, re.M), info
    assert Notification.objects.filter(recipient=workers[0].user, title__contains="结业证书").exists()


def test_bulk_issue_refuses_workers_outside_subtree(client, hr, city_tree, make_worker):
    outsider = make_worker(unit=city_tree["grid_b"])
    client.force_login(hr.user)
    response = client.post(
        "/certificates/hr/issue/",
        {
            "title": "x",
            "certificate_type": "COURSE",
            "issued_on": "2025-06-30",
            "employee_nos": outsider.employee_no,
        },
    )
    assert "不在您的管辖范围内" in response.content.decode() and not IssuanceJob.objects.exists()


def test_my_certificates_and_home_cards(client, city_tree, make_worker, make_cert, hr):
    worker = make_worker(unit=city_tree["grid_a"])
    peer = make_worker(unit=city_tree["grid_a"])
    cert = make_cert(worker, "PSY", D(2023, 1, 1), serial_no="PSY-MINE")
    make_cert(peer, "PSY", D(2023, 1, 1), serial_no="PSY-PEER")
    client.force_login(worker.user)
    page = client.get("/certificates/mine/").content.decode()
    assert "PSY-MINE" in page and "PSY-PEER" not in page
    assert f"/verify/{cert.verification_code}/" in page and f"/certificates/{cert.verification_code}.pdf" in page
    assert "我的证书" in client.get("/me/").content.decode()
    client.force_login(hr.user)
    assert "证书与津贴" in client.get("/hr/").content.decode()


def test_bulk_issue_to_an_org_unit_takes_its_trainees_only_within_scope(
    client, hr, city_tree, make_worker, media, django_capture_on_commit_callbacks, settings
):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    inside = [make_worker(unit=city_tree["grid_a"]), make_worker(unit=city_tree["grid_a2"])]
    make_worker(unit=city_tree["grid_b"])  # another street: not HR's
    client.force_login(hr.user)
    assert (
        client.post(
            "/certificates/hr/issue/",
            {
                "title": "x",
                "certificate_type": "COURSE",
                "issued_on": "2025-06-30",
                "org_unit": city_tree["grid_b"].pk,
            },
        ).status_code
        == 200
    )  # a unit outside HR's subtree is not a valid choice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/certificates/hr/issue/",
            {
                "title": "甲街道全体结业",
                "certificate_type": "COURSE",
                "issued_on": "2025-06-30",
                "org_unit": city_tree["street_a"].pk,
            },
        )
    assert response.status_code == 302
    job = IssuanceJob.objects.get()
    assert sorted(job.worker_ids) == sorted(w.pk for w in inside)
    assert job.status == "done" and job.done == 2
