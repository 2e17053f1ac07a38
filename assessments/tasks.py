"""Celery tasks of assessments: thin wrappers that call services with ids."""

from celery import shared_task

from assessments import services


@shared_task(name="assessments.attempts_close_overdue")
def attempts_close_overdue_task() -> int:
    """Run every minute by django-celery-beat (registered by migration 0002)."""
    return services.attempts_close_overdue()


@shared_task(name="assessments.competency_recompute_stale")
def competency_recompute_stale_task() -> int:
    """Queued when evidence commits: recompute every (worker, period) marked stale."""
    return services.competency_recompute_stale()
