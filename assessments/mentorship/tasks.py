"""Celery tasks of the mentorship app: thin wrappers that call services."""

from celery import shared_task


@shared_task(name="mentorship.reminders_send")
def reminders_send_task() -> dict[str, int]:
    """Run daily by django-celery-beat (registered by migration mentorship 0003)."""
    from . import services

    return services.reminders_send()
