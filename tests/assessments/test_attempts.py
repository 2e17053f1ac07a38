"""The attempt state machine: start (frozen order, resume), autosave, deadline, submit once,
auto-close by the beat task, grading methods, review options, evidence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Answer, Attempt, AttemptState, Evidence, QuizDrawRule, ReviewWhen
from assessments.scoring import AnswerShapeError
from assessments.selectors import quiz_grade, review_options
from assessments.services import (
    AttemptClosed,
    AttemptRefused,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    question_save,
)
from assessments.tasks import attempts_close_overdue_task
from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def answers(attempt):
    return {a.question.qtype: a for a in attempt.answers.select_related("question", "version")}


def answer_all_right(attempt):
    for a in attempt.answers.select_related("version"):
        response = a.version.answer
        if a.version.qtype == "填空":
            response = [alts.split("|")[0] for alts in a.version.answer.split(";")]
        answer_save(answer=a, response=response)


def test_start_freezes_order_and_resumes_the_open_attempt(worker):
    quiz = make_quiz(shuffle_questions=True)
    first = attempt_start(quiz=quiz, worker=worker, seed=1)
    order = list(first.answers.order_by("position").values_list("question_id", flat=True))
    assert sorted(order) == sorted(quiz.slots.values_list("question_id", flat=True))
    again = attempt_start(quiz=quiz, worker=worker, seed=2)
    assert again.pk == first.pk
    assert list(again.answers.order_by("position").values_list("question_id", flat=True)) == order
    assert first.max_score == Decimal("10.00")


def test_full_marks_and_evidence_per_indicator(worker):
    quiz = make_quiz()
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_all_right(attempt)
    result = attempt_submit(attempt=attempt)
    assert (result.state, result.score, result.max_score, result.passed) == (
        AttemptState.GRADED,
        Decimal("10.00"),
        Decimal("10.00"),
        True,
    )
    evidence = {(e.indicator.code, e.score) for e in Evidence.objects.filter(worker=worker)}
    assert evidence == {("3.3", Decimal("100.00")), ("1.3", Decimal("100.00")), ("3.4", Decimal("100.00"))}
    assert Evidence.objects.filter(worker=worker).count() == 4  # one per graded answer


def test_partial_multi_and_blanks_and_pass_mark(worker):
    quiz = make_quiz()
    attempt = attempt_start(quiz=quiz, worker=worker)
    by_type = answers(attempt)
    answer_save(answer=by_type["单选"], response="A")  # wrong: 0 of 2
    answer_save(answer=by_type["多选"], response="AB")  # subset: 2 of 4
    answer_save(answer=by_type["判断"], response="对")  # 1 of 1
    answer_save(answer=by_type["填空"], response=["２", "x"])  # full-width 2 matches: 1.5 of 3
    result = attempt_submit(attempt=attempt)
    assert result.score == Decimal("4.50") and result.passed is False
    assert Evidence.objects.get(worker=worker, indicator__code="1.3").score == Decimal("50.00")


def test_all_or_nothing_quiz(worker):
    quiz = make_quiz(multi_partial_credit=False)
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_save(answer=answers(attempt)["多选"], response="AB")
    assert attempt_submit(attempt=attempt).score == Decimal("0.00")


def test_double_submit_grades_once(worker):
    quiz = make_quiz()
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_all_right(attempt)
    first = attempt_submit(attempt=attempt)
    graded_at = first.graded_at
    second = attempt_submit(attempt=attempt, now=timezone.now() + dt.timedelta(minutes=5))
    assert second.graded_at == graded_at and second.score == first.score
    assert Evidence.objects.filter(worker=worker).count() == 4


def test_answers_after_submit_or_deadline_are_refused(worker):
    quiz = make_quiz(time_limit_minutes=30)
    start = timezone.now()
    attempt = attempt_start(quiz=quiz, worker=worker, now=start)
    assert attempt.deadline == start + dt.timedelta(minutes=30)
    single = answers(attempt)["单选"]
    answer_save(answer=single, response="B", now=start + dt.timedelta(minutes=29))
    with pytest.raises(AttemptClosed, match="截止"):
        answer_save(answer=single, response="C", now=start + dt.timedelta(minutes=31))
    assert Answer.objects.get(pk=single.pk).response == "B"
    attempt_submit(attempt=attempt, now=start + dt.timedelta(minutes=29))
    single.attempt.refresh_from_db()
    with pytest.raises(AttemptClosed, match="已提交"):
        answer_save(answer=single, response="C", now=start + dt.timedelta(minutes=29))


def test_deadline_is_capped_by_the_window_close(worker):
    now = timezone.now()
    quiz = make_quiz(time_limit_minutes=60, closes_at=now + dt.timedelta(minutes=10))
    attempt = attempt_start(quiz=quiz, worker=worker, now=now)
    assert attempt.deadline == quiz.closes_at


def test_wrong_shape_is_refused(worker):
    attempt = attempt_start(quiz=make_quiz(), worker=worker)
    with pytest.raises(AnswerShapeError):
        answer_save(answer=answers(attempt)["填空"], response="2")


def test_beat_task_closes_overdue_attempts_and_grades_what_was_saved(worker, city_tree, make_worker):
    quiz = make_quiz(time_limit_minutes=20)
    start = timezone.now() - dt.timedelta(minutes=30)
    late = attempt_start(quiz=quiz, worker=worker, now=start)
    answer_save(answer=answers(late)["单选"], response="B", now=start + dt.timedelta(minutes=5))
    other = make_worker(unit=city_tree["grid_a"])
    fresh = attempt_start(quiz=quiz, worker=other)
    assert attempts_close_overdue_task.delay().get() == 1
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.state == AttemptState.GRADED and late.auto_closed and late.score == Decimal("2.00")
    assert late.submitted_at == late.deadline
    assert fresh.state == AttemptState.IN_PROGRESS
    assert attempts_close_overdue() == 0


def test_attempts_allowed_and_single_attempt(worker):
    quiz = make_quiz(attempts_allowed=1)
    attempt_submit(attempt=attempt_start(quiz=quiz, worker=worker))
    with pytest.raises(AttemptRefused, match="次数"):
        attempt_start(quiz=quiz, worker=worker)


def test_window_and_draft_refuse_starts(worker):
    now = timezone.now()
    with pytest.raises(AttemptRefused, match="开放"):
        attempt_start(quiz=make_quiz("未开", opens_at=now + dt.timedelta(hours=1)), worker=worker)
    with pytest.raises(AttemptRefused, match="截止"):
        attempt_start(quiz=make_quiz("已关", closes_at=now - dt.timedelta(hours=1)), worker=worker)
    with pytest.raises(AttemptRefused, match="发布"):
        attempt_start(quiz=make_quiz("草稿", is_draft=True), worker=worker)


@pytest.mark.parametrize(
    "method, expected", [("highest", "100.00"), ("first", "20.00"), ("last", "50.00"), ("average", "56.67")]
)
def test_grading_methods(worker, method, expected):
    # one ten-blank question, so the three attempts can score 20%, 100% and 50%
    blanks = dict(qtype="填空", stem="十个空", answer="a;b;c;d;e;f;g;h;i;j", points=Decimal("10"))
    quiz = make_quiz(questions=[blanks], grading_method=method)
    for right in (2, 10, 5):
        attempt = attempt_start(quiz=quiz, worker=worker)
        response = [c if i < right else "x" for i, c in enumerate("abcdefghij")]
        answer_save(answer=attempt.answers.get(), response=response)
        attempt_submit(attempt=attempt)
    assert quiz_grade(worker, quiz) == Decimal(expected)


def test_random_draws_per_slot(worker):
    quiz = make_quiz(questions=[SAMPLE[0]])
    for n in range(6):
        question_save(
            qtype="判断",
            stem=f"应急题{n}",
            answer="对",
            points=1,
            indicator_code="3.2",
            difficulty="中",
            category="应急处置",
        )
    for n in range(4):
        question_save(
            qtype="判断",
            stem=f"政策题{n}",
            answer="错",
            points=1,
            indicator_code="1.1",
            difficulty="中",
            category="政策法规",
        )
    QuizDrawRule.objects.create(quiz=quiz, count=3, category="应急处置", difficulty="中")
    QuizDrawRule.objects.create(quiz=quiz, count=2, indicator_code="1.1")
    attempt = attempt_start(quiz=quiz, worker=worker, seed=7)
    drawn = list(attempt.answers.select_related("version").order_by("position"))
    assert len(drawn) == 1 + 3 + 2
    assert [a.version.category for a in drawn[1:4]] == ["应急处置"] * 3
    assert [a.version.indicator_code for a in drawn[4:]] == ["1.1", "1.1"]


def test_shuffled_options_are_graded_by_meaning(worker):
    quiz = make_quiz(questions=[SAMPLE[0]], shuffle_options=True)
    attempt = attempt_start(quiz=quiz, worker=worker, seed=3)
    answer = attempt.answers.select_related("version").get()
    shown = {v: k for k, v in answer.option_map.items()}  # own letter → shown letter
    answer_save(answer=answer, response=shown["B"])
    assert attempt_submit(attempt=attempt).score == Decimal("2.00")


@pytest.mark.parametrize(
    "when, in_progress, after_submit, after_close",
    [
        (ReviewWhen.NEVER, False, False, False),
        (ReviewWhen.DURING, True, True, True),
        (ReviewWhen.AFTER_SUBMIT, False, True, True),
        (ReviewWhen.AFTER_CLOSE, False, False, True),
    ],
)
def test_review_options(worker, when, in_progress, after_submit, after_close):
    now = timezone.now()
    quiz = make_quiz(review_answers=when, closes_at=now + dt.timedelta(hours=2))
    attempt = attempt_start(quiz=quiz, worker=worker, now=now)
    assert review_options(attempt, now=now)["answers"] is in_progress
    attempt = attempt_submit(attempt=attempt, now=now)
    assert review_options(attempt, now=now)["answers"] is after_submit
    assert review_options(attempt, now=now + dt.timedelta(hours=3))["answers"] is after_close


def test_essay_waits_for_marking(worker):
    quiz = make_quiz(questions=[SAMPLE[0], ESSAY])
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_save(answer=answers(attempt)["简答"], response="关阀门、开窗、疏散、报警")
    result = attempt_submit(attempt=attempt)
    assert result.state == AttemptState.PENDING_MARKING and result.score is None
    assert Attempt.objects.get(pk=attempt.pk).answers.get(version__qtype="单选").score == Decimal("0.00")


def test_starting_again_after_the_deadline_closes_the_old_attempt_first(worker):
    quiz = make_quiz(time_limit_minutes=10)
    start = timezone.now() - dt.timedelta(minutes=15)
    old = attempt_start(quiz=quiz, worker=worker, now=start)
    answer_save(answer=answers(old)["判断"], response="对", now=start + dt.timedelta(minutes=1))
    new = attempt_start(quiz=quiz, worker=worker)
    old.refresh_from_db()
    assert (old.state, old.auto_closed, old.score) == (AttemptState.GRADED, True, Decimal("1.00"))
    assert new.pk != old.pk and new.number == 2 and new.state == AttemptState.IN_PROGRESS
