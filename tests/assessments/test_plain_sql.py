"""The autosave's plain SQL (the answer lookup and the UPDATE) gives what its ORM twin
(tests/plain_sql_twins.py) gives, on SQLite and on PostgreSQL (the suite runs on both): one's own
open attempt, a foreign user's attempt, an unknown question, a submitted attempt, shuffled
options, with and without a deadline."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Answer, AttemptState
from tests import plain_sql_twins as twin
from tests.assessments.helpers import make_quiz

pytestmark = pytest.mark.django_db

RESPONSES = {"单选": "B", "多选": "AB", "判断": "对", "填空": ["2", "24"]}


@pytest.fixture
def attempts(make_worker, city_tree):
    candidate = make_worker(unit=city_tree["grid_a"])
    other = make_worker(unit=city_tree["grid_b"])
    timed = make_quiz("限时", shuffle_options=True, time_limit_minutes=30)
    untimed = make_quiz("不限时")
    return {
        "timed": services.attempt_start(quiz=timed, worker=candidate, seed=3),
        "untimed": services.attempt_start(quiz=untimed, worker=candidate),
        "foreign": services.attempt_start(quiz=untimed, worker=other),
        "candidate": candidate,
        "other": other,
    }


def _answers(attempt):
    return list(attempt.answers.select_related("version").order_by("position"))


def test_autosave_target(attempts):
    candidate, other = attempts["candidate"], attempts["other"]
    for name in ("timed", "untimed", "foreign"):
        attempt = attempts[name]
        for answer in _answers(attempt):
            for user in (candidate.user, other.user):
                mine = selectors.autosave_target(user, attempt.pk, answer.question_id)
                assert mine == twin.autosave_target(user, attempt.pk, answer.question_id), (name, user)
    timed = attempts["timed"]
    first = _answers(timed)[0]
    target = selectors.autosave_target(candidate.user, timed.pk, first.question_id)
    assert target.deadline is not None and target.option_map and target.state == AttemptState.IN_PROGRESS
    assert selectors.autosave_target(other.user, timed.pk, first.question_id) is None  # not theirs
    assert selectors.autosave_target(candidate.user, timed.pk, 10**9) is None  # no such question
    services.attempt_submit(attempt=timed)
    assert selectors.autosave_target(candidate.user, timed.pk, first.question_id) == twin.autosave_target(
        candidate.user, timed.pk, first.question_id
    )
    assert selectors.autosave_target(candidate.user, timed.pk, first.question_id).state != AttemptState.IN_PROGRESS


def _stored(answer_id):
    return Answer.objects.filter(pk=answer_id).values("response", "saved_at", "flagged").get()


def test_autosave_update(attempts):
    candidate = attempts["candidate"]
    now = timezone.now() - dt.timedelta(seconds=5)
    for name in ("timed", "untimed"):
        attempt = attempts[name]
        for answer, flagged in zip(_answers(attempt), (None, True, False, None), strict=True):
            target = selectors.autosave_target(candidate.user, attempt.pk, answer.question_id)
            before = _stored(answer.pk)
            services.answer_autosave(target=target, response=RESPONSES[answer.version.qtype], flagged=flagged, now=now)
            by_sql = _stored(answer.pk)
            Answer.objects.filter(pk=answer.pk).update(**before)
            assert twin.autosave_update(target=target, value=target.response, now=now, flagged=flagged) == 1
            assert by_sql == _stored(answer.pk), (name, answer.version.qtype)
            assert by_sql["saved_at"] == now and by_sql["response"] == target.response
    # Submitted since the target was read: neither writes.
    attempt = attempts["untimed"]
    answer = _answers(attempt)[0]
    stale = selectors.autosave_target(candidate.user, attempt.pk, answer.question_id)
    services.attempt_submit(attempt=attempt)
    before = _stored(answer.pk)
    with pytest.raises(services.AttemptClosed):
        services.answer_autosave(target=stale, response="A", now=now)
    assert twin.autosave_update(target=stale, value="A", now=now, flagged=None) == 0
    assert _stored(answer.pk) == before
