"""Helper for tests of on-screen exports, which run as background jobs (lms.exports)."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from lms.models import ExportJob


def export_through_job(client, url: str, data: dict | None = None):
    """POST the export button, let the (eager) task run, and download the file: (job, response, body)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(url, data or {})
    assert started.status_code == 302, started.status_code
    job = ExportJob.objects.order_by("-pk").first()
    assert started["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportJob.Status.DONE, job.error
    response = client.get(reverse("export_job_download", args=[job.pk]))
    assert response.status_code == 200
    return job, response, b"".join(response.streaming_content)
