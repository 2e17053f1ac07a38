"""On PostgreSQL (CI's second run): simultaneous starts of a single-attempt quiz, from real
threads with their own connections, create exactly one attempt; simultaneous submits grade once."""

import threading

import pytest
from django.db import connection, connections

from assessments.models import Attempt, Evidence
from assessments.services import answer_save, attempt_start, attempt_submit
from tests.assessments.helpers import make_quiz

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发开始作答的测试需要 PostgreSQL（SQLite 的写锁本身就串行化了事务）")


def run_together(target):
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_parallel_starts_of_a_single_attempt_quiz_make_one_attempt(city_tree, make_worker):
    quiz = make_quiz(attempts_allowed=1, time_limit_minutes=30)
    worker = make_worker(unit=city_tree["grid_a"])
    results, errors = run_together(lambda: attempt_start(quiz=quiz, worker=worker).pk)
    assert errors == []
    assert Attempt.objects.filter(quiz=quiz, worker=worker).count() == 1
    assert set(results) == {Attempt.objects.get().pk}
    assert Attempt.objects.get().answers.count() == 4


def test_parallel_submits_grade_once(city_tree, make_worker):
    quiz = make_quiz()
    worker = make_worker(unit=city_tree["grid_a"])
    attempt = attempt_start(quiz=quiz, worker=worker)
    single = attempt.answers.select_related("version", "attempt").get(version__qtype="单选")
    answer_save(answer=single, response="B")
    results, errors = run_together(lambda: attempt_submit(attempt=attempt).graded_at)
    assert errors == [] and len(set(results)) == 1
    assert Evidence.objects.filter(worker=worker).count() == 4
