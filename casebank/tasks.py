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


@shared_task(name="casebank.search_log_prune")
def search_log_prune_task() -> int:
    """Daily at 03:30 by django-celery-beat (registered by migration 0006): the 180-day limit."""
    from casebank.services import search_log_prune

    return search_log_prune()
