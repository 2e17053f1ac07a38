"""Celery tasks of certificates: thin wrappers taking ids."""

from celery import shared_task


@shared_task(name="certificates.issuance_job_run")
def issuance_job_run_task(job_id: int) -> int:
    from certificates.services import issuance_job_run

    return issuance_job_run(job_id=job_id).done


@shared_task(name="certificates.expiry_reminders_send")
def expiry_reminders_send_task() -> int:
    from certificates.services import certificate_expiry_reminders_send

    return certificate_expiry_reminders_send()
