"""A real Celery worker runs a bulk certificate issuance enqueued after commit (.ci/run's third stage)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certificates.defaults import ensure_default_types
from certificates.models import AllowanceRate, CertificateType, IssuanceJob
from certificates.services import issuance_job_create
from tests.integration.test_celery_worker import celery_worker_process, wait_for_worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_runs_bulk_issuance_with_progress(celery_worker_process, city_tree, make_worker):  # noqa: F811
    ensure_default_types(CertificateType, AllowanceRate)
    workers = [make_worker(unit=city_tree["grid_a"]) for _ in range(25)]
    with transaction.atomic():
        job = issuance_job_create(
            title="集成测试批次", type_code="COURSE", issued_on=timezone.localdate(), workers=workers
        )
        assert IssuanceJob.objects.get(pk=job.pk).status == "pending"

    def finished():
        job.refresh_from_db()
        return job.status in ("done", "failed")

    wait_for_worker(celery_worker_process, finished)
    try:
        assert job.status == "done", job.error
        assert job.done == job.total == 25
        private = Path(settings.PRIVATE_MEDIA_ROOT)  # the worker's, as configured: the fixture leaves it
        assert (private / job.batch_pdf).exists()
        assert all((private / c.pdf_path).exists() for c in job.certificates.all())
    finally:
        for certificate in job.certificates.all():
            if certificate.pdf_path:
                (Path(settings.PRIVATE_MEDIA_ROOT) / certificate.pdf_path).unlink(missing_ok=True)
        if job.batch_pdf:
            (Path(settings.PRIVATE_MEDIA_ROOT) / job.batch_pdf).unlink(missing_ok=True)
