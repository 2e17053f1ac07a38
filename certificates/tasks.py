"""Celery tasks of certificates: thin wrappers taking ids."""

from celery import shared_task


@shared_task(name="certificates.issuance_job_run")
def issuance_job_run_task(job_id: int) -> int:
    from certificates.services import issuance_job_run

    return issuance_job_run(job_id=job_id).done
