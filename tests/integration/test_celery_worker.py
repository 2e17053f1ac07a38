"""A real Celery worker on Redis runs a task enqueued after a commit (.ci/run's third stage).

Run with CELERY_BROKER_URL=redis://… and a PostgreSQL DATABASE_URL so the worker process can see
the test database.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from lms.models import Notification
from tests.services import port_open, service_missing

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    broker = settings.CELERY_BROKER_URL
    if not broker:
        service_missing("未设置 CELERY_BROKER_URL")
    if not port_open("127.0.0.1", 6379):
        service_missing("Redis 未在 127.0.0.1:6379 运行")
    if connection.vendor != "postgresql":
        service_missing("真实 Celery worker 测试需要 PostgreSQL（DATABASE_URL=postgres://…）")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO", "-n", "ci@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for_worker(process, done, seconds: float = 120) -> None:
    """Poll `done()` until it is true or `seconds` pass; fail at once if the worker process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done():
        if process.poll() is not None:
            pytest.fail("Celery worker 已退出：\n" + process.stdout.read())
        time.sleep(0.5)


def test_worker_runs_task_enqueued_after_commit(celery_worker_process, city_tree, make_worker):
    from lms.tasks import notification_send_task

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    worker = make_worker(unit=city_tree["grid_a"])
    with transaction.atomic():
        notification_send_task.delay_on_commit(worker.user.pk, "来自真实 Celery worker 的提醒")
        # Inside the transaction nothing is sent yet.
        assert not Notification.objects.filter(recipient=worker.user).exists()
    wait_for_worker(celery_worker_process, Notification.objects.filter(recipient=worker.user).exists, seconds=60)
    assert Notification.objects.get(recipient=worker.user).title == "来自真实 Celery worker 的提醒"
