"""A real Celery worker recomputes a worker's competency scores after new evidence commits (.ci/run's third stage)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from assessments.models import CompetencyScore, CompetencyStale, EvidenceSource, ScoreKind
from assessments.services import evidence_record_many
from tests.integration.test_celery_worker import celery_worker_process, wait_for_worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_recomputes_the_stale_periods_after_commit(celery_worker_process, city_tree, make_worker):  # noqa: F811
    worker = make_worker(unit=city_tree["grid_a"])
    day = dt.date(2025, 5, 12)
    with transaction.atomic():
        # two 演练 runs on 3.2: 衰减平均 s₂ = 0.65 × 80 + 0.35 × 60 = 73.00 (3.2 has no 测试 evidence, so 演练 is 100 %)
        evidence_record_many(
            worker=worker,
            source=EvidenceSource.DRILL,
            items=[("3.2", 60, day, ("drill", 1)), ("3.2", 80, day + dt.timedelta(days=1), ("drill", 2))],
        )
        assert set(CompetencyStale.objects.filter(worker=worker).values_list("period", flat=True)) == {
            "2025",
            "2025-Q2",
        }

    def recomputed():
        return not CompetencyStale.objects.filter(worker=worker).exists()

    wait_for_worker(celery_worker_process, recomputed, seconds=60)
    scores = {
        (s.period, s.code): s.score
        for s in CompetencyScore.objects.filter(worker=worker, kind=ScoreKind.INDICATOR, code="3.2")
    }
    assert scores == {("2025", "3.2"): Decimal("73.00"), ("2025-Q2", "3.2"): Decimal("73.00")}
