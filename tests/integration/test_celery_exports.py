"""A real Celery worker writes an on-screen export enqueued after commit (.ci/run's third stage)."""

import datetime as dt

import pytest
from django.db import transaction

from certificates.defaults import ensure_default_types
from certificates.models import AllowanceRate, Certificate, CertificateType
from certificates.services import allowance_month_compute
from lms import roles
from lms.models import ExportJob
from lms.services import export_job_start
from tests.integration.test_celery_worker import celery_worker_process, wait_for_worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_writes_the_allowance_export_with_progress(celery_worker_process, city_tree, make_worker):  # noqa: F811
    ensure_default_types(CertificateType, AllowanceRate)
    psy = CertificateType.objects.get(code="PSY")
    for n in range(30):
        holder = make_worker(unit=city_tree["grid_a"], employee_no=f"EXP{n:03d}")
        Certificate.objects.create(
            worker=holder,
            certificate_type=psy,
            serial_no=f"EXP-PSY-{n}",
            verification_code=f"exp{n:03d}".ljust(32, "x"),
            issued_on=dt.date(2024, 1, 1),
            issuer="测试发证机关",
            source=Certificate.Source.EXTERNAL,
        )
    allowance_month_compute(month=dt.date(2025, 3, 1))
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    with transaction.atomic():
        job = export_job_start(user=hr.user, kind="certificates.allowances", params={"fmt": "csv", "month": "2025-03"})
        assert ExportJob.objects.get(pk=job.pk).status == "pending"

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_for_worker(celery_worker_process, finished)
    try:
        assert job.status == "done", job.error
        assert job.done == job.total == 30
        with job.file.open("rb") as handle:
            body = handle.read().decode("utf-8")
        assert body.startswith("\ufeff工号,姓名") and body.count("\r\n") == 31
    finally:
        if job.file:
            job.file.delete(save=False)
