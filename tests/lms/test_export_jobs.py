"""On-screen exports run as background jobs: progress, the same file as the writer, owner-only access, audit."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from certificates.models import Incentive
from certificates.services import (
    allowance_month_compute,
    allowances_export,
    certificate_register_export,
    incentive_award,
)
from lms import exports, roles
from lms.access import EVERYONE
from lms.models import AuditLog, ExportJob
from lms.services import EXPORT_FAILED_MESSAGE, export_job_start
from tests.certificates.conftest import default_types, make_cert  # noqa: F401  (fixtures)
from tests.exports import export_through_job

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(city_tree, make_worker, make_cert):  # noqa: F811
    a = make_worker(unit=city_tree["grid_a"], employee_no="A001", name="甲一")
    a2 = make_worker(unit=city_tree["grid_a2"], employee_no="A002", name="甲二")
    b = make_worker(unit=city_tree["grid_b"], employee_no="B001", name="乙一")
    make_cert(a, "SW-3", D(2024, 1, 1), serial_no="SW3-A")
    make_cert(a2, "PSY", D(2024, 1, 1), serial_no="PSY-A2")
    make_cert(b, "PSY", D(2024, 1, 1), serial_no="PSY-B")
    allowance_month_compute(month=D(2025, 3, 1))
    incentive_award(worker=a, kind=Incentive.Kind.ANNUAL_EXCELLENT, month=D(2025, 3, 1), reason="2024年度考核优秀")
    return {
        "a": a,
        "street_hr": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "peer_hr": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "trainee": a2,
    }


def _start(client, url, capture, data=None):
    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302
    return ExportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    # docProps/core.xml holds the moment the workbook was written; every other part must match.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_allowance_csv_job_runs_to_done_with_the_writers_bytes(client, people, django_capture_on_commit_callbacks):
    hr = people["street_hr"]
    client.force_login(hr.user)
    job = _start(client, "/certificates/hr/allowances/2025-03/export.csv", django_capture_on_commit_callbacks)
    assert job.status == ExportJob.Status.DONE and job.error == ""
    assert job.done == job.total == 2  # 甲一 and 甲二; 乙一 is outside 甲街道
    assert job.file_name == "津贴发放表-2025-03.csv" and job.started_at and job.finished_at
    synchronous = io.StringIO()
    allowances_export(month=D(2025, 3, 1), output=synchronous, fmt="csv", viewer=hr.user, with_incentives=True)
    response = client.get(reverse("export_job_download", args=[job.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == synchronous.getvalue().encode("utf-8")


def test_xlsx_jobs_match_the_writer_part_by_part(client, people, django_capture_on_commit_callbacks):
    hr = people["street_hr"]
    client.force_login(hr.user)
    _, _, allowances = export_through_job(client, "/certificates/hr/allowances/2025-03/export.xlsx")
    synchronous = io.BytesIO()
    allowances_export(month=D(2025, 3, 1), output=synchronous, fmt="xlsx", viewer=hr.user, with_incentives=True)
    assert _xlsx_parts(allowances) == _xlsx_parts(synchronous.getvalue())
    job, _, register = export_through_job(client, "/certificates/hr/exports/register.xlsx")
    synchronous = io.BytesIO()
    certificate_register_export(output=synchronous, fmt="xlsx", viewer=hr.user)
    assert _xlsx_parts(register) == _xlsx_parts(synchronous.getvalue())
    assert job.done == job.total == 2


def test_writer_reports_progress_and_the_job_stores_it(people, django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    allowances_export(
        month=D(2025, 3, 1),
        output=io.StringIO(),
        fmt="csv",
        viewer=EVERYONE,
        with_incentives=True,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and calls[0][0] == 1
    assert calls[-1] == (3, 3)

    seen = []

    def run(job, output, progress):
        for done in range(1, 6):
            progress(done, 5)
            seen.append(ExportJob.objects.values_list("status", "done", "total").get(pk=job.pk))
        output.write(b"ok")
        return exports.ExportResult(file_name="测试.csv", content_type="text/csv; charset=utf-8")

    monkeypatch.setitem(exports._registry, "test.progress", exports.ExportKind("test.progress", "测试导出", run))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(user=people["street_hr"].user, kind="test.progress")
    assert seen == [("running", n, 5) for n in range(1, 6)]
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done == job.total == 5 and job.title == "测试导出"
    assert job.file.read() == b"ok"


def test_a_failing_writer_ends_as_failed_with_a_chinese_message_and_no_file(
    people, media, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(job, output, progress):
        progress(1, 10)
        output.write(b"half a file")
        raise RuntimeError("disk on fire")

    def refused(job, output, progress):
        raise exports.ExportError("该月份津贴尚未计算")

    monkeypatch.setitem(exports._registry, "test.broken", exports.ExportKind("test.broken", "坏的导出", broken))
    monkeypatch.setitem(exports._registry, "test.refused", exports.ExportKind("test.refused", "被拒的导出", refused))
    user = people["street_hr"].user
    with django_capture_on_commit_callbacks(execute=True):
        crashed = export_job_start(user=user, kind="test.broken")
        declined = export_job_start(user=user, kind="test.refused")
    crashed.refresh_from_db()
    declined.refresh_from_db()
    assert crashed.status == declined.status == ExportJob.Status.FAILED
    assert crashed.error == EXPORT_FAILED_MESSAGE and "disk" not in crashed.error
    assert declined.error == "该月份津贴尚未计算"
    assert not crashed.file and not declined.file and crashed.finished_at
    assert not (Path(media) / "exports").exists() or not any((Path(media) / "exports").rglob("*.*"))
    with pytest.raises(exports.ExportError, match="未知的导出类型"):
        export_job_start(user=user, kind="no.such.kind")


def test_only_the_requester_sees_the_job_its_status_and_its_file(
    client, people, django_capture_on_commit_callbacks, django_user_model
):
    client.force_login(people["street_hr"].user)
    job = _start(client, "/certificates/hr/exports/register.csv", django_capture_on_commit_callbacks)
    urls = [reverse(name, args=[job.pk]) for name in ("export_job", "export_job_status", "export_job_download")]
    for url in urls:
        assert client.get(url).status_code == 200, url
    admin = django_user_model.objects.create_superuser("root", password="x")
    for user in (people["peer_hr"].user, people["trainee"].user, admin):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.logout()
    assert client.get(urls[2]).status_code == 302  # to the login page
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 1  # the requester's one download


def test_trainee_cannot_start_hr_exports_and_get_is_refused(client, people):
    client.force_login(people["trainee"].user)
    for url in (
        "/certificates/hr/allowances/2025-03/export.xlsx",
        "/certificates/hr/exports/register.csv",
        "/certificates/hr/exports/incentives.xlsx",
    ):
        assert client.post(url).status_code == 404, url
    client.force_login(people["street_hr"].user)
    assert client.get("/certificates/hr/exports/register.csv").status_code == 405  # starting a job is a POST
    assert client.post("/certificates/hr/exports/register.pdf").status_code == 404
    # A month never computed: back to the month list with the reason, and no job.
    response = client.post("/certificates/hr/allowances/2031-01/export.csv", follow=True)
    assert "2031年1月津贴尚未计算" in [str(m) for m in response.context["messages"]]
    assert not ExportJob.objects.exists()


def test_the_job_runs_with_the_requesters_role_and_scope_at_run_time(
    client, people, django_capture_on_commit_callbacks
):
    hr = people["street_hr"]
    client.force_login(hr.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/certificates/hr/exports/register.csv")
    hr.user.groups.clear()  # HR role taken away before the queued job runs
    for callback in callbacks:
        callback()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "人事" in job.error and not job.file


def test_download_writes_the_audit_row_the_synchronous_export_wrote(client, people, django_capture_on_commit_callbacks):
    hr = people["street_hr"]
    client.force_login(hr.user)
    job = _start(client, "/certificates/hr/allowances/2025-03/export.xlsx", django_capture_on_commit_callbacks)
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()  # nothing has left the server yet
    client.get(reverse("export_job_download", args=[job.pk]))
    row = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert row.actor == hr.user and row.target_type == "allowance_month" and row.target_id == "2025-03"
    assert row.ip_address == "127.0.0.1"
    assert row.detail == {
        "rows": 2,
        "format": "xlsx",
        "scope": hr.org_unit.full_name,
        "incentives": True,
        "status": "draft",
        "export_job": job.pk,
    }
    client.get(reverse("export_job_download", args=[job.pk]))
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=hr.user).count() == 2


def test_pages_are_in_chinese_and_the_status_is_json(client, people, django_capture_on_commit_callbacks):
    user = people["street_hr"].user
    client.force_login(user)
    queued = ExportJob.objects.create(
        requested_by=user, kind="certificates.register", title="持证登记表（Excel）", params={"fmt": "xlsx"}
    )
    page = client.get(reverse("export_job", args=[queued.pk])).content.decode()
    assert "持证登记表（Excel）" in page and "排队中" in page and "导出进度" in page and "export-bar" in page
    status = client.get(reverse("export_job_status", args=[queued.pk])).json()
    assert status["status_label"] == "排队中" and status["ready"] is False and status["download_url"] == ""
    assert client.get(reverse("export_job_download", args=[queued.pk])).status_code == 404

    job = _start(
        client,
        "/certificates/hr/allowances/2025-03/export.xlsx",
        django_capture_on_commit_callbacks,
    )
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "2025年3月津贴发放表（Excel）" in page and "已完成" in page and "下载 津贴发放表-2025-03.xlsx" in page
    status = client.get(reverse("export_job_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "已完成",
        "done": 2,
        "total": 2,
        "percent": 100,
        "ready": True,
        "download_url": reverse("export_job_download", args=[job.pk]),
        "file_name": "津贴发放表-2025-03.xlsx",
        "error": "",
    }
    screen = client.get("/certificates/hr/allowances/2025-03/").content.decode()
    assert (
        'method="post" action="/certificates/hr/allowances/2025-03/export.xlsx"' in screen
        and "csrfmiddlewaretoken" in screen
    )


# --- 我的导出 -------------------------------------------------------------------------------------


def test_my_exports_lists_only_my_jobs_newest_first_with_download_links_only_when_done(
    client, people, django_capture_on_commit_callbacks
):
    hr, peer = people["street_hr"].user, people["peer_hr"].user
    client.force_login(hr)
    done = _start(client, "/certificates/hr/exports/register.csv", django_capture_on_commit_callbacks)
    pending = ExportJob.objects.create(requested_by=hr, kind="certificates.allowances", title="排队的发放表")
    failed = ExportJob.objects.create(
        requested_by=hr, kind="courses.compliance", title="失败的报表", status=ExportJob.Status.FAILED, error="已不存在"
    )
    theirs = ExportJob.objects.create(requested_by=peer, kind="certificates.register", title="同事的登记表")
    page = client.get(reverse("export_jobs")).content.decode()
    assert page.index("失败的报表") < page.index("排队的发放表") < page.index("持证登记表（CSV）")  # newest first
    assert "同事的登记表" not in page and reverse("export_job", args=[theirs.pk]) not in page
    for job in (done, pending, failed):
        assert reverse("export_job", args=[job.pk]) in page
    assert reverse("export_job_download", args=[done.pk]) in page and "下载 持证登记表.csv" in page
    assert reverse("export_job_download", args=[pending.pk]) not in page
    assert reverse("export_job_download", args=[failed.pk]) not in page
    assert "津贴发放表" in page and "学时达标报表" in page and "持证登记表" in page  # kind labels
    assert "已完成" in page and "排队中" in page and "失败" in page and "已不存在" in page
    assert reverse("export_job_status", args=[pending.pk]) in page  # a running row follows its job
    # A peer asking for my job by id gets 404; their own list does not show it either.
    client.force_login(peer)
    for name in ("export_job", "export_job_status", "export_job_download"):
        assert client.get(reverse(name, args=[done.pk])).status_code == 404
    page = client.get(reverse("export_jobs")).content.decode()
    assert "同事的登记表" in page and "持证登记表（CSV）" not in page and "排队的发放表" not in page


def test_my_exports_is_paginated_and_needs_a_login(client, people):
    user = people["street_hr"].user
    ExportJob.objects.bulk_create(
        [ExportJob(requested_by=user, kind="certificates.register", title=f"导出{n:02d}") for n in range(25)]
    )
    client.force_login(user)
    first = client.get(reverse("export_jobs")).content.decode()
    second = client.get(reverse("export_jobs") + "?page=2").content.decode()
    assert first.count('data-testid="export-row-') == 20 and second.count('data-testid="export-row-') == 5
    assert "第 1/2 页，共 25 个" in first
    client.logout()
    assert client.get(reverse("export_jobs")).status_code == 302


def test_my_exports_is_linked_for_those_who_can_export(client, people, city_tree, make_worker):
    link = f'href="{reverse("export_jobs")}"'
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    manager = make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER})
    for user in (people["street_hr"].user, trainer.user, manager.user):
        client.force_login(user)
        assert link in client.get(reverse("notifications")).content.decode()
    client.force_login(people["trainee"].user)
    assert link not in client.get(reverse("notifications")).content.decode()
    # … and from where exports start, and from a job's own page
    client.force_login(people["street_hr"].user)
    for url in ("/certificates/hr/", "/certificates/hr/allowances/2025-03/"):
        assert link in client.get(url).content.decode(), url
    job = ExportJob.objects.create(requested_by=people["street_hr"].user, kind="certificates.register", title="x")
    assert link in client.get(reverse("export_job", args=[job.pk])).content.decode()
