"""Celery tasks of the core: thin wrappers that call services with ids."""

from celery import shared_task
from django.contrib.auth import get_user_model

from lms import services


@shared_task(name="lms.notification_send")
def notification_send_task(
    recipient_id: int, title: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> int | None:
    recipient = get_user_model().objects.get(pk=recipient_id)
    notification = services.notification_send(
        recipient=recipient, title=title, body=body, url=url, dedupe_key=dedupe_key
    )
    return notification.pk if notification else None


@shared_task(name="lms.login_failures_prune")
def login_failures_prune_task() -> int:
    return services.login_failures_prune()


@shared_task(name="lms.export_job_run")
def export_job_run_task(job_id: int) -> str:
    return services.export_job_run(job_id=job_id).status


@shared_task(name="lms.export_jobs_prune")
def export_jobs_prune_task() -> int:
    from lms.services_imports import import_jobs_prune

    # Uploaded import files hold the same kind of personal data and go on the same schedule.
    return services.export_jobs_prune() + import_jobs_prune()


@shared_task(name="lms.import_job_check")
def import_job_check_task(job_id: int) -> str:
    from lms.services_imports import import_job_check

    return import_job_check(job_id=job_id).status


@shared_task(name="lms.import_job_apply")
def import_job_apply_task(job_id: int) -> str:
    from lms.services_imports import import_job_apply

    return import_job_apply(job_id=job_id).status
