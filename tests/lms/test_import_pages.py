"""批量导入 pages (lms.imports): template, preview with every 第N行 error, confirm, background job, owner-only."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lms import roles
from lms.import_kinds import WORKER_COLUMNS, WORKERS
from lms.models import AuditLog, ImportJob, Worker
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

GRID_A = "测试市/甲区/甲街道/一社区/一网格"
GRID_B = "测试市/甲区/乙街道/二社区/一网格"


def csv_upload(rows, name="人员.csv", headers=WORKER_COLUMNS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def worker_row(no, grid=GRID_A, n=None, name="新人"):
    return [no, name, make_id_number(n), "", grid, "2026-01-05", "网格员"]


@pytest.fixture
def hr(city_tree, make_worker):
    return make_worker(unit=city_tree["street_a"], role_codes={roles.HR}, employee_no="HRA")


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr.user)
    return client


def upload(client, kind, file, **data):
    return client.post(reverse("import_start", args=[kind]), {"file": file, **data})


def test_template_has_headers_and_an_example_row(hr_client):
    response = hr_client.get(reverse("import_template", args=[WORKERS]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(WORKER_COLUMNS)
    assert len(rows) == 2 and rows[1][0] == "GW0001"


def test_errors_show_every_row_and_write_nothing(hr_client):
    before = Worker.objects.count()
    file = csv_upload(
        [
            worker_row("N001", n=501),
            ["N002", "", "123", "", GRID_A, "", ""],
            worker_row("N003", n=503),
            ["N004", "缺网格", make_id_number(504), "", "", "", ""],
        ]
    )
    response = upload(hr_client, WORKERS, file)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_job", args=[job.pk])
    page = hr_client.get(response["Location"]).content.decode()
    assert job.status == ImportJob.Status.REJECTED
    assert "第2行: 缺少姓名" in page
    assert "第2行: 身份证号“123”无效" in page
    assert "第4行: 缺少所属网格" in page
    assert "第1行" not in page and "第3行" not in page
    assert "确认导入" not in page
    assert Worker.objects.count() == before


def test_clean_file_previews_then_confirm_writes(hr_client):
    before = Worker.objects.count()
    response = upload(hr_client, WORKERS, csv_upload([worker_row("N001", n=601), worker_row("N002", n=602)]))
    job = ImportJob.objects.get()
    page = hr_client.get(response["Location"]).content.decode()
    assert job.status == ImportJob.Status.READY
    assert "确认后将：新增 2 条，更新 0 条，未变化 0 条" in page
    assert "N002" in page  # the first rows are shown
    # The preview ran the service and rolled it back: nothing written, nothing logged.
    assert Worker.objects.count() == before
    assert not AuditLog.objects.filter(target_type="worker").exists()

    response = hr_client.post(reverse("import_job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert set(
        Worker.objects.filter(employee_no__in=["N001", "N002"]).values_list("org_unit__full_name", flat=True)
    ) == {GRID_A}
    assert "新增 2" in hr_client.get(reverse("import_job", args=[job.pk])).content.decode()

    # A second confirm (a double click, a replayed form) writes nothing more.
    hr_client.post(reverse("import_job_confirm", args=[job.pk]))
    assert Worker.objects.count() == before + 2
    assert AuditLog.objects.filter(target_type="worker").count() == 1


def test_rows_outside_the_uploaders_subtree_are_errors(hr_client, city_tree, make_worker):
    make_worker(unit=city_tree["grid_b"], employee_no="B001")
    file = csv_upload([worker_row("N001", n=701), worker_row("N002", grid=GRID_B, n=702), worker_row("B001", n=703)])
    upload(hr_client, WORKERS, file)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert any(line.startswith("第2行: 所属网格") and "管理范围" in line for line in job.errors)
    assert any(line.startswith("第3行: 工号“B001”是您管理范围以外的人员") for line in job.errors)
    assert not Worker.objects.filter(employee_no="N001").exists()


def test_large_file_goes_through_the_job_with_progress(hr_client, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_ROWS = 2
    rows = [worker_row(f"N{i:03d}", n=800 + i) for i in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload(hr_client, WORKERS, csv_upload(rows))
    assert len(callbacks) == 1  # the check was queued, not run in the request
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY and (job.done, job.total) == (5, 5)
    status = hr_client.get(reverse("import_job_status", args=[job.pk])).json()
    assert status["status"] == "ready" and status["percent"] == 100

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hr_client.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    status = hr_client.get(reverse("import_job_status", args=[job.pk])).json()
    assert status["status"] == "running" and (status["done"], status["total"]) == (0, 5)
    page = hr_client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and "正在写入" in page
    assert not Worker.objects.filter(employee_no="N001").exists()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.done == 5
    assert Worker.objects.filter(employee_no__startswith="N").count() == 5


def test_a_peer_gets_404_for_someone_elses_import(client, hr_client, city_tree, make_worker):
    upload(hr_client, WORKERS, csv_upload([worker_row("N001", n=901)]))
    job = ImportJob.objects.get()
    peer = make_worker(unit=city_tree["street_a"], role_codes={roles.HR}, employee_no="HRA2")
    client.force_login(peer.user)
    for name in ("import_job", "import_job_status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert not Worker.objects.filter(employee_no="N001").exists()
    assert "人员.csv" not in client.get(reverse("imports")).content.decode()


def test_a_trainee_may_not_open_the_workers_import(client, city_tree, make_worker):
    trainee = make_worker(unit=city_tree["grid_a"])
    client.force_login(trainee.user)
    assert client.get(reverse("import_start", args=[WORKERS])).status_code == 403
    assert client.get(reverse("import_template", args=[WORKERS])).status_code == 403
    assert client.get(reverse("imports")).status_code == 403


def test_wrong_format_is_refused_with_a_message(hr_client):
    response = upload(hr_client, WORKERS, SimpleUploadedFile("人员.pdf", b"%PDF"))
    assert response.status_code == 200
    assert "不支持的文件格式“.pdf”" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_hr_home_links_to_the_import_page_not_a_command(hr_client):
    page = hr_client.get(reverse("hr_home")).content.decode()
    assert reverse("import_start", args=[WORKERS]) in page
    assert "manage.py" not in page


def test_old_jobs_are_pruned_with_their_files(hr_client, settings):
    import datetime as dt

    from django.utils import timezone

    from lms.services_imports import import_jobs_prune

    upload(hr_client, WORKERS, csv_upload([worker_row("N001", n=951)]))
    job = ImportJob.objects.get()
    path = job.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path
    assert import_jobs_prune(now=timezone.now() + dt.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS + 1)) == 1
    assert not ImportJob.objects.exists()
    import os

    assert not os.path.exists(path)


def test_the_wagtail_admin_menu_links_trainers_to_the_import_pages(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert reverse("imports") in response.content.decode()
    page = client.get(reverse("imports")).content.decode()
    assert "导入题目" in page and "导入案例" in page and "导入人员" not in page


def test_confirm_checks_again_and_writes_nothing_when_the_data_changed(hr_client, city_tree, make_worker):
    file = csv_upload([worker_row("N001", n=961), worker_row("N002", n=962)])
    upload(hr_client, WORKERS, file)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    # after the preview, someone else registers N002's 身份证号 for another worker
    make_worker(unit=city_tree["grid_a"], employee_no="X001", id_number=make_id_number(962))
    hr_client.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors == ["第2行: 身份证号已属于工号“X001”的人员"]
    assert not Worker.objects.filter(employee_no__in=["N001", "N002"]).exists()


def test_an_unexpected_failure_is_a_chinese_message_and_writes_nothing(hr_client, monkeypatch):
    from lms import services

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "workers_import", broken)
    response = upload(hr_client, WORKERS, csv_upload([worker_row("N001", n=971)]))
    page = hr_client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert "导入时发生内部错误，没有写入任何数据" in page and "boom" not in page
