"""On PostgreSQL: two trainers assigning the same mentee at the same moment make ONE term (the
mentee's and mentors' rows are locked in the transaction)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from assessments.mentorship import services
from assessments.mentorship.models import MentorshipTerm
from lms import roles

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发安排导师的测试需要 PostgreSQL（SQLite 的写锁本身就串行化了事务）")


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def work(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_trainers_assign_the_same_mentee_once(city_tree, make_worker):
    trainer_1 = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    trainer_2 = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    mentor_1 = make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR})
    mentor_2 = make_worker(unit=city_tree["grid_a2"], role_codes={roles.MENTOR})
    mentee = make_worker(unit=city_tree["grid_a"])
    start = dt.date(2026, 3, 1)

    def assign(trainer, mentor):
        return lambda: (
            services.term_create(
                actor=trainer.user, mentor=mentor, mentee=mentee, start=start, planned_end=dt.date(2026, 7, 1)
            ).pk
        )

    results, errors = run_together([assign(trainer_1, mentor_1), assign(trainer_2, mentor_2)] * 2)
    assert MentorshipTerm.objects.filter(mentee=mentee).count() == 1
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, services.MentorshipError) and "重叠" in str(e) for e in errors)


def test_parallel_assignments_respect_the_mentors_capacity(city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    mentor = make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR})
    mentees = [make_worker(unit=city_tree["grid_a"]) for _ in range(4)]

    def assign(mentee):
        return lambda: (
            services.term_create(
                actor=trainer.user,
                mentor=mentor,
                mentee=mentee,
                start=dt.date(2026, 3, 1),
                planned_end=dt.date(2026, 7, 1),
            ).pk
        )

    results, errors = run_together([assign(m) for m in mentees])
    assert MentorshipTerm.objects.filter(mentor=mentor).count() == 2  # MENTOR_CAPACITY
    assert len(results) == 2 and len(errors) == 2
