"""Finished export jobs and their files are deleted after EXPORT_JOB_KEEP_DAYS, nightly by beat."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from lms.models import ExportJob
from lms.services import export_jobs_prune

pytestmark = pytest.mark.django_db


def _job(user, *, days_old, status=ExportJob.Status.DONE):
    job = ExportJob.objects.create(
        requested_by=user,
        kind="test.kind",
        title="测试导出",
        status=status,
        created_at=timezone.now() - dt.timedelta(days=days_old),
    )
    if status == ExportJob.Status.DONE:
        job.file.save("名单.csv", ContentFile("工号,姓名\n".encode()), save=True)
    return job


def test_old_finished_jobs_lose_their_files_recent_and_running_ones_stay(settings, private_media, django_user_model):
    settings.EXPORT_JOB_KEEP_DAYS = 7
    user = django_user_model.objects.create_user("hr9", password="x")
    old = _job(user, days_old=8)
    old_failed = _job(user, days_old=30, status=ExportJob.Status.FAILED)
    recent = _job(user, days_old=6)
    running = _job(user, days_old=30, status=ExportJob.Status.RUNNING)
    old_path = private_media / old.file.name
    assert old_path.exists()
    assert export_jobs_prune() == 2
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not old_path.exists() and (private_media / recent.file.name).exists()
    assert not ExportJob.objects.filter(pk=old_failed.pk).exists()


def test_beat_runs_the_housekeeping_nightly():
    tasks = {t.task: t for t in PeriodicTask.objects.filter(task__startswith="lms.")}
    assert set(tasks) >= {"lms.export_jobs_prune", "lms.login_failures_prune"}
    assert tasks["lms.export_jobs_prune"].crontab.hour == "3" and tasks["lms.export_jobs_prune"].enabled
