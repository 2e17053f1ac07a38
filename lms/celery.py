"""Celery application.

Without CELERY_BROKER_URL every task runs eagerly in-process (see settings), so the demo and the
default test run need no broker; with it, tasks go to real workers.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
