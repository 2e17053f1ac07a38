"""Celery tasks of the case library: thin wrappers."""

import datetime as dt

from celery import shared_task


@shared_task(name="casebank.compilation_previous_month")
def compilation_previous_month_task() -> int:
    """Run on the 1st of each month by django-celery-beat (registered by migration 0002)."""
    from casebank.services import compilation_render, previous_month

    return compilation_render(month=previous_month()).pk


@shared_task(name="casebank.compilation_render")
def compilation_render_task(month: str) -> int:
    from casebank.services import compilation_render

    return compilation_render(month=dt.date.fromisoformat(month)).pk
