"""证书/资格 import page: HR registers external qualifications of their own scope through the command's service."""

import pytest
from django.urls import reverse

from certificates.imports import COLUMNS, QUALIFICATIONS
from certificates.models import Certificate
from lms import roles
from lms.models import ImportJob
from tests.lms.test_import_pages import csv_upload

pytestmark = pytest.mark.django_db

PAGE = reverse("import_start", args=[QUALIFICATIONS])


@pytest.fixture
def hr_client(client, city_tree, make_worker):
    make_worker(unit=city_tree["grid_a"], employee_no="A001")
    make_worker(unit=city_tree["grid_b"], employee_no="B001")
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    client.force_login(hr.user)
    return client


def test_rows_outside_scope_or_wrong_are_listed_and_nothing_is_written(hr_client):
    rows = [
        ["A001", "SW-2", "SW2-001", "2025-06-30", "", ""],
        ["B001", "SW-2", "SW2-002", "2025-06-30", "", ""],
        ["A001", "XX", "SW2-003", "2025-06-30", "", ""],
    ]
    response = hr_client.post(PAGE, {"file": csv_upload(rows, name="c.csv", headers=COLUMNS)})
    html = hr_client.get(response["Location"]).content.decode()
    assert "第2行: 工号“B001”是您管理范围以外的人员" in html
    assert "第3行: 未知证书类型“XX”" in html
    assert not Certificate.objects.exists()


def test_a_clean_file_previews_then_registers(hr_client):
    rows = [["A001", "SW-2", "SW2-001", "2025-06-30", "", ""]]
    response = hr_client.post(PAGE, {"file": csv_upload(rows, name="c.csv", headers=COLUMNS)})
    assert "确认后将：新增 1 条，未变化 0 条" in hr_client.get(response["Location"]).content.decode()
    assert not Certificate.objects.exists()
    job = ImportJob.objects.get()
    hr_client.post(reverse("import_job_confirm", args=[job.pk]))
    cert = Certificate.objects.get()
    assert (cert.worker.employee_no, cert.serial_no, cert.source) == ("A001", "SW2-001", Certificate.Source.EXTERNAL)
